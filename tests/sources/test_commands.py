"""Ops' view: add_source, fetch_sources --once/--all/--list, /healthz/sources, the admin list."""

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from sources.models import Source, in_trading_hours
from tests.factories import make_category
from tests.sources.conftest import rss
from tests.sources.server import Reply

pytestmark = pytest.mark.django_db

BEIJING = timezone.get_fixed_timezone(8 * 60)
FEED = rss([{"title": "命令行抓到的新闻", "guid": "cli-1", "link": "http://cli.example.cn/1"}])


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


class TestAddSource:
    def test_adds_a_json_source_with_a_preset(self):
        """--preset eastmoney-7x24 stores its mapping and makes the items flash."""
        make_category(name="东方财富", slug="emnews")
        text = run(
            "add_source",
            "--name",
            "东财7x24",
            "--url",
            "https://np-listapi.eastmoney.com/x",
            "--format",
            "json",
            "--preset",
            "eastmoney-7x24",
            "--category",
            "EMNEWS",
        )
        assert "东财7x24" in text
        source = Source.objects.get()
        assert source.kind == Article.Kind.FLASH
        assert source.mapping["list"] == "records"
        assert source.category.slug == "emnews"

    def test_unknown_category_is_refused(self):
        with pytest.raises(CommandError, match="nosuch"):
            run(
                "add_source",
                "--name",
                "x",
                "--url",
                "https://a.example/",
                "--format",
                "rss",
                "--category",
                "nosuch",
            )
        assert not Source.objects.exists()

    def test_bad_url_is_refused(self):
        with pytest.raises(CommandError, match="url"):
            run("add_source", "--name", "x", "--url", "not a url", "--format", "rss")

    def test_preset_needs_json(self):
        with pytest.raises(CommandError, match="--format json"):
            run(
                "add_source",
                "--name",
                "x",
                "--url",
                "https://a.example/",
                "--format",
                "rss",
                "--preset",
                "eastmoney-media",
            )


class TestFetchSources:
    def test_once_polls_due_sources_and_list_shows_health(self, server, make_source):
        """--once polls what is due; --all the rest too; --list shows a line each, with errors."""
        good = make_source(server.route("/feed", Reply(FEED)), name="好来源")
        make_source(server.route("/500", Reply(b"", 500)), name="坏来源")
        text = run("fetch_sources", "--once")
        assert "2 source(s) polled, 1 failed, in " in text
        assert "好来源: created=1" in text
        assert run("fetch_sources", "--once").startswith("0 source(s) polled, 0 failed, in ")
        assert "2 source(s) polled, 1 failed, in " in run("fetch_sources", "--once", "--all")
        listing = run("fetch_sources", "--list").splitlines()
        good_line = next(line for line in listing if "好来源" in line)
        bad_line = next(line for line in listing if "坏来源" in line)
        assert " ok " in good_line and "items_24h=1" in good_line and "failures=0" in good_line
        assert " failing " in bad_line and "HTTP 500" in bad_line and "failures=2" in bad_line
        assert Article.objects.filter(ingested__origin=good.origin).count() == 1

    def test_needs_once_or_list(self):
        with pytest.raises(CommandError, match="--once"):
            run("fetch_sources")

    def test_list_without_sources(self):
        assert "No sources" in run("fetch_sources", "--list")


class TestHealthEndpoint:
    def test_reports_each_source(self, server, make_source, client):
        """/healthz/sources: JSON with each source's health; ok false names the failing one."""
        make_source(server.route("/feed", Reply(FEED)), name="好来源")
        make_source(server.route("/500", Reply(b"", 500)), name="坏来源")
        run("fetch_sources", "--once")
        response = client.get("/healthz/sources")
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]
        data = response.json()
        assert data["ok"] is False and data["unhealthy"] == ["坏来源"]
        rows = {row["name"]: row for row in data["sources"]}
        assert rows["好来源"]["health"] == "ok" and rows["好来源"]["items_24h"] == 1
        assert rows["坏来源"]["last_error_status"] == 500
        assert rows["好来源"]["last_success_at"].endswith("+08:00")

    def test_all_well(self, client, db):
        assert client.get("/healthz/sources").json() == {"ok": True, "unhealthy": [], "sources": []}


