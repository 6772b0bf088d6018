"""The 7×24 timeline (/kuaixun/), its feeds, the 7×24 box and a flash item's own page."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
KUAIXUN = "/kuaixun/"


def flash(**overrides):
    overrides.setdefault("kind", Article.Kind.FLASH)
    return make_article(**overrides)


def item_ids(response):
    """The article ids of the timeline's items, in page order."""
    return [int(pk) for pk in re.findall(r'class="flash-item[^"]*" data-id="(\d+)"', response.text)]


class TestUrls:
    def test_public_paths_are_pinned(self):
        """The timeline and its feeds live at the paths readers and feed readers know."""
        assert reverse("articles:kuaixun") == "/kuaixun/"
        assert reverse("articles:kuaixun_rss") == "/kuaixun/rss/"
        assert reverse("articles:kuaixun_atom") == "/kuaixun/atom/"


class TestTimeline:
    def test_shows_flash_items_newest_first_with_time_title_text_source_tags(self, client):
        """Each item: HH:MM (Beijing), bold 【title】, its text, source and tags; articles are not listed."""
        moment = datetime(2026, 11, 29, 9, 35, tzinfo=BEIJING)
        older = flash(
            title="央行开展逆回购操作",
            summary="央行今日开展2000亿元逆回购操作甲乙丙。",
            source_name="东方财富网",
            tags=["央行动态"],
            published_at=moment - timedelta(minutes=10),
        )
        newer = flash(title="沪指午后翻红", published_at=moment)
        make_article(title="一篇长文章不在快讯里", published_at=moment)
        with time_machine.travel(moment + timedelta(hours=1), tick=False):
            response = client.get(KUAIXUN)
        assert response.status_code == 200
        assert item_ids(response) == [newer.pk, older.pk]
        text = response.text
        assert '<time datetime="2026-11-29T09:25:00+08:00">09:25</time>' in text
        assert "【央行开展逆回购操作】</a>央行今日开展2000亿元逆回购操作甲乙丙。" in text
        assert '<span class="flash-source">东方财富网</span>' in text
        assert "#央行动态" in text
        assert "一篇长文章不在快讯里" not in text

    def test_days_are_beijing_days_across_midnight(self, client):
        """23:59 and 00:01 Beijing (the same UTC day) fall under two headings: 昨天 and 今天."""
        before = flash(
            title="午夜前的快讯", published_at=datetime(2026, 11, 28, 23, 59, tzinfo=BEIJING)
        )
        after = flash(
            title="午夜后的快讯", published_at=datetime(2026, 11, 29, 0, 1, tzinfo=BEIJING)
        )
        assert before.published_at.astimezone(ZoneInfo("UTC")).date() == (
            after.published_at.astimezone(ZoneInfo("UTC")).date()
        )
        older = flash(
            title="三天前的快讯", published_at=datetime(2026, 11, 27, 8, 0, tzinfo=BEIJING)
        )
        with time_machine.travel(datetime(2026, 11, 29, 8, 0, tzinfo=BEIJING), tick=False):
            response = client.get(KUAIXUN)
        headings = re.findall(r'<h2 class="flash-date">([^<]+)</h2>', response.text)
        assert headings == ["今天", "昨天", "11月27日 星期五"]
        sections = response.text.split('<h2 class="flash-date">')
        assert "午夜后的快讯" in sections[1] and "午夜前的快讯" not in sections[1]
        assert "午夜前的快讯" in sections[2]
        assert older.title in sections[3]

    def test_important_items_are_red_and_can_be_shown_alone(self, client):
        """Important items carry the 重要 mark; ?important=1 (a plain link) lists only them."""
        plain = flash(title="普通快讯甲乙")
        red = flash(title="重磅快讯丙丁", important=True)
        response = client.get(KUAIXUN)
        assert item_ids(response) == [red.pk, plain.pk]
        assert f'<li class="flash-item is-important" data-id="{red.pk}">' in response.text
        assert f'<li class="flash-item" data-id="{plain.pk}">' in response.text
        assert '<a href="/kuaixun/?important=1">只看重要</a>' in response.text
        only = client.get(KUAIXUN + "?important=1")
        assert item_ids(only) == [red.pk]
        assert "普通快讯甲乙" not in only.text
        assert '<a href="/kuaixun/?important=1" aria-current="page">只看重要</a>' in only.text

    def test_unknown_important_value_lists_everything(self, client):
        """A malformed ?important= is not an error: the whole timeline is shown."""
        item = flash(title="任何参数都能看")
        response = client.get(KUAIXUN + "?important=abc")
        assert response.status_code == 200
        assert item_ids(response) == [item.pk]

    def test_older_pages_by_seek_with_equal_timestamps(self, client, settings):
        """The 更早 link walks all items once each, in order, when many share one timestamp."""
        settings.FLASH_PER_PAGE = 4
        same = timezone.now() - timedelta(minutes=5)
        items = [flash(published_at=same) for _ in range(6)]
        items += [flash(published_at=same - timedelta(minutes=1)) for _ in range(3)]
        expected = [a.pk for a in sorted(items, key=lambda a: (a.published_at, a.pk), reverse=True)]
        seen, url = [], KUAIXUN
        while url:
            response = client.get(url)
            assert response.status_code == 200
            seen += item_ids(response)
            found = re.search(
                r'<a rel="next" class="flash-older" href="([^"]+)">更早', response.text
            )
            url = found.group(1).replace("&amp;", "&") if found else None
        assert seen == expected

    def test_older_link_keeps_important_filter(self, client, settings):
        """Paging 只看重要 stays on important items."""
        settings.FLASH_PER_PAGE = 2
        for _ in range(3):
            flash(important=True)
        flash(title="不重要的快讯戊己")
        response = client.get(KUAIXUN + "?important=1")
        assert 'href="/kuaixun/?important=1&amp;page=2">更早' in response.text
        second = client.get(KUAIXUN + "?important=1&page=2")
        assert len(item_ids(second)) == 1
        assert "不重要的快讯戊己" not in second.text

    def test_page_past_the_end_is_404(self, client):
        """A page number beyond the timeline is a clear 404, not a 500."""
        flash()
        assert client.get(KUAIXUN + "?page=9").status_code == 404
        assert client.get(KUAIXUN + "?page=x").status_code == 404

    def test_queries_do_not_grow_with_items(self, client, django_assert_max_num_queries):
        """The timeline runs at most five queries with 60 items (tags included), on any page."""
        for i in range(60):
            flash(tags=[f"快讯标签{i % 4}"], important=i % 7 == 0)
        from django.core.cache import cache

        for url in (KUAIXUN, KUAIXUN + "?important=1", KUAIXUN + "?page=2"):
            cache.clear()
            with django_assert_max_num_queries(5):
                assert client.get(url).status_code == 200

    def test_live_cursor_and_feed_links_on_first_page_only(self, client, settings):
        """Page 1 carries the live cursor for flash items; page 2 does not."""
        settings.FLASH_PER_PAGE = 1
        flash()
        newest = flash()
        first = client.get(KUAIXUN + "?important=0")
        assert 'data-live-url="/api/latest.json?kind=flash"' in first.text
        assert f'data-live-after-id="{newest.pk}"' in first.text
        assert 'class="live-notice"' in first.text
        assert 'href="/kuaixun/rss/"' in first.text
        important = client.get(KUAIXUN + "?important=1")
        assert "/api/latest.json?kind=flash&amp;important=1" in important.text
        assert "data-live-url" not in client.get(KUAIXUN + "?page=2").text


