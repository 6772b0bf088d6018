"""/hot/, /hot/week/ and the top-10 box: order, tabs, stories once, the publish gate, cost."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.story import Story
from hot import ranking
from hot.models import DailyViews
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def views(article, n, days_ago=0):
    DailyViews.objects.create(
        article=article, day=timezone.localdate() - timedelta(days=days_ago), views=n
    )


def titles(response):
    """The ranked titles, in page order."""
    return re.findall(r'class="hot-title" href="[^"]+">([^<]+)</a>', response.content.decode())


def box_titles(response):
    return re.findall(
        r'<span class="hot-rank">\d+</span><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


class TestUrls:
    def test_public_paths(self):
        """The 热门 paths readers know."""
        assert reverse("hot:today") == "/hot/"
        assert reverse("hot:week") == "/hot/week/"
        assert reverse("hot:box") == "/hot/box/"
        assert reverse("hot:beacon") == "/hot/beacon/"

    def test_navigation_links_hot(self, client):
        """The site navigation has 热门."""
        assert '<a href="/hot/">热门</a>' in client.get("/").content.decode()


class TestOrderAndTabs:
    def test_today_is_ordered_by_views(self, client):
        """今日 lists today's most read first, with its read count."""
        low, top, mid = (
            make_article(title="阅读少的消息"),
            make_article(title="阅读最多的消息"),
            make_article(title="阅读居中的消息"),
        )
        views(low, 2), views(top, 30), views(mid, 9)
        ranking.refresh()
        response = client.get("/hot/")
        assert titles(response) == ["阅读最多的消息", "阅读居中的消息", "阅读少的消息"]
        assert "30 次阅读" in response.content.decode()
        assert 'href="/hot/" aria-current="page">今日' in response.content.decode()

    def test_week_sums_seven_beijing_days(self, client):
        """本周 adds up the last seven days; 今日 shows only today."""
        today_only, old_hit, too_old = (
            make_article(title="今天的消息"),
            make_article(title="三天前的热门消息"),
            make_article(title="八天前的旧闻"),
        )
        views(today_only, 5)
        views(old_hit, 4, days_ago=3), views(old_hit, 4, days_ago=1)
        views(too_old, 100, days_ago=7)
        ranking.refresh()
        assert titles(client.get("/hot/")) == ["今天的消息"]
        week = client.get("/hot/week/")
        assert titles(week) == ["三天前的热门消息", "今天的消息"]
        assert 'href="/hot/week/" aria-current="page">本周' in week.content.decode()

    def test_beijing_day_is_the_day(self, client):
        """At 00:30 Beijing time (16:30 UTC the day before), 今日 is the new Beijing day."""
        moment = timezone.now().replace(hour=16, minute=30) - timedelta(days=2)
        new_day = make_article(
            title="北京时间新一天的消息", published_at=moment - timedelta(days=1)
        )
        utc_day = make_article(
            title="按协调世界时算的今天", published_at=moment - timedelta(days=1)
        )
        with time_machine.travel(moment, tick=False):
            assert timezone.localdate() == moment.date() + timedelta(days=1)
            views(new_day, 3)
            DailyViews.objects.create(article=utc_day, day=moment.date(), views=9)
            ranking.refresh()
            assert titles(client.get("/hot/")) == ["北京时间新一天的消息"]
            assert titles(client.get("/hot/week/"))[0] == "按协调世界时算的今天"

    def test_top_fifty(self, client):
        """At most 50 rows."""
        for n in range(55):
            views(make_article(title=f"热门候选{n:02d}"), n + 1)
        ranking.refresh()
        shown = titles(client.get("/hot/"))
        assert len(shown) == 50 and shown[0] == "热门候选54" and "热门候选04" not in shown

    def test_empty_ranking_says_so(self, client):
        """No reads yet: a sentence, not an empty box."""
        assert "今天还没有阅读统计" in client.get("/hot/").content.decode()


class TestStories:
    def test_a_story_is_listed_once_with_its_members_views(self, client):
        """Members of one story add up and are shown once, at the lead (earliest published)."""
        story = Story.objects.create()
        now = timezone.now()
        lead = make_article(title="报道首发稿", story=story, published_at=now - timedelta(hours=2))
        copy = make_article(title="报道转载稿", story=story, published_at=now - timedelta(hours=1))
        single = make_article(title="单独一篇的消息")
        views(lead, 3), views(copy, 6), views(single, 8)
        ranking.refresh()
        response = client.get("/hot/")
        assert titles(response) == ["报道首发稿", "单独一篇的消息"]
        assert "9 次阅读" in response.content.decode()
        assert "报道转载稿" not in response.content.decode()


