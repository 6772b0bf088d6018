"""Small helpers for the 热门 tests: send a beacon, fold, read the folded views."""

from hot.counter import CacheCounter
from hot.models import DailyViews

BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
FORM = "application/x-www-form-urlencoded"


def browser_id(n):
    return f"{n:032x}"


def send(client, article_id, browser=1, *, agent=BROWSER_UA, address="203.0.113.9", body=None):
    """POST one beacon as static/js/hot.js does; the response."""
    if body is None:
        body = f"a={article_id}" + (f"&b={browser_id(browser)}" if browser is not None else "")
    return client.post(
        "/hot/beacon/", data=body, content_type=FORM, HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )


def pending_counts():
    """{article id: count} over every hour not folded yet (the cache store)."""
    store = CacheCounter()
    total = {}
    for hour in store.hours():
        for article, n in store.read(hour).items():
            total[article] = total.get(article, 0) + n
    return total


def folded(article):
    """{Beijing day: views} folded for ``article``."""
    return dict(DailyViews.objects.filter(article=article).values_list("day", "views"))
