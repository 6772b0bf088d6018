"""Article cards, as list pages render them (``article_cards``, articles/templating.py), and their URLs."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.slug_urls import slug_url
from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db

# What list pages include (home, category, tag, archive, search): the production cards.
LISTING = engines["jinja2"].get_template("articles/_article_list.html")


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


def _first_card(article, category_link):
    return (
        f'<article class="card" data-id="{article.pk}">\n'
        '  <time datetime="2026-03-06T07:59:07+08:00">03-06 07:59</time>\n'
        '  <div class="card-main">\n'
        f'    <h2 class="card-title"><a href="/news/{article.slug}/">'
        "标题 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 引号&#x27;</a></h2>\n"
        '    <p class="summary">短摘要 &lt;i&gt;斜体&lt;/i&gt; &amp; 符号</p>\n'
        "  </div>\n"
        f"  {category_link}\n"
        "</article>\n"
    )


@pytest.mark.parametrize("show_category", [True, False, None])
def test_cards_show_escaped_text_beijing_time_and_cut_summaries(show_category):
    """A listing's cards: escaped title and names, Beijing time, summaries cut at 120 chars."""
    articles = _articles()
    # Lists show this year's news as month-day time, earlier years' with the year.
    with time_machine.travel(datetime(2026, 11, 29, 4, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        html = LISTING.render({"articles": articles, "show_category": show_category})
    category_link = (
        '<a class="cat" href="/category/cards-source/">'
        "财经 &lt;b&gt;&quot;来源&quot;&lt;/b&gt; &amp; 公司</a>"
    )
    # 23:59 UTC is 07:59 the next day in Beijing (this year: month-day); the category link
    # unless left out.
    assert _first_card(articles[0], category_link if show_category is not False else "") in html
    assert "<script>" not in html
    assert ('class="cat"' in html) is (show_category is not False)
    # The last microsecond of 2025 in Beijing is still 2025 there.
    assert '<time datetime="2025-12-31T23:59:59.999999+08:00">2025-12-31 23:59</time>' in html
    summaries = re.findall(r'<p class="summary">(.*?)</p>', html)
    # 120 characters at most, the ending included ("..." in Simplified Chinese).
    assert summaries == [
        "短摘要 &lt;i&gt;斜体&lt;/i&gt; &amp; 符号",
        "很长的摘要。" * 19 + "很长的...",
        "字" * 120,
        "字" * 117 + "...",
        # Combining accents count once: é (e + U+0301) is one character, normalised.
        "\u00e9" * 117 + "...",
    ]
    assert html.count('<article class="card"') == len(articles)


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


def _two_in_a_category(name):
    """(older, newer): two articles of the category ``<name>-source``, five minutes apart."""
    category = make_category(name=f"{name}来源", slug=f"{name}-source")
    older = make_article(
        title=f"较早的一篇{name.upper()}old",
        slug=f"{name}-older",
        category=category,
        published_at=datetime(2026, 3, 5, 9, 0, tzinfo=BEIJING),
    )
    newer = make_article(
        title="较新的一篇",
        slug=f"{name}-newer",
        category=category,
        published_at=older.published_at + timedelta(minutes=5),
    )
    return older, newer


class _MountElsewhere:
    """A middleware giving the request its own URLconf, as a site serving two hosts would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = "tests.articles.urls_mounted"
        return self.get_response(request)


def test_links_follow_a_urlconf_a_middleware_gives_the_request(client, settings):
    """The article page's links (neighbour, category) use the request's own URLconf.

    URLScopeMiddleware reads the URLconf once per request; a middleware before it
    that sets ``request.urlconf`` must still be followed, as Django's reverse() does.
    """
    older, newer = _two_in_a_category("mounted")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:-1],
        f"{__name__}._MountElsewhere",
        settings.MIDDLEWARE[-1],
    ]
    response = client.get(f"/elsewhere/news/{newer.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/elsewhere/news/{older.slug}/"><span class="hint">‹ 上一篇</span>' in body
    assert 'href="/elsewhere/category/mounted-source/"' in body
    assert 'href="/news/mounted-older/"' not in body
    # Outside the request, URLs are the site's own again.
    assert slug_url("articles:detail", older.slug) == "/news/mounted-older/"


def test_links_follow_the_script_prefix_of_each_request(client):
    """A page served below a script prefix links below it; the next page, without, does not."""
    older, newer = _two_in_a_category("prefix")
    # The test client does not set the prefix from SCRIPT_NAME; WSGIHandler does.
    set_script_prefix("/mountedP/")
    try:
        prefixed = client.get(f"/news/{newer.slug}/").content.decode()
    finally:
        set_script_prefix("/")
    plain = client.get(f"/news/{newer.slug}/").content.decode()
    assert f'href="/mountedP/news/{older.slug}/"' in prefixed
    assert f'href="/news/{older.slug}/"' in plain
    assert "/mountedP/" not in plain


def test_related_headlines_show_last_years_news_with_its_year(client):
    """相关新闻 items: escaped title, Beijing time with the year for last year's news, source."""
    category = make_category(name="来源 <甲> & 乙", slug="related-source")
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=BEIJING), tick=False):
        older = make_article(
            title='去年的"旧闻" <b>OLDyear</b>',
            slug="related-last-year",
            category=category,
            published_at=datetime(2025, 12, 31, 23, 59, tzinfo=BEIJING),
            tags=["相关测试标签"],
        )
        recent = make_article(
            title="今年的新闻",
            slug="related-this-year",
            category=category,
            published_at=datetime(2026, 1, 4, 8, 30, tzinfo=BEIJING),
            tags=["相关测试标签"],
        )
        body = client.get(recent.get_absolute_url()).content.decode()
    assert (
        f'\n        <li><a href="/news/{older.slug}/">'
        "去年的&quot;旧闻&quot; &lt;b&gt;OLDyear&lt;/b&gt;</a>\n"
        '          <time datetime="2025-12-31T23:59:00+08:00">2025-12-31 23:59 · '
        "来源 &lt;甲&gt; &amp; 乙</time></li>\n      "
    ) in body
