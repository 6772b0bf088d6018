"""Article cards built in Python render what templates/articles/_card.html renders."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.urlcache import slug_url
from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db

REFERENCE = Template(
    '{% for article in articles %}\n    {% include "articles/_card.html" %}\n  {% endfor %}'
)
FAST = Template("{% load finews_tags %}{% article_cards articles show_category %}")


def _articles():
    category = make_category(name='财经 <b>"来源"</b> & 公司', slug="cards-source")
    return [
        make_article(
            title='标题 <script>alert("x")</script> & 引号\'',
            summary="短摘要 <i>斜体</i> & 符号",
            category=category,
            published_at=datetime(2026, 3, 5, 23, 59, 7, tzinfo=ZoneInfo("UTC")),
        ),
        make_article(
            title="长摘要文章",
            summary="很长的摘要。" * 40,
            category=category,
            published_at=datetime(2026, 1, 1, 0, 0, tzinfo=BEIJING) - timedelta(microseconds=1),
        ),
        make_article(title="没有摘要", summary="", category=category),
        make_article(title="恰好一百二十字", summary="字" * 120, category=category),
        make_article(title="一百二十一字", summary="字" * 121, category=category),
        make_article(title="组合字符", summary="e\u0301" * 130, category=category),
    ]


@pytest.mark.parametrize("show_category", [True, False, None])
def test_cards_match_the_card_template(show_category):
    """Every card (escaping, Beijing time, truncated summary, category link) equals _card.html's."""
    articles = _articles()
    context = {"articles": articles, "show_category": show_category}
    expected = REFERENCE.render(Context(context))
    assert FAST.render(Context(context)) == expected
    assert "&lt;script&gt;" in expected and "<script>" not in expected
    assert "2026-03-06 07:59" in expected  # 23:59 UTC is 07:59 the next day in Beijing
    assert ("cards-source" in expected) is (show_category is not False)


def test_listing_pages_show_the_cards(client):
    """A category page lists its articles as cards linking to each article."""
    article = make_article(title="卡片链接文章", category=make_category(slug="card-page"))
    html = client.get("/category/card-page/").content.decode()
    assert f'<a href="/news/{article.slug}/">卡片链接文章</a>' in html
    assert 'class="article-list"' in html


@pytest.mark.parametrize("slug", ["abc", "a-b_c-123", "X"])
def test_slug_url_equals_reverse(slug):
    """The shortcut URL of an article or category is exactly reverse()'s."""
    for name in ("articles:detail", "articles:category"):
        assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_slug_url_follows_the_script_prefix():
    """Under a script prefix (site mounted below /) the URL carries it, as reverse() does."""
    set_script_prefix("/mounted/")
    try:
        assert slug_url("articles:detail", "abc") == "/mounted/news/abc/"
        assert slug_url("articles:detail", "abc") == reverse("articles:detail", args=["abc"])
    finally:
        set_script_prefix("/")
    assert slug_url("articles:detail", "abc") == "/news/abc/"


@pytest.mark.parametrize("slug", ["中文", "a b", "a/b", ""])
def test_slug_url_refuses_what_reverse_refuses(slug):
    """A slug the URL pattern does not accept raises NoReverseMatch, never a made-up URL."""
    with pytest.raises(NoReverseMatch):
        slug_url("articles:detail", slug)


@override_settings(ROOT_URLCONF="tests.articles.urls_moved")
def test_slug_url_follows_a_changed_urlconf():
    """Swapping the URLconf (as tests do) is seen: the pattern is derived again."""
    assert slug_url("articles:detail", "abc") == "/moved/abc/"


def test_article_url_uses_the_shortcut():
    """Article.get_absolute_url() is the detail URL of its slug."""
    article = make_article(slug="cards-url-check")
    assert article.get_absolute_url() == "/news/cards-url-check/"
    assert article.category.get_absolute_url() == f"/category/{article.category.slug}/"
