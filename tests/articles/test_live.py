"""Live updates: listing pages' cursor and the /api/latest.json endpoint."""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.live import LATEST_CAP
from articles.models import Article
from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db

LATEST = "/api/latest.json"


def since(moment):
    return {"since": timezone.localtime(moment).isoformat()}


def test_latest_url_is_pinned():
    """The live-update endpoint is /api/latest.json."""
    assert reverse("articles:latest_json") == LATEST


class TestLatestEndpoint:
    def test_newer_published_articles_newest_first(self, client):
        """Only articles published after ``since`` come back, newest first, with card fields."""
        base = timezone.now() - timedelta(hours=1)
        make_article(title="旧闻不该出现OLDz", published_at=base - timedelta(minutes=1))
        make_article(title="较新一条NEWa", published_at=base + timedelta(minutes=1))
        newest = make_article(
            title="最新一条NEWb",
            summary="摘要<b>原样</b>",
            published_at=base + timedelta(minutes=2),
            category=make_category(name="中证网", slug="zzw"),
        )
        response = client.get(LATEST, since(base))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data["count"] == 2
        assert data["more"] is False
        assert [a["title"] for a in data["articles"]] == ["最新一条NEWb", "较新一条NEWa"]
        first = data["articles"][0]
        assert first["url"] == newest.get_absolute_url()
        assert first["category"] == {"name": "中证网", "url": "/category/zzw/"}
        assert first["summary"] == "摘要<b>原样</b>"  # raw text: the script sets textContent
        assert first["published_at"].endswith("+08:00")
        assert data["cursor"] == {"since": first["published_at"], "after_id": newest.pk}

    def test_publish_gate(self, client):
        """Drafts and future articles never come back."""
        base = timezone.now() - timedelta(hours=1)
        make_article(title="草稿LIVEdraft", status=Article.Status.DRAFT)
        make_article(title="将来LIVEfuture", published_at=timezone.now() + timedelta(hours=1))
        data = client.get(LATEST, since(base)).json()
        assert data["count"] == 0
        assert data["articles"] == []
        assert data["cursor"]["since"] == timezone.localtime(base).isoformat()

    def test_an_imported_article_with_an_earlier_time_is_new_by_its_id(self, client):
        """An article added now with its source's earlier time counts as new past ``after_id``."""
        base = timezone.now() - timedelta(minutes=10)
        shown = make_article(title="页面上已有的SHOWNz", published_at=base)
        imported = make_article(
            title="刚导入但时间更早IMPORTEDz", published_at=base - timedelta(minutes=30)
        )
        params = {**since(base), "after_id": shown.pk}
        data = client.get(LATEST, params).json()
        assert [a["title"] for a in data["articles"]] == ["刚导入但时间更早IMPORTEDz"]
        # The cursor keeps the later time and takes the new id.
        assert data["cursor"] == {
            "since": timezone.localtime(base).isoformat(),
            "after_id": imported.pk,
        }
        again = client.get(LATEST, {**since(base), "after_id": imported.pk}).json()
        assert again["count"] == 0

    def test_a_scheduled_article_is_new_by_its_time(self, client):
        """An article created earlier and due now counts as new although its id is old."""
        base = timezone.now() - timedelta(minutes=10)
        scheduled = make_article(title="定时发布SCHEDz", published_at=base + timedelta(minutes=5))
        shown = make_article(title="页面上已有的SHOWNs", published_at=base)
        assert scheduled.pk < shown.pk
        data = client.get(LATEST, {**since(base), "after_id": shown.pk}).json()
        assert [a["title"] for a in data["articles"]] == ["定时发布SCHEDz"]

    def test_start_bounds_a_date_archive(self, client):
        """With ``start`` nothing published before it comes back, whatever its id."""
        start = timezone.now() - timedelta(hours=1)
        make_article(title="昨天的新导入YESTERDAYz", published_at=start - timedelta(hours=2))
        make_article(title="今天的新文章TODAYz", published_at=start + timedelta(minutes=1))
        params = {**since(start), "after_id": 0, "start": timezone.localtime(start).isoformat()}
        data = client.get(LATEST, params).json()
        assert [a["title"] for a in data["articles"]] == ["今天的新文章TODAYz"]

    def test_category_and_tag_filters(self, client):
        """``category`` and ``tag`` narrow the answer to that listing."""
        base = timezone.now() - timedelta(hours=1)
        mine = make_category(slug="mine")
        make_article(title="本来源LIVEcat", category=mine)
        make_article(title="带标签LIVEtag", tags=["疫情"])
        make_article(title="别处LIVEelse")
        by_category = client.get(LATEST, {**since(base), "category": "MINE"}).json()
        by_tag = client.get(LATEST, {**since(base), "tag": "疫情"}).json()
        assert [a["title"] for a in by_category["articles"]] == ["本来源LIVEcat"]
        assert [a["title"] for a in by_tag["articles"]] == ["带标签LIVEtag"]
        unknown = client.get(LATEST, {**since(base), "category": "no-such-source"})
        assert unknown.status_code == 200
        assert unknown.json()["count"] == 0

    def test_capped(self, client):
        """At most LATEST_CAP articles are sent, and ``more`` says there are others."""
        base = timezone.now() - timedelta(hours=1)
        for minute in range(LATEST_CAP + 3):
            make_article(published_at=base + timedelta(minutes=minute + 1))
        data = client.get(LATEST, since(base)).json()
        assert data["count"] == LATEST_CAP
        assert len(data["articles"]) == LATEST_CAP
        assert data["more"] is True

    def test_one_query_and_cacheable(self, client, django_assert_num_queries):
        """The answer costs one query and may be cached for a few seconds."""
        base = timezone.now() - timedelta(hours=1)
        for _ in range(5):
            make_article(tags=["银行"])
        with django_assert_num_queries(1):
            response = client.get(LATEST, {**since(base), "tag": "银行"})
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert 1 <= max_age <= 60

    def test_since_formats(self, client):
        """``since`` with Z, with +08:00 or naive (read as Beijing time) all work."""
        make_article(
            title="时间格式LIVEfmt", published_at=datetime(2020, 3, 7, 9, 0, tzinfo=BEIJING)
        )
        for value in ("2020-03-07T00:59:00Z", "2020-03-07T08:59:00+08:00", "2020-03-07T08:59:00"):
            assert client.get(LATEST, {"since": value}).json()["count"] == 1, value
        for value in ("2020-03-07T01:00:00Z", "2020-03-07T09:00:00+08:00"):
            assert client.get(LATEST, {"since": value}).json()["count"] == 0, value

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"since": ""},
            {"since": "yesterday"},
            {"since": "2020-13-01T00:00:00"},
            {"since": "0001-01-01T00:00:00+08:00"},
            {"since": "9999-12-31T23:59:59+08:00"},
            {"since": "'; drop table articles_article; --"},
            {"since": "1" * 1000},
            {"since": "2020-03-07T09:00:00+08:00", "category": "有 空格"},
            {"since": "2020-03-07T09:00:00+08:00", "tag": "x" * 101},
            {"since": "2020-03-07T09:00:00+08:00", "tag": "a/b"},
            {"since": "2020-03-07T09:00:00+08:00", "category": "a", "tag": "b"},
            {"since": "2020-03-07T09:00:00+08:00", "after_id": "-1"},
            {"since": "2020-03-07T09:00:00+08:00", "after_id": "abc"},
            {"since": "2020-03-07T09:00:00+08:00", "after_id": "9" * 40},
            {"since": "2020-03-07T09:00:00+08:00", "start": "0001-01-01T00:00:00"},
        ],
    )
    def test_bad_parameters_are_400_json(self, client, params):
        """Malformed parameters get a 400 with a JSON error, never a 500, and are not cached."""
        response = client.get(LATEST, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] == "bad request"
        assert "no-store" in response["Cache-Control"]

    def test_only_get_and_head(self, client):
        """GET and HEAD are answered; POST is not allowed."""
        params = {"since": "2020-03-07T09:00:00+08:00"}
        assert client.head(LATEST, params).status_code == 200
        assert client.post(LATEST, params).status_code == 405


