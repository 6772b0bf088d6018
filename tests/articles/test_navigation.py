"""Navigation: date archives, previous/next in a category, related articles, breadcrumbs."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def titles(response):
    return [article.title for article in response.context["articles"]]


class TestArchiveUrls:
    def test_archive_urls_are_pinned(self):
        """The date archives live at /archive/yyyy/, /archive/yyyy/mm/, /archive/yyyy/mm/dd/."""
        assert reverse("articles:archive_year", args=[2020]) == "/archive/2020/"
        assert reverse("articles:archive_month", args=[2020, 3]) == "/archive/2020/03/"
        assert reverse("articles:archive_day", args=[2020, 3, 7]) == "/archive/2020/03/07/"


class TestArchives:
    def test_day_is_a_beijing_day(self, client):
        """00:30 Beijing time (16:30 UTC the day before) belongs to the Beijing day."""
        make_article(title="北京凌晨的新闻AMx1", published_at=beijing(2020, 3, 7, 0, 30))
        make_article(title="前一天深夜的新闻PMx2", published_at=beijing(2020, 3, 6, 23, 59))
        day = client.get("/archive/2020/03/07/")
        assert day.status_code == 200
        assert titles(day) == ["北京凌晨的新闻AMx1"]
        assert titles(client.get("/archive/2020/03/06/")) == ["前一天深夜的新闻PMx2"]

    def test_month_and_year_boundaries(self, client):
        """The last minute of March is in March; midnight of 1 April is April's; both 2020."""
        make_article(title="三月最后一分钟MARx", published_at=beijing(2020, 3, 31, 23, 59))
        make_article(title="四月第一刻APRx", published_at=beijing(2020, 4, 1, 0, 0))
        make_article(title="前一年的新闻Y19x", published_at=beijing(2019, 12, 31, 23, 59))
        assert titles(client.get("/archive/2020/03/")) == ["三月最后一分钟MARx"]
        assert titles(client.get("/archive/2020/04/")) == ["四月第一刻APRx"]
        assert titles(client.get("/archive/2020/")) == ["四月第一刻APRx", "三月最后一分钟MARx"]

    def test_leap_day_exists(self, client):
        """29 February 2020 is a real day."""
        make_article(title="闰日新闻LEAPx", published_at=beijing(2020, 2, 29, 12, 0))
        assert titles(client.get("/archive/2020/02/29/")) == ["闰日新闻LEAPx"]

    @pytest.mark.parametrize(
        "path",
        [
            "/archive/2020/13/",
            "/archive/2020/00/",
            "/archive/2020/02/30/",
            "/archive/2021/02/29/",
            "/archive/2020/02/31/",
            "/archive/2020/04/31/",
            "/archive/2020/03/00/",
            "/archive/2020/03/32/",
            "/archive/0000/",
            "/archive/9999/12/31/",
            "/archive/2099/",
            "/archive/2020/3/",
            "/archive/20200/",
            "/archive/2020/03/07/?page=abc",
            "/archive/2020/03/07/?page=999",
        ],
    )
    def test_impossible_dates_and_pages_are_404(self, client, path):
        """A date that cannot exist, a future year or a bad page number is 404, never 500."""
        make_article(published_at=beijing(2020, 3, 7, 9, 0))
        assert client.get(path).status_code == 404

    def test_archive_is_paginated(self, client):
        """21 articles in one day: 20 on page 1, the oldest on page 2."""
        start = beijing(2020, 3, 7, 8, 0)
        for minute in range(21):
            make_article(
                title=f"分页新闻{minute:02d}", published_at=start + timedelta(minutes=minute)
            )
        first = client.get("/archive/2020/03/07/")
        second = client.get("/archive/2020/03/07/?page=2")
        assert len(titles(first)) == 20
        assert titles(first)[0] == "分页新闻20"
        assert titles(second) == ["分页新闻00"]

    def test_empty_past_day_is_shown_but_not_indexed(self, client):
        """A past day without news says so and asks search engines not to index it."""
        body = client.get("/archive/2020/03/08/").content.decode()
        assert "这段时间没有新闻" in body
        assert '<meta name="robots" content="noindex">' in body

    def test_neighbouring_periods_and_calendar_links(self, client):
        """A month page links the nearest months and the days that hold news, no others."""
        make_article(published_at=beijing(2020, 3, 7, 9, 0))
        make_article(published_at=beijing(2020, 1, 20, 9, 0))
        make_article(published_at=beijing(2020, 6, 2, 9, 0))
        body = client.get("/archive/2020/03/").content.decode()
        assert 'rel="prev" href="/archive/2020/01/"' in body
        assert 'rel="next" href="/archive/2020/06/"' in body
        assert 'href="/archive/2020/02/"' not in body
        calendar = body.split('class="calendar', 1)[1]
        assert 'href="/archive/2020/03/07/"' in calendar
        assert 'href="/archive/2020/03/31/"' not in calendar
        assert '<span class="no-news">31日</span>' in calendar

    def test_day_page_shows_its_month(self, client):
        """A day page's calendar marks that day and links the other days of its month with news."""
        make_article(published_at=beijing(2020, 3, 6, 9, 0))
        body = client.get("/archive/2020/03/07/").content.decode()
        assert '<span class="current" aria-current="page">7日</span>' in body
        assert 'href="/archive/2020/03/06/"' in body
        assert 'href="/archive/2020/03/07/"' not in body.split('class="calendar', 1)[1]

    def test_no_previous_or_next_without_news(self, client):
        """Without news before or after, a day page offers no previous/next link."""
        make_article(published_at=beijing(2020, 3, 7, 9, 0))
        body = client.get("/archive/2020/03/07/").content.decode()
        assert 'rel="prev"' not in body.split("</head>", 1)[1]
        assert 'rel="next"' not in body.split("</head>", 1)[1]

    def test_draft_and_future_news_make_no_link(self, client):
        """A day holding only a draft is not linked from its month."""
        make_article(published_at=beijing(2020, 3, 9, 9, 0), status=Article.Status.DRAFT)
        body = client.get("/archive/2020/03/").content.decode()
        assert 'href="/archive/2020/03/09/"' not in body

    def test_no_link_into_the_future(self, client):
        """Today's page has no link to tomorrow, which would be 404."""
        today = timezone.localdate()
        tomorrow = today + timedelta(days=1)
        body = client.get(
            reverse("articles:archive_day", args=[today.year, today.month, today.day])
        )
        assert body.status_code == 200
        tomorrow_url = reverse(
            "articles:archive_day", args=[tomorrow.year, tomorrow.month, tomorrow.day]
        )
        assert f'href="{tomorrow_url}"' not in body.content.decode()

    def test_article_date_links_to_its_day(self, client):
        """The article page's date links to the archive of its Beijing day."""
        article = make_article(published_at=beijing(2020, 3, 7, 0, 30))
        body = client.get(article.get_absolute_url()).content.decode()
        assert 'href="/archive/2020/03/07/"' in body

    def test_preview_of_an_undated_draft_has_no_archive_link(self, admin_client):
        """Staff preview of a draft without a date renders, with no link to a day archive."""
        draft = make_article(
            title="无日期草稿NODATEx", status=Article.Status.DRAFT, published_at=None
        )
        response = admin_client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "无日期草稿NODATEx" in body
        assert 'class="date"' not in body

    def test_footer_links_the_archives(self, client):
        """Every page's footer links today's, this month's and this year's archives."""
        today = timezone.localdate()
        body = client.get(reverse("articles:home")).content.decode()
        assert f'href="/archive/{today:%Y}/{today:%m}/{today:%d}/"' in body
        assert f'href="/archive/{today:%Y}/{today:%m}/"' in body
        assert f'href="/archive/{today:%Y}/"' in body


