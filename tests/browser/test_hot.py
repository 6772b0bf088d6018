"""热门 in real Chromium: the article page sends its beacon, the box fills, nothing scrolls sideways."""

import pytest
from django.utils import timezone

from hot import ranking
from hot.models import DailyViews
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article
from tests.hot.helpers import pending_counts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headless Chromium says "HeadlessChrome" and is ignored as a bot; a reader's browser is not.
READER_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def reader(browser):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", user_agent=READER_UA
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_article_page_sends_one_beacon_per_browser(live_server, reader, settings):
    """Opening an article sends the beacon; a reload within 30 minutes does not count again."""
    settings.PAGE_CACHE_ENABLED = True
    article = make_article(slug="hot-browser-beacon", title="浏览器里读到的新闻")
    with reader.expect_request(lambda r: r.url.endswith("/hot/beacon/")) as sent:
        reader.goto(live_server.url + article.get_absolute_url())
    request = sent.value
    assert request.method == "POST"
    assert f"a={article.pk}" in request.post_data and "b=" in request.post_data
    assert request.response().status == 204
    with reader.expect_request(lambda r: r.url.endswith("/hot/beacon/")) as again:
        reader.reload()
    again.value.response()
    assert pending_counts() == {article.pk: 1}


def test_headless_browser_is_not_counted(live_server, page):
    """Chromium's own headless User-Agent is a bot's: answered, not counted."""
    article = make_article(slug="hot-headless")
    with page.expect_request(lambda r: r.url.endswith("/hot/beacon/")) as sent:
        page.goto(live_server.url + article.get_absolute_url())
    assert sent.value.response().status == 204
    assert pending_counts() == {}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_hot_page_and_box_fit(live_server, browser, screenshot, viewport):
    """/hot/ and an article with the box: no sideways scroll at 390 or 1280 px."""
    articles = [
        make_article(
            slug=f"hot-shot-{n}",
            title=f"第{n}条热门：央行宣布降准0.5个百分点释放长期资金约一万亿元",
        )
        for n in range(1, 13)
    ]
    for n, article in enumerate(articles):
        DailyViews.objects.create(article=article, day=timezone.localdate(), views=200 - n)
    ranking.refresh()
    context = browser.new_context(viewport=viewport, locale="zh-CN", user_agent=READER_UA)
    page = context.new_page()
    width = viewport["width"]
    page.goto(live_server.url + "/hot/")
    assert page.locator(".hot-row").count() == 12
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"hot-{width}")
    page.goto(live_server.url + articles[5].get_absolute_url())
    page.wait_for_selector(".hot-box li")
    assert page.locator(".hot-box li").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"hot-article-{width}")
    context.close()
