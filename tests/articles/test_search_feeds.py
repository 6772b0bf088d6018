"""Keyword alerts: every search has an RSS and an Atom feed, behind the publish gate."""

from datetime import timedelta
from urllib.parse import quote

import feedparser
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

KINDS = ("search_feed_rss", "search_feed_atom")


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def feed_url(name, query):
    return f"{reverse(f'articles:{name}')}?q={quote(query)}"


def read(client, name, query):
    response = client.get(feed_url(name, query))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture
def bank_news():
    category = make_category(name="订阅测试来源", slug="alertsrc")
    return {
        "old": make_article(
            title="郑州银行推出线上理财ALERTold",
            body="<p>郑州银行的理财业务搬到线上。</p>",
            category=category,
            published_at=ago(300),
        ),
        "new": make_article(
            title="银行间利率回落ALERTnew",
            summary="资金面宽松。",
            body="<p>银行间市场资金面宽松，隔夜利率回落。</p>",
            category=category,
            published_at=ago(10),
            tags=["利率"],
        ),
        "other": make_article(
            title="新能源车销量创新高ALERTother",
            body="<p>汽车月销量再创新高。</p>",
            category=category,
            published_at=ago(5),
        ),
    }


class TestUrls:
    def test_paths_are_pinned(self):
        """The feeds live beside the search page, where readers look for them."""
        assert reverse("articles:search_feed_rss") == "/search/rss/"
        assert reverse("articles:search_feed_atom") == "/search/atom/"


class TestContent:
    @pytest.mark.parametrize("name", KINDS)
    def test_matching_articles_newest_first(self, client, bank_news, name):
        """Only articles containing the word, newest first, read by a real feed parser."""
        parsed = read(client, name, "银行")
        titles = [entry.title for entry in parsed.entries]
        assert titles == ["银行间利率回落ALERTnew", "郑州银行推出线上理财ALERTold"]
        assert parsed.feed.title.startswith("搜索：银行")
        assert parsed.feed.link.endswith("/search/?q=%E9%93%B6%E8%A1%8C")
        entry = parsed.entries[0]
        assert entry.link.endswith(bank_news["new"].get_absolute_url())
        assert "隔夜利率回落" in entry.content[0].value
        assert entry.published_parsed is not None

    @pytest.mark.parametrize("name", KINDS)
    def test_every_word_must_match(self, client, bank_news, name):
        """Several words are ANDed, as on the search page."""
        titles = [e.title for e in read(client, name, "银行 理财").entries]
        assert titles == ["郑州银行推出线上理财ALERTold"]

    def test_fifty_items_newest_first(self, client):
        """A common word gives the 50 newest matches, not the best-ranked or oldest."""
        category = make_category(slug="manyalerts")
        Article.objects.bulk_create(
            Article(
                title=f"银行快讯{i:02d}",
                slug=f"bank-alert-{i}",
                body="<p>银行</p>",
                search_text=" 银行 快讯 ",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=ago(i + 1),
            )
            for i in range(60)
        )
        titles = [e.title for e in read(client, "search_feed_rss", "银行").entries]
        assert titles == [f"银行快讯{i:02d}" for i in range(50)]

    @override_settings(SEARCH_WINDOW=1)
    def test_same_window_as_the_search_page(self, client, bank_news):
        """The feed reads no further back than the search page's window."""
        titles = [e.title for e in read(client, "search_feed_rss", "银行").entries]
        assert titles == ["银行间利率回落ALERTnew"]

    def test_no_match_is_an_empty_feed(self, client, bank_news):
        """A word found nowhere is a valid feed with no items (new ones will come)."""
        parsed = read(client, "search_feed_atom", "不存在的词ZQX")
        assert parsed.entries == []
        assert "不存在的词ZQX" in parsed.feed.title

    def test_query_count_is_fixed(self, client, django_assert_max_num_queries):
        """Twenty matching tagged articles cost the same few queries as one."""
        category = make_category(slug="alertcount")
        for i in range(20):
            make_article(title=f"央行公告{i}", category=category, tags=["央行", f"公告{i}"])
        with django_assert_max_num_queries(3):
            response = client.get(feed_url("search_feed_rss", "央行"))
        assert response.content.decode().count("<item>") == 20