class TestLiveEndpoint:
    def test_kind_and_important_narrow_the_answer(self, client):
        """/api/latest.json?kind=flash&important=1 answers only new important flash items."""
        since = timezone.localtime(timezone.now() - timedelta(hours=1)).isoformat()
        make_article(title="新的长文章")
        flash(title="新的普通快讯", source_name="财联社")
        red = flash(title="新的重要快讯", important=True)
        data = client.get("/api/latest.json", {"since": since, "kind": "flash"}).json()
        assert [a["title"] for a in data["articles"]] == ["新的重要快讯", "新的普通快讯"]
        assert data["articles"][1]["source"] == "财联社"
        assert re.fullmatch(r"\d\d:\d\d", data["articles"][0]["clock"])
        data = client.get(
            "/api/latest.json", {"since": since, "kind": "flash", "important": "1"}
        ).json()
        assert [a["id"] for a in data["articles"]] == [red.pk]
        assert data["articles"][0]["important"] is True

    def test_bad_kind_is_400(self, client):
        """An unknown kind is a 400 with a JSON error."""
        since = timezone.localtime().isoformat()
        response = client.get("/api/latest.json", {"since": since, "kind": "video"})
        assert response.status_code == 400
        assert "kind" in response.json()["fields"]


class TestDraftLeak:
    @pytest.mark.parametrize(
        "state",
        [
            {"status": Article.Status.DRAFT},
            {"status": Article.Status.PUBLISHED, "published_at_delta": timedelta(hours=2)},
            {"status": Article.Status.WITHDRAWN},
        ],
        ids=["draft", "scheduled", "withdrawn"],
    )
    def test_unpublished_flash_never_shown(self, client, admin_client, state):
        """A draft, scheduled or withdrawn flash item is on no flash surface, even for staff."""
        state = dict(state)
        delta = state.pop("published_at_delta", -timedelta(minutes=1))
        flash(title="可见的快讯子丑")
        flash(
            title="不该出现的快讯寅卯",
            important=True,
            published_at=timezone.now() + delta,
            **state,
        )
        since = timezone.localtime(timezone.now() - timedelta(days=1)).isoformat()
        live = "/api/latest.json?" + urlencode({"since": since, "kind": "flash"})
        for c in (client, admin_client):
            for url in (
                KUAIXUN,
                KUAIXUN + "?important=1",
                "/kuaixun/rss/",
                "/kuaixun/atom/?important=1",
                "/",
                "/sidebar/",
                live,
            ):
                response = c.get(url)
                assert response.status_code == 200, url
                assert "不该出现的快讯寅卯" not in response.content.decode(), url


