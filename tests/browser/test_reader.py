"""A reader in real headless Chromium: navigation, metadata, live updates, no JS errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "郑州银行：零售金融服务有温度"


@pytest.fixture
def newsroom():
    """A small archive: one article with an older neighbour and a related article."""
    now = timezone.now()
    paper = make_category(name="大众证券报", slug="dazhongzhengquanbao")
    wire = make_category(name="东财滚动新闻", slug="emnews")
    older = make_article(
        title="郑州银行发布年报 净利润稳步增长",
        category=paper,
        tags=["银行"],
        published_at=now - timedelta(hours=3),
    )
    related = make_article(
        title="多家银行下调存款利率 理财资金加速流向债基",
        category=wire,
        summary="部分储户转向债券基金与银行理财。",
        tags=["银行", "零售"],
        published_at=now - timedelta(hours=2),
    )
    article = make_article(
        title=TITLE,
        category=paper,
        source_name="大众证券报",
        summary="特殊时期不停摆，郑银零售暖心送出服务。",
        body="<p><strong>特殊时期不停摆</strong>，郑银零售暖心送出服务。</p>"
        "<p>疫情期间，郑州银行各网点有序开放，线上渠道全天候服务。</p>",
        tags=["银行", "零售"],
        published_at=now - timedelta(hours=1),
    )
    return {"article": article, "older": older, "related": related, "paper": paper}


def look(page, screenshot, name):
    """Screenshots at phone and desktop width; the page has thrown no error so far."""
    for suffix, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        screenshot(page, f"reader-{name}-{suffix}")
    page.set_viewport_size(PHONE)
    assert page.console.errors == [], name


def test_reader_journey(live_server, page, screenshot, newsroom):
    """Home → category → article (neighbours, related) → tag → archives → search."""
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    look(page, screenshot, "home")

    page.locator(".card").first.get_by_role("link", name="大众证券报").click()
    page.wait_for_url("**/category/dazhongzhengquanbao/")
    assert page.locator(".crumbs li").all_inner_texts() == ["首页", "全部来源", "大众证券报"]
    look(page, screenshot, "category")

    # The sidebar lists the same headline: the list's own link is the one meant.
    page.locator(".article-list").get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**{newsroom['article'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".article-body strong").inner_text() == "特殊时期不停摆"
    json_ld = [
        json.loads(text)
        for text in page.locator('script[type="application/ld+json"]').all_text_contents()
    ]
    news = next(item for item in json_ld if item["@type"] == "NewsArticle")
    assert news["headline"] == TITLE
    assert news["datePublished"].endswith("+08:00")
    assert page.locator('meta[property="og:title"]').get_attribute("content") == TITLE
    older = page.locator(".neighbours a[rel=prev]")
    assert "郑州银行发布年报 净利润稳步增长" in older.inner_text()
    assert page.locator(".related li").count() == 2
    look(page, screenshot, "article")

    page.locator(".related").get_by_role("link", name="多家银行下调存款利率").click()
    page.wait_for_url(f"**{newsroom['related'].get_absolute_url()}")
    page.get_by_role("link", name="银行", exact=True).click()
    page.wait_for_url("**/tag/**")
    assert page.locator("h1").inner_text() == "# 银行"
    assert page.locator(".card").count() == 3
    look(page, screenshot, "tag")

    page.locator(".article-list").get_by_role("link", name=TITLE).click()
    page.locator(".article .meta a.date").click()
    page.wait_for_url("**/archive/*/*/*/")
    assert page.locator(".card-title", has_text=TITLE).count() == 1
    look(page, screenshot, "archive-day")

    page.locator(".crumbs a").nth(1).click()
    page.wait_for_url("**/archive/*/")
    assert page.locator(".calendar-year li").count() == 12
    look(page, screenshot, "archive-year")

    page.locator("#site-search-q").fill("银行")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator(".crumbs li").all_inner_texts() == ["首页", "搜索"]
    assert page.locator(".search-results").get_by_role("link", name=TITLE).count() == 1
    look(page, screenshot, "search")


def test_new_articles_notice(live_server, page, screenshot, settings, newsroom):
    """An article published while the home page is open is announced and inserted on click."""
    settings.LIVE_POLL_SECONDS = 1
    settings.LIVE_CACHE_SECONDS = 0
    page.goto(live_server.url + "/")
    notice = page.locator(".live-notice")
    assert notice.is_hidden()
    page.evaluate("window.__sameDocument = true")
    page.wait_for_timeout(1500)
    assert notice.is_hidden()  # polled, nothing new

    make_article(title="刚刚发布的快讯：央行开展逆回购操作", category=newsroom["paper"])
    notice.wait_for(state="visible", timeout=8000)
    assert notice.inner_text() == "1 条新文章，点击查看"
    screenshot(page, "reader-live-notice-phone")

    notice.click()
    first_card = page.locator(".article-list .card").first
    first_card.get_by_text("刚刚发布的快讯：央行开展逆回购操作").wait_for()
    assert notice.is_hidden()
    assert page.locator(".article-list .card").count() == 4
    assert page.evaluate("window.__sameDocument") is True  # inserted, not reloaded
    assert first_card.locator("a.cat").inner_text() == "大众证券报"
    screenshot(page, "reader-live-inserted-phone")

    # The cursor moved on: the inserted article is not announced again.
    page.wait_for_timeout(2500)
    assert notice.is_hidden()
    assert page.console.errors == []


def test_first_article_of_an_empty_category(live_server, page, settings):
    """An empty category page announces its first article and replaces the empty message."""
    settings.LIVE_POLL_SECONDS = 1
    settings.LIVE_CACHE_SECONDS = 0
    category = make_category(name="新开的来源", slug="brandnew")
    page.goto(live_server.url + "/category/brandnew/")
    assert page.get_by_text("这个来源暂无新闻。").is_visible()
    make_article(title="新来源的第一条新闻FIRSTx", category=category)
    page.locator(".live-notice").click(timeout=8000)
    # Scoped to the list: the sidebar (loaded by sidebar.js) may list it too.
    page.locator(".article-list").get_by_text("新来源的第一条新闻FIRSTx").wait_for()
    assert page.get_by_text("这个来源暂无新闻。").count() == 0
    assert page.locator(".article-list .card a.cat").count() == 0  # as the page's own cards
    assert page.console.errors == []


def test_too_many_new_articles_reload_the_page(live_server, page, settings, monkeypatch):
    """More new articles than the endpoint sends: the click reloads the page instead."""
    from articles import live

    monkeypatch.setattr(live, "LATEST_CAP", 1)
    settings.LIVE_POLL_SECONDS = 1
    settings.LIVE_CACHE_SECONDS = 0
    make_article(title="已有的新闻OLDy")
    page.goto(live_server.url + "/")
    page.evaluate("window.__sameDocument = true")
    make_article(title="一连两条之一MANYa")
    make_article(title="一连两条之二MANYb")
    notice = page.locator(".live-notice")
    notice.wait_for(state="visible", timeout=8000)
    assert notice.inner_text() == "超过 1 条新文章，点击查看"
    notice.click()
    cards = page.locator(".article-list .card-title")
    cards.get_by_text("一连两条之一MANYa").wait_for()
    assert page.evaluate("window.__sameDocument") is None  # a fresh page
    assert cards.all_inner_texts()[:3] == [
        "一连两条之二MANYb",
        "一连两条之一MANYa",
        "已有的新闻OLDy",
    ]
    assert page.console.errors == []


def test_no_polling_while_hidden(live_server, page, settings, newsroom):
    """A hidden tab does not poll; it asks once at once when shown again."""
    settings.LIVE_POLL_SECONDS = 1
    settings.LIVE_CACHE_SECONDS = 0
    polls = []
    page.on("request", lambda request: "/api/latest.json" in request.url and polls.append(1))
    page.goto(live_server.url + "/")
    page.wait_for_timeout(2500)
    assert len(polls) >= 1

    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: true, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    polls.clear()
    page.wait_for_timeout(3000)
    assert polls == []

    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: false, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(500)
    assert len(polls) == 1
    assert page.console.errors == []


def test_no_console_errors_on_any_page(live_server, page, settings, newsroom):
    """Every kind of page loads, polls and runs its script without a console error."""
    settings.LIVE_POLL_SECONDS = 1
    article = newsroom["article"]
    day = timezone.localtime(article.published_at)
    paths = [
        "/",
        "/category/",
        "/category/dazhongzhengquanbao/",
        "/tag/银行/",
        article.get_absolute_url(),
        f"/archive/{day:%Y}/",
        f"/archive/{day:%Y/%m}/",
        f"/archive/{day:%Y/%m/%d}/",
        "/archive/2020/03/07/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_timeout(1200)  # at least one poll on listing pages
        assert page.console.errors == [], path


def test_pages_work_without_javascript(live_server, browser, newsroom):
    """With JavaScript off the list is there and no notice shows."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator(".card").count() == 3
        assert page.locator(".live-notice").is_hidden()
    finally:
        context.close()
