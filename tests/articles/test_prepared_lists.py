"""Category and tag pages run a page query compiled once per process (PreparedSeekList).

What must hold: one compiled query serves every category (or tag) with its
own articles, every page after its own boundary, and the publish gate at the
moment of each request — a scheduled article shows once it is due, a
withdrawn one is gone at once.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.views import lists
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'<h2 class="card-title"><a href="[^"]*">([^<]*)</a>')


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return TITLE.findall(response.content.decode())


def archive(slug, tag, size=45):
    category = make_category(name=f"来源{slug}", slug=slug)
    now = timezone.now()
    return [
        make_article(
            category=category,
            title=f"预编译{slug}{i:02d}",
            published_at=now - timedelta(minutes=10 + i),
            tags=[tag],
        )
        for i in range(size)
    ]


@pytest.fixture
def two_lists():
    # Pages of 20 (settings.ARTICLES_PER_PAGE): 20, 20 and 5 articles.
    return archive("prepalpha", "预编译甲"), archive("prepbeta", "预编译乙")


@pytest.mark.parametrize("kind", ["category", "tag"])
def test_one_compiled_query_serves_each_list_with_its_own_pages(client, two_lists, kind):
    alpha, beta = two_lists
    urls = {
        "category": [reverse("articles:category", args=[s]) for s in ("prepalpha", "prepbeta")],
        "tag": [reverse("articles:tag", args=[t]) for t in ("预编译甲", "预编译乙")],
    }[kind]
    for url, articles in zip(urls, (alpha, beta), strict=True):
        shown = (
            titles(client, url) + titles(client, url + "?page=2") + titles(client, url + "?page=3")
        )
        assert shown == [a.title for a in articles]
    prepared = lists.CATEGORY_PAGE if kind == "category" else lists.TAG_PAGE
    # Page 1 and the pages after a boundary: one compiled query each, whatever the list.
    assert {(20, True), (20, False)} <= set(prepared._queries)


def test_scheduled_article_shows_when_due_and_withdrawn_one_goes(client, two_lists, time_machine):
    alpha, _ = two_lists
    url = reverse("articles:category", args=["prepalpha"])
    due = timezone.now() + timedelta(minutes=30)
    make_article(category=alpha[0].category, title="预编译定时SCHEDULEDx", published_at=due)
    assert "预编译定时SCHEDULEDx" not in titles(client, url)
    alpha[0].status = Article.Status.WITHDRAWN
    alpha[0].save()
    assert titles(client, url)[0] == alpha[1].title
    time_machine.move_to(due + timedelta(seconds=1))
    assert titles(client, url)[0] == "预编译定时SCHEDULEDx"


def test_warm_list_pages_build_no_queryset(client, monkeypatch):
    """A page read through its compiled query, with its count cached, builds no queryset.

    Building one (``filter()``, ``Q``, joins) costs more than running the
    compiled query; the list's queryset is for a count or boundary miss.
    """
    category = make_category(name="懒列表来源", slug="lazy-list")
    make_article(category=category, title="懒列表文章LAZYq", tags=["懒列表标签"])
    built = []
    for name in ("_category_articles", "_tag_articles"):
        original = getattr(lists, name)
        monkeypatch.setattr(
            lists,
            name,
            lambda *args, _name=name, _original=original: built.append(_name) or _original(*args),
        )
    urls = [category.get_absolute_url(), reverse("articles:tag", args=["懒列表标签"])]
    for url in urls:
        assert titles(client, url) == ["懒列表文章LAZYq"]  # cold: counts built and cached
    built.clear()
    for url in urls:
        assert titles(client, url) == ["懒列表文章LAZYq"]
    assert built == []