class TestFeeds:
    @pytest.mark.parametrize("path", ["/kuaixun/rss/", "/kuaixun/atom/"])
    def test_feeds_list_flash_items_and_mark_important(self, client, path):
        """The 7×24 feeds carry flash items only; ?important=1 only the important ones."""
        flash(title="订阅里的普通快讯")
        flash(title="订阅里的重要快讯", important=True)
        make_article(title="订阅里不该有的文章")
        text = client.get(path).content.decode()
        assert "订阅里的普通快讯" in text
        assert "【重要】订阅里的重要快讯" in text
        assert "订阅里不该有的文章" not in text
        important = client.get(path + "?important=1").content.decode()
        assert "【重要】订阅里的重要快讯" in important
        assert "订阅里的普通快讯" not in important
        assert "7×24 快讯（重要）" in important


class TestBoxAndDetail:
    def test_home_and_sidebar_show_newest_ten_flash_items(self, client):
        """Home and /sidebar/ have a 7×24 box with the newest 10 items and a link to /kuaixun/."""
        now = timezone.now()
        items = [
            flash(title=f"盒子快讯{i:02d}号", published_at=now - timedelta(minutes=i + 1))
            for i in range(12)
        ]
        for url in ("/", "/sidebar/"):
            page = client.get(url).content.decode()
            text = page.split('<section class="box flash-box">')[1].split("</section>")[0]
            assert '<a href="/kuaixun/">7×24 快讯</a>' in text
            for item in items[:10]:
                assert item.title in text, url
            assert "盒子快讯10号" not in text and "盒子快讯11号" not in text

    def test_flash_page_shows_text_source_and_the_days_other_items(self, client):
        """A flash item's page: its text, time and source, and the same Beijing day's neighbours."""
        day = datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
        category = make_category(name="东财滚动新闻来源")
        item = flash(
            title="某公司公告回购",
            summary="某公司拟回购股份不超过1亿元。",
            body="<p>某公司拟回购股份不超过1亿元，用于员工持股计划。</p>",
            source_name="东方财富网",
            category=category,
            published_at=day,
        )
        before = flash(title="同日较早快讯", published_at=day - timedelta(hours=2))
        after = flash(title="同日较晚快讯", published_at=day + timedelta(hours=3))
        flash(title="前一日的快讯辰巳", published_at=day - timedelta(hours=11))
        response = client.get(item.get_absolute_url())
        text = response.content.decode()
        assert "用于员工持股计划" in text
        assert "2026年11月27日 10:00" in text
        assert "来源：东方财富网" in text
        assert "当日快讯" in text
        assert before.title in text and after.title in text
        assert "前一日的快讯辰巳" not in text
        assert text.index(after.title) < text.index(before.title)

    def test_article_page_has_no_flash_section(self, client):
        """An ordinary article's page does not list flash items."""
        article = make_article(title="普通文章页")
        flash(title="旁边的快讯午未")
        text = client.get(article.get_absolute_url()).content.decode()
        assert "当日快讯" not in text and "旁边的快讯午未" not in text


class TestAdmin:
    def test_editor_marks_an_item_flash_and_important(self, admin_client):
        """The admin form sets kind and important; the item then shows red on /kuaixun/."""
        category = make_category()
        form = {
            "title": "编辑加红的快讯申酉",
            "category": category.pk,
            "tags": "",
            "summary": "快讯正文",
            "body": "<p>快讯正文</p>",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "slug": "editor-flash-item",
            "author": "",
            "source_name": "财联社",
            "source_url": "",
            "kind": "flash",
            "important": "on",
        }
        response = admin_client.post(reverse("admin:articles_article_add"), form)
        assert response.status_code == 302, response.context["adminform"].form.errors
        item = Article.objects.get(title="编辑加红的快讯申酉")
        assert (item.kind, item.important) == ("flash", True)
        assert (
            f'class="flash-item is-important" data-id="{item.pk}"'
            in admin_client.get(KUAIXUN).content.decode()
        )

    def test_change_list_filters_by_kind_and_importance(self, admin_client):
        """The change list offers 类型 and 重要 filters, and 类型=快讯 lists flash items only."""
        flash(title="列表里的快讯戌亥")
        make_article(title="列表里的文章甲子")
        url = reverse("admin:articles_article_changelist")
        page = admin_client.get(url).content.decode()
        assert "?kind__exact=flash" in page and "?important__exact=1" in page
        filtered = admin_client.get(url + "?kind__exact=flash").content.decode()
        assert "列表里的快讯戌亥" in filtered
        assert "列表里的文章甲子" not in filtered