class TestPreviousNext:
    def test_neighbours_are_in_the_same_category(self, client):
        """上一篇 is the next older and 下一篇 the next newer article of the same category."""
        mine, other = make_category(), make_category()
        t = beijing(2020, 3, 7, 9, 0)
        make_article(title="更早的同类OLDERq", category=mine, published_at=t - timedelta(hours=2))
        make_article(title="前一篇同类PREVq", category=mine, published_at=t - timedelta(hours=1))
        current = make_article(title="当前文章CURq", category=mine, published_at=t)
        make_article(title="别的来源OTHERq", category=other, published_at=t + timedelta(minutes=5))
        make_article(title="后一篇同类NEXTq", category=mine, published_at=t + timedelta(hours=1))
        response = client.get(current.get_absolute_url())
        assert response.context["older_article"].title == "前一篇同类PREVq"
        assert response.context["newer_article"].title == "后一篇同类NEXTq"
        body = response.content.decode()
        assert re.search(r'rel="prev" href="[^"]+">.*前一篇同类PREVq', body)
        assert re.search(r'rel="next" href="[^"]+">.*后一篇同类NEXTq', body)
        assert "别的来源OTHERq" not in body

    def test_same_time_is_ordered_by_id(self, client):
        """Two articles published at the same instant are still each other's neighbours."""
        category = make_category()
        t = beijing(2020, 3, 7, 9, 0)
        first = make_article(title="同时发布甲SAMEa", category=category, published_at=t)
        second = make_article(title="同时发布乙SAMEb", category=category, published_at=t)
        assert client.get(first.get_absolute_url()).context["newer_article"].pk == second.pk
        assert client.get(second.get_absolute_url()).context["older_article"].pk == first.pk
        assert client.get(first.get_absolute_url()).context["older_article"] is None

    def test_only_article_has_no_neighbours(self, client):
        """An article alone in its category shows neither link."""
        article = make_article()
        body = client.get(article.get_absolute_url()).content.decode()
        assert 'rel="prev"' not in body
        assert 'rel="next"' not in body


