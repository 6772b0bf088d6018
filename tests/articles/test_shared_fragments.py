"""The header, footer and date box are rendered once and shared, yet never go stale."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.urls import set_script_prefix

from articles import shared_fragments

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_fragments():
    shared_fragments.clear()
    yield
    shared_fragments.clear()


@pytest.mark.django_db
class TestSharedChrome:
    def test_date_links_follow_the_beijing_day(self, client):
        """Just after Beijing midnight the header and footer link the new day, not the stored one."""
        with time_machine.travel(datetime(2026, 3, 7, 23, 50, tzinfo=BEIJING), tick=False):
            before = client.get("/category/").content.decode()
        with time_machine.travel(datetime(2026, 3, 8, 0, 10, tzinfo=BEIJING), tick=False):
            after = client.get("/category/").content.decode()
        assert 'href="/archive/2026/03/07/">今日新闻' in before
        assert 'href="/archive/2026/03/08/">今日新闻' in after
        assert "/archive/2026/03/07/" not in after

    def test_site_name_change_shows_at_once(self, client, settings):
        """A changed SITE_NAME is in the header of the next page, not an earlier rendering's."""
        client.get("/")
        settings.SITE_NAME = "改名后的站点RENAMEDz"
        body = client.get("/").content.decode()
        assert '<a class="brand" href="/">改名后的站点RENAMEDz</a>' in body

    def test_script_prefix_is_part_of_the_key(self, client):
        """Served under a path prefix, the navigation links carry it; without, they do not."""
        plain = client.get("/").content.decode()
        # The test client does not set the prefix from SCRIPT_NAME; WSGIHandler does.
        set_script_prefix("/mountedX/")
        try:
            prefixed = client.get("/").content.decode()
        finally:
            set_script_prefix("/")
        assert '<a href="/mountedX/kuaixun/">快讯</a>' in prefixed
        assert '<a href="/kuaixun/">快讯</a>' in plain
        assert "/mountedX/" not in plain

    def test_search_box_keeps_the_query(self, client):
        """The search box, outside the shared header part, shows this request's query."""
        client.get("/search/?q=第一个词FIRSTq")
        body = client.get("/search/?q=第二个词SECONDq").content.decode()
        assert 'value="第二个词SECONDq"' in body
        assert "第一个词FIRSTq" not in body


def reader_template(code):
    """A template of the reader pages' engine (Jinja2, finews/jinja2.py)."""
    return engines["jinja2"].from_string(code)


class TestFragmentTag:
    def test_rendered_once_per_key(self):
        """The block's output is stored per listed value; other context values are not read again."""
        template = reader_template(
            "{% call shared_fragment('x', day) %}{{ day }}/{{ other }}{% endcall %}"
        )
        assert template.render({"day": 1, "other": "甲"}) == "1/甲"
        assert template.render({"day": 1, "other": "乙"}) == "1/甲"
        assert template.render({"day": 2, "other": "乙"}) == "2/乙"

    def test_escaping_is_kept(self):
        """A stored fragment is the escaped HTML, returned as safe text without double escaping."""
        template = reader_template("{% call shared_fragment('esc') %}{{ v }}{% endcall %}")
        assert template.render({"v": "<b>&"}) == "&lt;b&gt;&amp;"
        assert template.render({"v": "ignored"}) == "&lt;b&gt;&amp;"

    def test_store_is_bounded(self):
        """However many keys, at most MAX_ENTRIES fragments are kept."""
        template = reader_template("{% call shared_fragment('n', n) %}{{ n }}{% endcall %}")
        for n in range(shared_fragments.MAX_ENTRIES + 10):
            template.render({"n": n})
        assert len(shared_fragments._store) == shared_fragments.MAX_ENTRIES
