"""The editorial workflow in a real browser: write with the rich-text editor, schedule, go live."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.browser.conftest import DESKTOP
from tests.factories import make_article, make_category
from tests.roles import chief

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "浏览器里写的排期快讯BROWSERsched"
LEAD_SECONDS = 8


def test_chief_writes_and_schedules_an_article(live_server, page, screenshot):
    """A chief logs in, writes with TinyMCE, schedules a few seconds ahead; it goes live then."""
    chief()
    make_category(name="浏览器来源", slug="browser-source")
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "pw-roles-1")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))

    page.goto(live_server.url + "/admin/articles/article/add/")
    page.fill("#id_title", TITLE)
    page.locator(".field-category .select2-selection").click()
    page.locator(".select2-search__field").fill("浏览器")
    page.locator(".select2-results__option", has_text="浏览器来源").click()
    make_article(tags=["ETF"], status=Article.Status.DRAFT, published_at=None)
    tags = page.locator("#id_tags")
    tags.fill("排期测试、")
    tags.press_sequentially("ET")
    # The suggestion list offers the existing tag, keeping what was typed before it.
    page.wait_for_selector('datalist option[value="排期测试、ETF"]', state="attached")
    tags.fill("排期测试、ETF")
    editor_body = page.frame_locator("#id_body_ifr").locator("body")
    editor_body.click()
    page.keyboard.type("普通文字，")
    page.keyboard.press("Control+B")
    page.keyboard.type("加粗的要点")
    page.keyboard.press("Control+B")
    page.select_option("#id_status", "published")
    due = timezone.localtime() + timedelta(seconds=LEAD_SECONDS)
    page.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    screenshot(page, "admin-write-article")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/articles/article/$"))
    assert "已排期" in page.locator("#result_list").inner_text()
    screenshot(page, "admin-list-scheduled")

    article = Article.objects.get(title=TITLE)
    assert "<strong>加粗的要点</strong>" in article.body
    assert sorted(article.tags.names()) == ["ETF", "排期测试"]

    page.goto(live_server.url + "/")
    assert TITLE not in page.content()
    time.sleep(max(0, (article.published_at - timezone.now()).total_seconds()) + 0.5)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=TITLE).first.click()
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".article-body strong").inner_text() == "加粗的要点"
    screenshot(page, "article-went-live")
    assert page.console.errors == []


HEADLINE = "国务院常务会议部署进一步稳外贸稳外资措施，推动跨境电商与服务贸易高质量发展LONGhead"


def _admin_at_1280(browser, live_server, *, timezone_id):
    """A chief's logged-in admin page at 1280 px, in the given browser time zone."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id=timezone_id)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "zhubian")
    page.fill("#id_password", "pw-roles-1")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    return context, page


def test_admin_list_form_and_history_fit_1280(browser, live_server, screenshot):
    """At 1280 px headlines get the width, 预览 shows, the form fits a long headline,
    the link button is on the toolbar and no misleading time-zone notice appears
    for an editor whose computer is not on Beijing time."""
    chief()
    category = make_category(name="经济参考报", slug="jjckb")
    for n in range(8):
        make_article(title=f"{HEADLINE}{n}", category=category, tags=["外贸"])
    article = Article.objects.filter(title=f"{HEADLINE}0").get()
    article.summary = "改过的摘要，产生第二个版本。"
    article.save()
    context, page = _admin_at_1280(browser, live_server, timezone_id="UTC")
    try:
        page.goto(live_server.url + "/admin/articles/article/")
        assert page.locator("#nav-sidebar").count() == 0
        title_cell = page.locator("#result_list tbody tr").first.locator(".field-title")
        assert title_cell.bounding_box()["width"] >= 420
        preview = page.locator("#result_list tbody .field-preview_link a").first
        box = preview.bounding_box()
        assert box["x"] + box["width"] <= DESKTOP["width"]
        screenshot(page, "admin-list-1280")

        page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
        page.wait_for_selector(".tox-tbtn")
        width = page.eval_on_selector("#id_title", "e => [e.scrollWidth, e.clientWidth]")
        assert width[0] <= width[1], "the headline does not fit the title input"
        assert page.locator('.tox-tbtn[data-mce-name="link"]').is_visible()
        # Django adds the note for a browser off Beijing time; it must not show.
        note = page.locator(".timezonewarning").first
        assert "服务器时间" in note.inner_text()
        assert not note.is_visible()
        screenshot(page, "admin-edit-1280")

        page.goto(live_server.url + f"/admin/articles/article/{article.pk}/history/")
        assert page.locator("#change-history tbody tr").count() == 2
        page.click(".version-pick input[type=submit]")
        assert "改过的摘要" in page.locator(".version-diff .diff-summary").inner_text()
        screenshot(page, "admin-history-1280")
    finally:
        context.close()