class TestRelated:
    def test_ranked_by_shared_tags_then_recency(self, client):
        """Most shared tags first, then newest; no self, none without shared tags."""
        t = timezone.now() - timedelta(days=1)
        current = make_article(title="当前RELcur", tags=["银行", "疫情", "债券"], published_at=t)
        make_article(title="共享一个新RELone", tags=["银行"], published_at=t - timedelta(hours=1))
        make_article(
            title="共享两个RELtwo", tags=["银行", "疫情"], published_at=t - timedelta(hours=3)
        )
        make_article(title="共享一个旧RELold", tags=["债券"], published_at=t - timedelta(hours=2))
        make_article(title="毫无关系RELnone", tags=["科技"], published_at=t - timedelta(hours=1))
        related = client.get(current.get_absolute_url()).context["related_articles"]
        assert [a.title for a in related] == [
            "共享两个RELtwo",
            "共享一个新RELone",
            "共享一个旧RELold",
        ]

    def test_sought_among_the_articles_just_before(self, client, monkeypatch):
        """Related articles come from the RELATED_CANDIDATES published just before this one."""
        monkeypatch.setattr("articles.related.RELATED_CANDIDATES", 3)
        t = timezone.now() - timedelta(days=1)
        current = make_article(tags=["银行"], published_at=t)
        make_article(title="稍后的RELlater", tags=["银行"], published_at=t + timedelta(hours=1))
        for hour in (1, 2, 3):
            make_article(
                title=f"近的{hour}RELnear", tags=["银行"], published_at=t - timedelta(hours=hour)
            )
        make_article(title="太远的RELfar", tags=["银行"], published_at=t - timedelta(hours=4))
        related = client.get(current.get_absolute_url()).context["related_articles"]
        assert [a.title for a in related] == ["近的1RELnear", "近的2RELnear", "近的3RELnear"]

    def test_related_respects_the_publish_gate(self, client):
        """A draft or future article sharing every tag is not related."""
        current = make_article(tags=["银行", "疫情"])
        make_article(title="草稿RELdraft", tags=["银行", "疫情"], status=Article.Status.DRAFT)
        make_article(
            title="明天的RELfuture",
            tags=["银行", "疫情"],
            published_at=timezone.now() + timedelta(days=1),
        )
        body = client.get(current.get_absolute_url()).content.decode()
        assert "草稿RELdraft" not in body
        assert "明天的RELfuture" not in body

    def test_at_most_five(self, client):
        """However many articles share a tag, five are shown."""
        current = make_article(tags=["银行"], published_at=timezone.now())
        for _ in range(8):
            make_article(tags=["银行"])
        assert len(client.get(current.get_absolute_url()).context["related_articles"]) == 5

    def test_query_count_does_not_grow_with_tags(self, client, django_assert_num_queries):
        """The article page costs one query with 1 tag as with 30 tags and 30 related articles."""
        one = make_article(tags=["单个标签"], published_at=timezone.now())
        many_tags = [f"标签{i}" for i in range(30)]
        many = make_article(tags=many_tags, published_at=timezone.now())
        for i in range(30):
            make_article(tags=many_tags[i : i + 3])
        with django_assert_num_queries(1):
            client.get(one.get_absolute_url())
        with django_assert_num_queries(1):
            response = client.get(many.get_absolute_url())
        assert len(response.context["related_articles"]) == 5
        assert len(response.context["article"].tags.all()) == 30


