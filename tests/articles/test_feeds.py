"""Feeds: RSS 2.0 and Atom for the site, each category and each tag."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

FEEDS = {
    "feed_rss": ((), "rss"),
    "feed_atom": ((), "atom"),
    "category_feed_rss": (("feedsrc",), "rss"),
    "category_feed_atom": (("feedsrc",), "atom"),
    "tag_feed_rss": (("央行动态",), "rss"),
    "tag_feed_atom": (("央行动态",), "atom"),
}

PUBLISHED_AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


@pytest.fixture
def feed_article():
    category = make_category(name="财经快讯社", slug="feedsrc")
    return make_article(
        title="央行开展逆回购操作FEEDa1",
        summary="央行今日开展 <逆回购> 操作。",
        body='<p>央行<strong>今日</strong>开展逆回购操作FEEDbody。</p><script>alert("x")</script>',
        category=category,
        source_name="财经快讯社",
        published_at=PUBLISHED_AT,
        slug="feed-a1",
        tags=["央行动态"],
    )


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def items(root, kind):
    return root.findall("channel/item") if kind == "rss" else root.findall(f"{ATOM}entry")


class TestUrls:
    @pytest.mark.parametrize(
        ("name", "args", "path"),
        [
            ("feed_rss", (), "/feed/rss/"),
            ("feed_atom", (), "/feed/atom/"),
            ("category_feed_rss", ("emnews",), "/category/emnews/rss/"),
            ("category_feed_atom", ("emnews",), "/category/emnews/atom/"),
            ("tag_feed_rss", ("银行",), "/tag/%E9%93%B6%E8%A1%8C/rss/"),
            ("tag_feed_atom", ("银行",), "/tag/%E9%93%B6%E8%A1%8C/atom/"),
        ],
    )
    def test_feed_urls_are_pinned(self, name, args, path):
        """Feed URLs are the ones readers subscribe to."""
        assert reverse(f"articles:{name}", args=args) == path

    def test_old_feed_redirects_to_atom(self, client):
        """The Jekyll site's /feed.xml moves permanently to the Atom feed."""
        response = client.get("/feed.xml")
        assert response.status_code == 301
        assert response["Location"] == "/feed/atom/"


class TestEveryFeed:
    @pytest.mark.parametrize("name", sorted(FEEDS))
    def test_feed_has_the_article_in_full(self, client, feed_article, name):
        """Each feed is valid XML of its type with the article's title and full, clean body."""
        args, kind = FEEDS[name]
        response = client.get(reverse(f"articles:{name}", args=args))
        assert response.status_code == 200
        # application/xml: browsers then apply the feed's XSLT (test_feed_pages.py).
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        (item,) = items(parse(response), kind)
        if kind == "rss":
            assert item.findtext("title") == "央行开展逆回购操作FEEDa1"
            content = item.findtext(CONTENT)
            assert item.findtext("description") == "央行今日开展 &lt;逆回购&gt; 操作。"
        else:
            assert item.findtext(f"{ATOM}title") == "央行开展逆回购操作FEEDa1"
            content = item.find(f"{ATOM}content").text
            assert item.find(f"{ATOM}content").get("type") == "html"
        assert "<p>央行<strong>今日</strong>开展逆回购操作FEEDbody。</p>" in content
        assert "script" not in content
        assert "alert" not in content

    @pytest.mark.parametrize("name", sorted(FEEDS))
    def test_dates_are_beijing_time(self, client, feed_article, name):
        """Item dates carry +08:00 (09:30 Beijing for 01:30 UTC)."""
        args, kind = FEEDS[name]
        root = parse(client.get(reverse(f"articles:{name}", args=args)))
        (item,) = items(root, kind)
        if kind == "rss":
            assert item.findtext("pubDate") == "Mon, 02 Mar 2026 09:30:00 +0800"
            assert root.findtext("channel/lastBuildDate").endswith("+0800")
        else:
            assert item.findtext(f"{ATOM}published") == "2026-03-02T09:30:00+08:00"
            assert item.findtext(f"{ATOM}updated").endswith("+08:00")
            assert root.findtext(f"{ATOM}updated").endswith("+08:00")

    @pytest.mark.parametrize("name", sorted(FEEDS))
    def test_guid_is_the_permanent_article_url(self, client, feed_article, name):
        """The item id is the article's absolute URL, the same in every feed and after an edit."""
        args, kind = FEEDS[name]
        url = reverse(f"articles:{name}", args=args)
        feed_article.title = "央行开展逆回购操作（更新）"
        feed_article.save()
        (item,) = items(parse(client.get(url)), kind)
        guid = item.findtext("guid") if kind == "rss" else item.findtext(f"{ATOM}id")
        assert guid == "http://testserver/news/feed-a1/"

    def test_feed_titles_are_chinese(self, client, feed_article):
        """Feed titles name the site, the category or the tag in Chinese."""
        site = parse(client.get(reverse("articles:feed_rss"))).findtext("channel/title")
        cat = parse(client.get(reverse("articles:category_feed_atom", args=["feedsrc"])))
        tag = parse(client.get(reverse("articles:tag_feed_rss", args=["央行动态"])))
        assert site == "金融消息 · 最新财经新闻"
        assert cat.findtext(f"{ATOM}title") == "财经快讯社 · 金融消息"
        assert tag.findtext("channel/title") == "标签：央行动态 · 金融消息"


