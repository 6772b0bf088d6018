"""All news (/latest/), the sidebar on list pages, 第 N 页, and the two timestamp styles."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def many():
    """45 articles of one category and tag (three pages of 20)."""
    category = make_category(name="分页来源", slug="pages-src")
    now = timezone.now()
    return [
        make_article(
            title=f"分页新闻{i:02d}",
            category=category,
            tags=["分页标签"],
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(45)
    ]


def title_and_h1(html):
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1])
    return title, h1


class TestLatest:
    def test_url_is_pinned(self):
        """All news lives at /latest/."""
        assert reverse("articles:latest") == "/latest/"

    def test_pages_in_order(self, client, many):
        """Page 1 starts with the newest; ?page=2 continues where it ends; page 4 is 404."""
        first = client.get("/latest/").content.decode()
        second = client.get("/latest/?page=2").content.decode()
        assert "分页新闻00" in first and "分页新闻19" in first and "分页新闻20" not in first
        assert "分页新闻20" in second and "分页新闻39" in second and "分页新闻19" not in second
        assert client.get("/latest/?page=4").status_code == 404

    def test_home_links_more_news_and_sends_page_2_there(self, client, many):
        """The home page's 更多新闻 leads to page 2 of /latest/; /?page=2 redirects there."""
        home = client.get("/").content.decode()
        assert 'href="/latest/?page=2">更多新闻' in home
        response = client.get("/?page=2")
        assert response.status_code == 302
        assert response["Location"] == "/latest/?page=2"

    def test_no_more_news_link_when_all_fit(self, client):
        """With fewer articles than a page, the home page offers no 更多新闻 link."""
        make_article(title="唯一新闻MOREq1")
        assert "更多新闻 ›</a>" not in client.get("/").content.decode().split("<aside", 1)[0]

    def test_query_budget(self, client, many, django_assert_max_num_queries):
        """/latest/ page 2 costs a count, a boundary and the page, however long the archive."""
        with django_assert_max_num_queries(3):
            assert client.get("/latest/?page=2").status_code == 200


class TestPageNumbers:
    @pytest.mark.parametrize(
        "path",
        ["/latest/", "/category/pages-src/", "/tag/分页标签/", "ARCHIVE"],
    )
    def test_page_2_says_so_in_title_and_heading(self, client, many, path):
        """Page 2 and later carry 第 N 页 in <title> and <h1>; page 1 does not."""
        if path == "ARCHIVE":
            today = timezone.localdate()
            path = reverse("articles:archive_year", args=[today.year])
        page1 = title_and_h1(client.get(path).content.decode())
        page2_html = client.get(path + "?page=2").content.decode()
        page2 = title_and_h1(page2_html)
        assert "第 2 页" in page2[0] and "第 2 页" in page2[1]
        assert "第 1 页" not in page1[0] + page1[1] and "第 2 页" not in page1[0] + page1[1]
        assert re.search(r'<link rel="canonical" href="[^"]*\?page=2">', page2_html)


class TestSidebar:
    def test_list_pages_load_the_home_sidebar(self, client, many):
        """Category, tag, search and all-news pages point at the sidebar fragment."""
        for path in ("/category/pages-src/", "/tag/分页标签/", "/search/?q=分页", "/latest/"):
            assert 'data-sidebar-url="/sidebar/"' in client.get(path).content.decode(), path

    def test_fragment_has_newest_headlines_and_busiest_sources(self, client, many):
        """The fragment lists the newest headlines and the busiest sources, and is not indexed."""
        response = client.get("/sidebar/")
        html = response.content.decode()
        assert response["X-Robots-Tag"] == "noindex"
        assert "最新消息" in html and "分页新闻00" in html
        assert 'href="/category/pages-src/">分页来源</a>' in html
        assert "<html" not in html

    def test_fragment_query_budget(self, client, many, django_assert_max_num_queries):
        """The fragment costs two queries at any archive size."""
        with django_assert_max_num_queries(2):
            client.get("/sidebar/")


class TestTimestamps:
    def test_list_style_this_year_and_earlier(self, client):
        """Lists show MM-DD HH:MM for this year's news and the year for older news (Beijing)."""
        with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=BEIJING), tick=False):
            this_year = make_article(
                title="今年新闻TSq1", published_at=datetime(2026, 1, 2, 9, 5, tzinfo=BEIJING)
            )
            make_article(
                title="旧年新闻TSq2",
                published_at=datetime(2025, 12, 8, 7, 46, tzinfo=ZoneInfo("UTC")),
                category=this_year.category,
            )
            html = client.get(this_year.category.get_absolute_url()).content.decode()
        assert ">01-02 09:05</time>" in html
        assert ">2025-12-08 15:46</time>" in html

    def test_article_style(self, client):
        """The article page shows 2021年12月8日 15:46 (Beijing time)."""
        article = make_article(published_at=datetime(2021, 12, 8, 15, 46, tzinfo=BEIJING))
        html = client.get(article.get_absolute_url()).content.decode()
        assert "2021年12月8日 15:46</time>" in html
