"""Sitemaps and robots.txt: what search engines are told about."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
UPDATED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
# 16:05:07 UTC is past midnight in Beijing: the date itself must change.
PUBLISHED = datetime(2026, 3, 1, 16, 5, 7, tzinfo=UTC)
PUBLISHED_BEIJING = "2026-03-02T00:05:07+08:00"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def locs(root):
    return [el.text for el in root.iter(f"{SM}loc")]


@pytest.fixture
def site():
    category = make_category(name="地图来源", slug="mapsrc")
    article = make_article(
        title="沪深两市成交额破万亿MAPa1", slug="map-a1", category=category, published_at=PUBLISHED
    )
    article.tags.add("成交额")
    Article.objects.filter(pk=article.pk).update(updated_at=UPDATED)
    return article


class TestIndex:
    def test_index_lists_every_section_absolute(self, client, site):
        """/sitemap.xml lists the article, category, tag and news sitemaps by absolute URL."""
        root = parse(client.get("/sitemap.xml"))
        assert root.tag == f"{SM}sitemapindex"
        assert locs(root) == [
            "http://testserver/sitemap-articles.xml",
            "http://testserver/sitemap-categories.xml",
            "http://testserver/sitemap-tags.xml",
            "http://testserver/sitemap-news.xml",
        ]

    def test_index_lastmod_is_beijing_time(self, client, site):
        """The index gives each section's last change with +08:00."""
        with time_machine.travel(UPDATED + timedelta(minutes=30), tick=False):
            root = parse(client.get("/sitemap.xml"))
        lastmods = [el.findtext(f"{SM}lastmod") for el in root.findall(f"{SM}sitemap")]
        edited = "2026-03-02T09:30:00+08:00"
        # Articles and news: the newest edit; categories and tags: the newest publication.
        assert lastmods == [edited, PUBLISHED_BEIJING, PUBLISHED_BEIJING, edited]

    def test_article_sitemaps_split_at_50000(self, client, monkeypatch):
        """Article sitemaps hold 50,000 URLs each; more articles make more pages in the index."""
        assert sitemaps.ArticleSitemap.limit == 50_000
        monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
        category = make_category()
        for i in range(5):
            make_article(slug=f"split-{i}", category=category)
        root = parse(client.get("/sitemap.xml"))
        assert locs(root)[:3] == [
            "http://testserver/sitemap-articles.xml",
            "http://testserver/sitemap-articles.xml?p=2",
            "http://testserver/sitemap-articles.xml?p=3",
        ]
        page3 = parse(client.get("/sitemap-articles.xml", {"p": 3}))
        assert locs(page3) == ["http://testserver/news/split-4/"]
        assert client.get("/sitemap-articles.xml", {"p": 4}).status_code == 404
        assert client.get("/sitemap-articles.xml", {"p": "x"}).status_code == 404

    def test_index_query_count_is_fixed(self, client, site, django_assert_max_num_queries):
        """The index costs a handful of aggregate queries, not one per article."""
        for i in range(10):
            make_article(slug=f"many-{i}")
        with django_assert_max_num_queries(8):
            client.get("/sitemap.xml")


class TestSections:
    def test_articles_section(self, client, site):
        """The article sitemap gives each article's URL and lastmod with +08:00."""
        root = parse(client.get("/sitemap-articles.xml"))
        (url,) = root.findall(f"{SM}url")
        assert url.findtext(f"{SM}loc") == "http://testserver/news/map-a1/"
        assert url.findtext(f"{SM}lastmod") == "2026-03-02T09:30:00+08:00"

    def test_categories_section(self, client, site):
        """The category sitemap lists categories with published articles, with +08:00 dates."""
        make_category(name="空来源", slug="emptysrc")
        root = parse(client.get("/sitemap-categories.xml"))
        assert locs(root) == ["http://testserver/category/mapsrc/"]
        assert root.find(f"{SM}url").findtext(f"{SM}lastmod").endswith("+08:00")

    def test_tags_section(self, client, site):
        """The tag sitemap lists tags of published articles by their Chinese URL."""
        root = parse(client.get("/sitemap-tags.xml"))
        assert locs(root) == ["http://testserver/tag/%E6%88%90%E4%BA%A4%E9%A2%9D/"]

    def test_unknown_section_is_404(self, client):
        """A section that does not exist is 404."""
        assert client.get("/sitemap-nosuch.xml").status_code == 404


class TestNewsSitemap:
    def test_recent_articles_with_news_tags(self, client):
        """Articles of the last 48 hours appear with publication, zh-cn, date and title."""
        make_article(title="北向资金净买入NEWSa1", slug="news-a1", published_at=PUBLISHED)
        make_article(
            title="两天前的旧闻OLDb2", slug="news-b2", published_at=PUBLISHED - timedelta(hours=2)
        )
        with time_machine.travel(PUBLISHED + timedelta(hours=47), tick=False):
            response = client.get("/sitemap-news.xml")
        root = parse(response)
        assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
        (url,) = root.findall(f"{SM}url")
        assert url.findtext(f"{SM}loc") == "http://testserver/news/news-a1/"
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "金融消息"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "zh-cn"
        assert news.findtext(f"{NEWS}title") == "北向资金净买入NEWSa1"
        assert news.findtext(f"{NEWS}publication_date") == PUBLISHED_BEIJING

    @override_settings(NEWS_PUBLICATION_NAME="测试财经日报")
    def test_publication_name_comes_from_settings(self, client):
        """NEWS_PUBLICATION_NAME names the publication."""
        make_article(slug="news-c3")
        root = parse(client.get("/sitemap-news.xml"))
        assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}publication/{NEWS}name") == "测试财经日报"

    def test_at_most_1000_newest(self, client):
        """With more than 1,000 recent articles, the 1,000 newest are listed."""
        category = make_category()
        now = timezone.now()
        Article.objects.bulk_create(
            Article(
                title="快讯",
                slug=f"flood-{i}",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(seconds=10 * i + 1),
            )
            for i in range(1005)
        )
        found = locs(parse(client.get("/sitemap-news.xml")))
        assert len(found) == 1000
        assert found[0] == "http://testserver/news/flood-0/"
        assert found[-1] == "http://testserver/news/flood-999/"

    def test_title_is_escaped(self, client):
        """A title with markup stays well-formed XML."""
        make_article(title="<b>A&B</b> 公司", slug="news-d4")
        root = parse(client.get("/sitemap-news.xml"))
        assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}title") == "<b>A&B</b> 公司"


class TestRobots:
    def test_robots_points_at_the_index(self, client):
        """/robots.txt is plain text with the absolute sitemap index URL."""
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Sitemap: http://testserver/sitemap.xml\n" in response.content.decode()

    def test_robots_disallows_the_admin_path(self, client, settings):
        """The admin path, whatever it is configured to, is disallowed."""
        settings.ADMIN_PATH = "bianji-q8/"
        lines = client.get("/robots.txt").content.decode().splitlines()
        assert "User-agent: *" in lines
        assert "Disallow: /bianji-q8/" in lines
