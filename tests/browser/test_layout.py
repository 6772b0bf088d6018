"""Page layout in real Chromium: nothing scrolls sideways on a phone; a desktop screen is dense."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import PHONE
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://example.com/" + "verylongpathsegment" * 12
DESKTOP_800 = {"width": 1280, "height": 800}


@pytest.fixture
def archive():
    """45 articles (three pages), some with long unbroken URLs and digits in their text."""
    category = make_category(name="长链接来源" + "X" * 40, slug="layout-source")
    now = timezone.now()
    articles = [
        make_article(
            title=f"布局测试新闻{i} " + (LONG_URL if i % 5 == 0 else "央行开展逆回购操作"),
            summary=f"摘要 {LONG_URL} " + "1234567890" * 10,
            body=f"<p>正文 {LONG_URL}</p>",
            category=category,
            tags=["布局标签" + "长" * 30],
            published_at=now - timedelta(minutes=5 * i + 1),
        )
        for i in range(45)
    ]
    return category, articles


# Headlines as long as the archive's: most fit a line, some take two.
HEADLINES = [
    "央行开展逆回购操作 净投放资金规模扩大",
    "新东方在线(01797.HK)日内跌幅达5%",
    "合锻智能：拿下双幅24层层压机自动化生产线订单 高端层压机首次实现研发制造国产化",
    "北影控股集团所持15家子公司股权下月拍卖，起拍价合计2.695亿元",
    "快递股午后拉升 申通快递涨停",
    "“股王”茅台重回2000元关口！酿酒板块多股大涨 北上资金“扫货” 大行情要来？",
]


@pytest.fixture
def headlines():
    """30 articles of one category with headlines of the archive's lengths."""
    category = make_category(name="东财滚动新闻", slug="density-source")
    now = timezone.now()
    for i in range(30):
        make_article(
            title=f"{HEADLINES[i % len(HEADLINES)]}（{i}）",
            summary="摘要：" + "市场人士认为资金面宽松与经济数据偏弱共同推动债市走强。" * 3,
            category=category,
            published_at=now - timedelta(minutes=3 * i + 1),
        )
    return category


def public_pages(category, article):
    today = timezone.localdate()
    tag = article.tags.first()
    return {
        "home": "/",
        "latest": reverse("articles:latest"),
        "latest page 2": reverse("articles:latest") + "?page=2",
        "category": category.get_absolute_url(),
        "category page 2": category.get_absolute_url() + "?page=2",
        "category index": reverse("articles:category_index"),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "tag page 2": reverse("articles:tag", args=[tag.slug]) + "?page=2",
        "search": reverse("articles:search") + "?q=布局测试新闻",
        "archive year": reverse("articles:archive_year", args=[today.year]),
        "archive month": reverse("articles:archive_month", args=[today.year, today.month]),
        "archive day": reverse("articles:archive_day", args=[today.year, today.month, today.day]),
        "article": article.get_absolute_url(),
        "not found": "/no-such-page/",
    }


def test_no_page_scrolls_sideways_on_a_phone(live_server, page, archive, screenshot):
    """At 390 px, every public page type is no wider than the screen (long URLs wrap)."""
    category, articles = archive
    too_wide = {}
    for name, path in public_pages(category, articles[0]).items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")  # the sidebar fragment is in
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert inner == PHONE["width"]
        if width > inner:
            too_wide[name] = width
            screenshot(page, f"too-wide-{name.replace(' ', '-')}")
    assert too_wide == {}


@pytest.mark.parametrize("which", ["home", "category"])
def test_a_desktop_screen_shows_at_least_12_headlines(live_server, page, headlines, which):
    """In the first 1280×800 screen, home and category pages show 12 or more headlines."""
    category = headlines
    page.set_viewport_size(DESKTOP_800)
    page.goto(live_server.url + ("/" if which == "home" else category.get_absolute_url()))
    page.wait_for_load_state("networkidle")
    visible = page.evaluate(
        """() => [...document.querySelectorAll('.article-list .card-title a')]
                 .filter(a => a.getBoundingClientRect().bottom <= window.innerHeight).length"""
    )
    assert visible >= 12


def test_sidebar_is_loaded_on_category_pages(live_server, page, archive):
    """A category page gets the home page's sidebar (newest headlines, busiest sources)."""
    category, articles = archive
    page.set_viewport_size(DESKTOP_800)
    page.goto(live_server.url + category.get_absolute_url())
    sidebar = page.locator(".side-col .sidebar")
    sidebar.get_by_role("heading", name="最新消息").wait_for()
    assert sidebar.get_by_role("link", name=articles[1].title).count() >= 1
    assert sidebar.get_by_role("heading", name=category.name).count() == 1
    assert page.console.errors == []


def test_feed_opened_in_a_browser_is_a_page(live_server, page, archive):
    """The RSS and Atom feeds, opened in Chromium, show their headlines as a styled page."""
    _, articles = archive
    for path in (reverse("articles:feed_rss"), reverse("articles:feed_atom")):
        page.goto(live_server.url + path)
        page.locator("h1").wait_for()
        assert "最新财经新闻" in page.locator("h1").inner_text()
        assert page.get_by_role("link", name=articles[1].title).count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