class TestListingPagesCarryTheCursor:
    def list_attrs(self, response):
        html = response.content.decode()
        match = re.search(r'<div class="article-list"([^>]*)>', html)
        return dict(re.findall(r'(data-live-[a-z-]+)="([^"]*)"', match.group(1)))

    def test_home_carries_newest_article_time(self, client):
        """The home list carries the newest article's time and the poll interval."""
        newest = make_article(published_at=datetime(2020, 3, 7, 9, 0, 0, 123456, tzinfo=BEIJING))
        make_article(published_at=datetime(2020, 3, 6, 9, 0, tzinfo=BEIJING))
        attrs = self.list_attrs(client.get("/"))
        assert attrs["data-live-url"] == LATEST
        assert attrs["data-live-since"] == "2020-03-07T09:00:00.123456+08:00"
        assert attrs["data-live-after-id"] == str(max(a.pk for a in Article.objects.all()))
        assert attrs["data-live-poll"] == str(settings.LIVE_POLL_SECONDS)
        assert newest.published_at == datetime.fromisoformat(attrs["data-live-since"])

    def test_category_and_tag_pages_ask_for_their_own_articles(self, client):
        """A category page polls with its category, a tag page with its tag."""
        make_article(category=make_category(slug="livecat"), tags=["银行"])
        category = self.list_attrs(client.get("/category/livecat/"))
        tag = self.list_attrs(client.get("/tag/银行/"))
        assert category["data-live-url"] == f"{LATEST}?category=livecat"
        assert category["data-live-show-category"] == "false"
        assert tag["data-live-url"] == f"{LATEST}?tag=%E9%93%B6%E8%A1%8C"

    def test_today_archive_is_live_but_not_a_past_one_or_page_two(self, client):
        """Only lists that can still grow poll: today's archive, not a past day or page 2."""
        category = make_category(slug="paged")
        for _ in range(21):
            make_article(category=category)
        make_article(published_at=datetime(2020, 3, 7, 9, 0, tzinfo=BEIJING))
        today = timezone.localdate()
        live = self.list_attrs(client.get(f"/archive/{today:%Y/%m/%d}/"))
        assert "start=" in live["data-live-url"]
        assert self.list_attrs(client.get("/archive/2020/03/07/")) == {}
        assert self.list_attrs(client.get("/category/paged/?page=2")) == {}
        assert 'class="live-notice"' not in client.get("/category/paged/?page=2").content.decode()

    def test_empty_list_uses_the_time_of_the_page(self, client):
        """With no article yet, the cursor is the time the page was made."""
        make_category(slug="emptycat")
        before = timezone.now()
        attrs = self.list_attrs(client.get("/category/emptycat/"))
        assert datetime.fromisoformat(attrs["data-live-since"]) >= before
        assert attrs["data-live-after-id"] == "0"  # any article there will be new

    def test_script_is_a_static_file_and_the_notice_is_hidden(self, client):
        """The page loads live.js from static/ (no inline code) and the notice starts hidden."""
        make_article()
        html = client.get("/").content.decode()
        assert '<script src="/static/js/live.js" defer></script>' in html
        assert '<button type="button" class="live-notice" hidden></button>' in html


def test_live_script_never_writes_html():
    """live.js builds cards with textContent; it never assigns innerHTML or uses eval."""
    script = (Path(settings.BASE_DIR) / "static" / "js" / "live.js").read_text()
    assert "textContent" in script
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write"):
        assert forbidden not in script