class TestBreadcrumbs:
    def test_every_page_has_breadcrumbs(self, client):
        """Home, sources, category, tag, article, archive and search pages show a trail."""
        article = make_article(
            category=make_category(name="面包屑来源", slug="crumbsrc"),
            tags=["面包屑标签"],
            published_at=beijing(2020, 3, 7, 9, 0),
        )
        expected = {
            "/": ["首页"],
            "/category/": ["首页", "全部来源"],
            "/category/crumbsrc/": ["首页", "全部来源", "面包屑来源"],
            "/tag/面包屑标签/": ["首页", "标签：面包屑标签"],
            article.get_absolute_url(): ["首页", "面包屑来源", article.title],
            "/archive/2020/03/07/": ["首页", "2020年", "3月", "7日"],
            "/search/?q=银行": ["首页", "搜索"],
        }
        for path, trail in expected.items():
            html = client.get(path).content.decode()
            nav = re.search(r'<nav class="crumbs".*?</nav>', html, flags=re.DOTALL).group(0)
            labels = re.findall(r"<(?:a|span)[^>]*>([^<]+)</(?:a|span)>", nav)
            assert labels == trail, path
            assert 'aria-current="page"' in nav

    def test_archive_trail_links_year_and_month(self, client):
        """On a day page the year and month crumbs link to their archives."""
        html = client.get("/archive/2020/03/07/").content.decode()
        nav = re.search(r'<nav class="crumbs".*?</nav>', html, flags=re.DOTALL).group(0)
        assert '<a href="/archive/2020/">2020年</a>' in nav
        assert '<a href="/archive/2020/03/">3月</a>' in nav


def test_category_cards_do_not_repeat_the_category(client):
    """On a category page the cards leave out the category badge; on home they show it."""
    make_article(category=make_category(name="不重复的来源NOREPx", slug="norep"))
    category_page = client.get("/category/norep/").content.decode()
    home = client.get("/").content.decode()
    assert 'class="cat" href="/category/norep/">不重复的来源NOREPx' not in category_page
    assert 'class="cat" href="/category/norep/">不重复的来源NOREPx' in home


class TestQueryCounts:
    """Every listing page runs a small fixed number of queries with 30 articles."""

    @pytest.fixture
    def thirty(self):
        category = make_category(name="计数来源", slug="counted")
        day = beijing(2020, 3, 7, 8, 0)
        for i in range(30):
            make_article(
                category=category if i % 2 else make_category(),
                tags=["计数标签", f"附加{i}"],
                published_at=day + timedelta(minutes=i),
            )
        return category

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/category/",
            "/category/counted/",
            "/tag/计数标签/",
            "/archive/2020/",
            "/archive/2020/03/",
            "/archive/2020/03/07/",
            "/archive/2020/03/07/?page=2",
        ],
    )
    def test_listing_pages(self, client, thirty, path, django_assert_max_num_queries):
        """Listing pages stay within four queries however many articles they show."""
        with django_assert_max_num_queries(4):
            response = client.get(path)
        assert response.status_code == 200

    def test_article_page(self, client, thirty, django_assert_max_num_queries):
        """The article page, with neighbours and related articles, stays within five queries."""
        article = Article.objects.filter(category=thirty).order_by("published_at")[7]
        with django_assert_max_num_queries(5):
            response = client.get(article.get_absolute_url())
        assert response.context["related_articles"]
        assert response.context["older_article"] and response.context["newer_article"]