class TestSilence:
    @pytest.mark.parametrize(
        ("moment", "inside"),
        [
            (datetime(2026, 11, 27, 9, 29, tzinfo=BEIJING), False),  # Friday, before the open
            (datetime(2026, 11, 27, 9, 30, tzinfo=BEIJING), True),
            (datetime(2026, 11, 27, 14, 59, tzinfo=BEIJING), True),
            (datetime(2026, 11, 27, 15, 0, tzinfo=BEIJING), False),
            (datetime(2026, 11, 28, 10, 0, tzinfo=BEIJING), False),  # Saturday
        ],
    )
    def test_trading_hours(self, moment, inside):
        assert in_trading_hours(moment) is inside

    def test_silent_source_flagged_in_trading_hours_only(self, make_source):
        """No new item for over an hour at 11:00 on a Friday: silent; on Saturday: not."""
        with time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=BEIJING), tick=False):
            source = make_source("http://a.example/feed", silent_minutes=60)
        source.newest_item_at = datetime(2026, 11, 27, 9, 45, tzinfo=BEIJING)
        source.last_success_at = source.newest_item_at
        assert source.health(datetime(2026, 11, 27, 10, 30, tzinfo=BEIJING)) == "ok"
        assert source.health(datetime(2026, 11, 27, 11, 0, tzinfo=BEIJING)) == "silent"
        assert source.health(datetime(2026, 11, 28, 11, 0, tzinfo=BEIJING)) == "ok"
        source.silent_minutes = 0
        assert source.health(datetime(2026, 11, 27, 11, 0, tzinfo=BEIJING)) == "ok"


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        user = User.objects.create_superuser("boss", password="pw-admin-1")
        client.force_login(user)
        return client

    def test_list_shows_health_and_actions_work(self, server, make_source, admin_client):
        """The list shows each source's state and error; poll now fetches, reset unpauses."""
        good = make_source(server.route("/feed", Reply(FEED)), name="好来源")
        bad = make_source(server.route("/500", Reply(b"", 500)), name="坏来源")
        Source.objects.filter(pk=bad.pk).update(
            paused_reason="连续 5 次失败，已暂停：HTTP 500 Internal Server Error",
            consecutive_failures=5,
        )
        url = "/admin/sources/source/"
        response = admin_client.post(
            url, {"action": "poll_selected", "_selected_action": [good.pk]}, follow=True
        )
        assert "好来源: created=1" in response.content.decode()
        assert Article.objects.filter(title="命令行抓到的新闻").exists()
        page = admin_client.get(url).content.decode()
        assert "正常" in page and "已暂停" in page
        assert "连续 5 次失败，已暂停：HTTP 500" in page
        admin_client.post(url, {"action": "reset_selected", "_selected_action": [bad.pk]})
        bad.refresh_from_db()
        assert bad.paused_reason == "" and bad.consecutive_failures == 0
        assert bad.next_poll_at <= timezone.now()

    def test_list_queries_do_not_grow(
        self, make_source, admin_client, django_assert_max_num_queries
    ):
        for n in range(30):
            make_source(f"http://a.example/{n}")
        with django_assert_max_num_queries(12):
            assert admin_client.get("/admin/sources/source/").status_code == 200

    def test_add_form_with_preset(self, admin_client):
        """An editor picks a preset in the add form; the mapping is filled from it."""
        response = admin_client.post(
            "/admin/sources/source/add/",
            {
                "name": "东财市场",
                "url": "https://a.example/market",
                "format": "json",
                "preset": "eastmoney-market",
                "mapping": "{}",
                "kind": "article",
                "enabled": "on",
                "min_interval": 60,
                "max_interval": 3600,
                "silent_minutes": 60,
                "next_poll_at_0": "2026-11-27",
                "next_poll_at_1": "10:00:00",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert Source.objects.get().mapping["list"] == "record"


def test_bounds_must_be_in_order(make_source):
    from django.core.exceptions import ValidationError

    source = Source(name="x", url="https://a.example/", min_interval=600, max_interval=60)
    with pytest.raises(ValidationError):
        source.full_clean()


class TestRoles:
    def test_chief_manages_sources_editor_only_sees_them(self, client):
        """The migration's grants: 主编 can add a source, 编辑 can only view the list."""
        import importlib

        from django.apps import apps

        from tests.roles import chief, editor

        boss, writer = chief(), editor()
        importlib.import_module("sources.migrations.0003_source_permissions").grant(apps, None)
        client.force_login(boss)
        assert client.get("/admin/sources/source/add/").status_code == 200
        client.force_login(writer)
        assert client.get("/admin/sources/source/").status_code == 200
        assert client.get("/admin/sources/source/add/").status_code == 403


def test_json_source_needs_a_mapping(admin_user, client):
    """A JSON source without preset or mapping is refused with a message, not stored."""
    client.force_login(admin_user)
    response = client.post(
        "/admin/sources/source/add/",
        {
            "name": "没有映射",
            "url": "https://a.example/api",
            "format": "json",
            "preset": "",
            "mapping": "{}",
            "kind": "article",
            "enabled": "on",
            "min_interval": 60,
            "max_interval": 3600,
            "silent_minutes": 60,
            "next_poll_at_0": "2026-11-27",
            "next_poll_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "JSON 来源需要映射" in response.content.decode()
    assert not Source.objects.exists()