class TestScope:
    def test_category_feed_has_only_its_category(self, client, feed_article):
        """A category feed leaves out other categories' articles."""
        make_article(title="别的来源OTHERb2")
        body = client.get(reverse("articles:category_feed_rss", args=["feedsrc"])).content
        assert "FEEDa1" in body.decode()
        assert "OTHERb2" not in body.decode()

    def test_tag_feed_has_only_its_tag(self, client, feed_article):
        """A tag feed leaves out articles without the tag."""
        make_article(title="无标签文章NOTAGc3", tags=["别的标签"])
        body = client.get(reverse("articles:tag_feed_atom", args=["央行动态"])).content.decode()
        assert "FEEDa1" in body
        assert "NOTAGc3" not in body

    @pytest.mark.parametrize(
        "url",
        ["/category/nosuchsource/rss/", "/category/nosuchsource/atom/", "/tag/没有这个/rss/"],
    )
    def test_unknown_category_or_tag_is_404(self, client, url):
        """A feed for a category or tag that does not exist is 404."""
        assert client.get(url).status_code == 404

    def test_newest_first_and_bounded(self, client):
        """The site feed lists the newest 50 articles, newest first."""
        category = make_category()
        Article.objects.bulk_create(
            Article(
                title=f"滚动快讯{i:02d}",
                slug=f"roll-{i}",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=PUBLISHED_AT - timedelta(minutes=i),
            )
            for i in range(60)
        )
        titles = [i.findtext("title") for i in items(parse(client.get("/feed/rss/")), "rss")]
        assert titles == [f"滚动快讯{i:02d}" for i in range(50)]

    @pytest.mark.parametrize("name", sorted(FEEDS))
    def test_query_count_is_fixed(self, client, name, django_assert_max_num_queries):
        """Twenty tagged articles cost the same few queries as one."""
        category = make_category(slug="feedsrc")
        for i in range(20):
            make_article(title=f"多标签{i}", category=category, tags=["央行动态", f"标签{i}"])
        args, _ = FEEDS[name]
        with django_assert_max_num_queries(3):
            response = client.get(reverse(f"articles:{name}", args=args))
        assert response.content.decode().count("多标签") == 20


class TestAnnounced:
    @pytest.mark.parametrize(
        ("page", "rss", "atom"),
        [
            ("/", "/feed/rss/", "/feed/atom/"),
            ("/category/feedsrc/", "/category/feedsrc/rss/", "/category/feedsrc/atom/"),
            (
                "/tag/%E5%A4%AE%E8%A1%8C%E5%8A%A8%E6%80%81/",
                "/tag/%E5%A4%AE%E8%A1%8C%E5%8A%A8%E6%80%81/rss/",
                "/tag/%E5%A4%AE%E8%A1%8C%E5%8A%A8%E6%80%81/atom/",
            ),
        ],
    )
    def test_pages_link_their_feeds(self, client, feed_article, page, rss, atom):
        """Home, category and tag pages announce their RSS and Atom feeds in <head>."""
        body = client.get(page).content.decode()
        head = body[: body.index("</head>")]
        assert 'type="application/rss+xml"' in head
        assert f'href="{rss}"' in head
        assert 'type="application/atom+xml"' in head
        assert f'href="{atom}"' in head
