"""An editor adds a source in the admin, polls it now, and sees its items and its health."""

import re
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.browser.conftest import DESKTOP
from tests.sources.conftest import rss
from tests.sources.server import FixtureServer, Reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def feed():
    """The source's feed: one item from a minute ago.

    In trading hours a source whose newest item is older than its
    ``silent_minutes`` (60) is "沉默", not "正常": an item with a fixed date
    failed this test on weekday mornings (Beijing time).
    """
    published = timezone.localtime(timezone.now() - timedelta(minutes=1))
    return rss(
        [
            {
                "title": "浏览器里抓到的新闻BROWSERsrc",
                "link": "http://browser.example.cn/1.html",
                "guid": "browser-1",
                "pubDate": format_datetime(published),
                "description": "后台添加的来源送来的正文。",
            }
        ],
        encoding="gbk",
    )


@pytest.fixture
def feed_server(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    server = FixtureServer()
    yield server
    server.close()


def test_editor_adds_a_source_and_polls_it(live_server, page, screenshot, feed_server):
    """Add an RSS source in the admin, run "poll now": its item is on the site, health is 正常."""
    User.objects.create_superuser("laoban", password="pw-src-1")
    url = feed_server.route("/rss.xml", Reply(feed(), content_type="application/rss+xml"))
    broken = feed_server.route("/broken.xml", Reply(b"gone", 500, content_type="text/plain"))
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "laoban")
    page.fill("#id_password", "pw-src-1")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))

    for name, address in (("浏览器测试来源", url), ("坏掉的来源", broken)):
        page.goto(live_server.url + "/admin/sources/source/add/")
        page.fill("#id_name", name)
        page.fill("#id_url", address)
        page.select_option("#id_format", "rss")
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r".*/admin/sources/source/$"))
    rows = page.locator("#result_list")
    assert "未抓取" in rows.inner_text()

    page.locator("#result_list tr", has_text="浏览器测试来源").locator(
        "input.action-select"
    ).check()
    page.locator("#result_list tr", has_text="坏掉的来源").locator("input.action-select").check()
    page.select_option("select[name=action]", "poll_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    messages = page.locator(".messagelist").inner_text()
    assert "浏览器测试来源: created=1" in messages
    assert "HTTP 500" in messages
    good = page.locator("#result_list tr", has_text="浏览器测试来源")
    assert "正常" in good.inner_text()
    bad = page.locator("#result_list tr", has_text="坏掉的来源")
    assert "出错" in bad.inner_text() and "HTTP 500" in bad.inner_text()
    screenshot(page, "admin-sources-health")

    page.goto(live_server.url + "/")
    assert "浏览器里抓到的新闻BROWSERsrc" in page.content()
    page.get_by_text("浏览器里抓到的新闻BROWSERsrc").first.click()
    page.wait_for_load_state()
    assert "后台添加的来源送来的正文。" in page.content()