class TestPublishGate:
    def test_draft_scheduled_withdrawn_never_ranked(self, client):
        """Unpublished articles with reads are on no 热门 surface."""
        live = make_article(title="正常发布的热门")
        hidden = [
            make_article(title="草稿不应上榜", status="draft"),
            make_article(title="定时稿不应上榜", published_at=timezone.now() + timedelta(hours=3)),
            make_article(title="撤回稿不应上榜", status="withdrawn"),
        ]
        views(live, 1)
        for article in hidden:
            views(article, 500)
        ranking.refresh()
        for url in ("/hot/", "/hot/week/", "/hot/box/"):
            html = client.get(url).content.decode()
            assert "正常发布的热门" in html
            assert "不应上榜" not in html

    def test_withdrawn_after_the_fold_disappears_at_once(self, client):
        """An article withdrawn after the ranking was stored is left out by the pages."""
        article = make_article(title="发布后被撤回的热门")
        views(article, 50)
        ranking.refresh()
        assert titles(client.get("/hot/")) == ["发布后被撤回的热门"]
        article.status = "withdrawn"
        article.save()
        assert "发布后被撤回的热门" not in client.get("/hot/").content.decode()


class TestBox:
    def test_box_lists_today_top_ten(self, client):
        """/hot/box/: ten rows, best first, linking to /hot/."""
        for n in range(12):
            views(make_article(title=f"盒子候选{n:02d}"), n + 1)
        ranking.refresh()
        response = client.get("/hot/box/")
        assert box_titles(response)[:2] == ["盒子候选11", "盒子候选10"]
        assert len(box_titles(response)) == 10
        assert response["X-Robots-Tag"] == "noindex"
        assert 'href="/hot/">今日热门' in response.content.decode()

    def test_box_falls_back_to_the_week(self, client):
        """Early in the day, before any read today, the box shows this week's."""
        views(make_article(title="昨天的热门消息"), 7, days_ago=1)
        ranking.refresh()
        html = client.get("/hot/box/").content.decode()
        assert "本周热门" in html and "昨天的热门消息" in html

    def test_box_is_empty_without_reads(self, client):
        """Nothing read yet: an empty fragment (the page keeps no empty box)."""
        assert client.get("/hot/box/").content.decode().strip() == ""

    @pytest.mark.parametrize("page", ["home", "article"])
    def test_pages_load_the_box_without_querying_it(self, client, page):
        """Home and article pages carry the box's URL and run no 热门 query themselves."""
        article = make_article(slug="hot-box-host")
        views(article, 3)
        ranking.refresh()
        url = "/" if page == "home" else article.get_absolute_url()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert 'data-hot-box-url="/hot/box/"' in html
        assert not [q for q in queries.captured_queries if "hot_" in q["sql"]]


class TestCost:
    @pytest.mark.parametrize("url", ["/hot/", "/hot/week/", "/hot/box/"])
    def test_queries_do_not_grow_with_rows(self, client, django_assert_max_num_queries, url):
        """A stored ranking costs one query (its articles), for 3 rows or 50."""
        for n in range(60):
            views(make_article(), n + 1)
        ranking.refresh()
        with django_assert_max_num_queries(1):
            assert client.get(url).status_code == 200

    def test_ranking_lost_from_the_cache_is_rebuilt(self, client, django_assert_max_num_queries):
        """With the stored ranking gone, the page computes it from the days (a few queries)."""
        views(make_article(title="缓存丢失后仍在榜"), 4)
        with django_assert_max_num_queries(5):
            assert titles(client.get("/hot/")) == ["缓存丢失后仍在榜"]

    def test_page_cache_renews_after_the_fold(self, client, settings):
        """With the page cache on, /hot/ shows the fold's new ranking once the stored page ages out."""
        settings.PAGE_CACHE_ENABLED = True
        first, second = make_article(title="先热起来的消息"), make_article(title="后来居上的消息")
        views(first, 5)
        ranking.refresh()
        assert titles(client.get("/hot/")) == ["先热起来的消息"]
        views(second, 9)
        ranking.refresh()
        assert client.get("/hot/")["X-Page-Cache"] == "hit"
        with time_machine.travel(
            timezone.now() + timedelta(seconds=settings.PAGE_CACHE_MAX_AGE + 1)
        ):
            assert titles(client.get("/hot/")) == ["后来居上的消息", "先热起来的消息"]