class TestBadInput:
    @pytest.mark.parametrize("query", ["", "   ", "，。！", "\u200b\u3000"])
    @pytest.mark.parametrize("name", KINDS)
    def test_no_searchable_word_is_a_clear_400(self, client, name, query):
        """Without a word to follow, the reader is told so (400), never a 500."""
        response = client.get(reverse(f"articles:{name}"), {"q": query})
        assert response.status_code == 400
        assert "搜索订阅需要关键词" in response.content.decode()

    def test_missing_q_is_a_400(self, client):
        """No q at all is the same clear 400."""
        response = client.get(reverse("articles:search_feed_rss"))
        assert response.status_code == 400
        assert "搜索订阅需要关键词" in response.content.decode()

    def test_nul_is_refused_by_the_site_wide_guard(self, client):
        """A NUL in the query gets the site's own 400 page, like every other URL."""
        response = client.get(reverse("articles:search_feed_atom"), {"q": "银行\x00"})
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "query", ["银行" * 200, "<script>alert(1)</script>银行", "a&b\"c'银行"]
    )
    def test_odd_queries_give_a_valid_feed(self, client, bank_news, query):
        """Long or markup-laden queries are cleaned and bounded; the XML stays well formed."""
        parsed = read(client, "search_feed_rss", query)
        assert "<script>" not in parsed.feed.get("description", "")


class TestPublishGate:
    @pytest.mark.parametrize("name", KINDS)
    def test_drafts_scheduled_and_withdrawn_never_in_a_search_feed(self, client, bank_news, name):
        """A draft, a scheduled and a withdrawn article matching the query stay out."""
        category = bank_news["new"].category
        make_article(title="银行草稿LEAKdraft", status=Article.Status.DRAFT, category=category)
        make_article(
            title="银行定时LEAKscheduled",
            published_at=timezone.now() + timedelta(hours=2),
            category=category,
        )
        make_article(
            title="银行撤下LEAKwithdrawn", status=Article.Status.WITHDRAWN, category=category
        )
        response = client.get(feed_url(name, "银行"))
        assert response.status_code == 200
        assert "LEAK" not in response.content.decode()
        assert len(feedparser.parse(response.content).entries) == 2


class TestPageCache:
    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_cached_like_search_and_renewed_on_publish(self, client, bank_news):
        """A search feed is served from the page cache, and a new match shows at once."""
        url = feed_url("search_feed_rss", "银行")
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
        make_article(title="银行新消息ALERTfresh", category=bank_news["new"].category)
        response = client.get(url)
        assert "ALERTfresh" in response.content.decode()

    @override_settings(PAGE_CACHE_ENABLED=True)
    def test_a_400_is_not_cached(self, client):
        """The answer to a bad query is not stored."""
        url = reverse("articles:search_feed_rss")
        client.get(url)
        assert "X-Page-Cache" not in client.get(url)


class TestSearchPageLinksItsFeed:
    def test_subscribe_link_and_alternate(self, client, bank_news):
        """The search page offers 订阅此搜索 and announces both feeds in <head>."""
        body = client.get(reverse("articles:search"), {"q": "银行"}).content.decode()
        head = body[: body.index("</head>")]
        assert 'type="application/rss+xml"' in head
        assert 'href="/search/rss/?q=%E9%93%B6%E8%A1%8C"' in head
        assert 'href="/search/atom/?q=%E9%93%B6%E8%A1%8C"' in head
        assert ">订阅此搜索</a>" in body
        assert 'href="/search/rss/?q=%E9%93%B6%E8%A1%8C"' in body[body.index("</head>") :]

    def test_no_feed_offered_without_a_query(self, client):
        """An empty search has nothing to subscribe to."""
        body = client.get(reverse("articles:search")).content.decode()
        assert "订阅此搜索" not in body
        assert "/search/rss/" not in body
