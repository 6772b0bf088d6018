"""Stock pages, their feeds, and the securities an article page links."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from stocks.linking import link_articles
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

PER_PAGE = settings.ARTICLES_PER_PAGE
NEWS_URL = re.compile(r'href="(/news/[^"]+/)"')


def mentioning(n, *, minutes_ago=None, **overrides):
    """A published article mentioning 贵州茅台(600519), linked as ingestion links it."""
    moment = timezone.now() - timedelta(minutes=minutes_ago if minutes_ago is not None else n + 1)
    fields = {
        "title": f"茅台新闻{n}号",
        "body": f"<p>白酒股龙头贵州茅台(600519)盘中涨逾{n}%。</p>",
        "published_at": moment,
    }
    fields.update(overrides)
    article = make_article(**fields)
    link_articles([article])
    return article


def news_paths(response):
    return NEWS_URL.findall(response.content.decode())


class TestStockPage:
    def test_urls_are_pinned(self):
        """Readers and search engines know these paths."""
        assert reverse("stocks:detail", args=["600519"]) == "/stock/600519/"
        assert reverse("stocks:detail", args=["09869"]) == "/stock/09869/"
        assert reverse("stocks:detail", args=["TSLA"]) == "/stock/TSLA/"
        assert reverse("stocks:feed_rss", args=["600519"]) == "/stock/600519/rss/"
        assert reverse("stocks:feed_atom", args=["600519"]) == "/stock/600519/atom/"

    def test_lists_the_security_news_newest_first(self, client):
        """The page names the security and lists its articles, newest first, not others."""
        old, new = mentioning(1, minutes_ago=30), mentioning(2, minutes_ago=5)
        other = make_article(title="与茅台无关的独特新闻", body="<p>央行公开市场操作。</p>")
        link_articles([other])
        response = client.get("/stock/600519/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "贵州茅台" in page and "上交所" in page
        assert news_paths(response) == [new.get_absolute_url(), old.get_absolute_url()]
        assert other.get_absolute_url() not in page

    @pytest.mark.parametrize(
        "path",
        ["/stock/600000/", "/stock/09869/", "/stock/tsla/", "/stock/AB CD/", "/stock/1234567/"],
    )
    def test_unknown_code_is_404(self, client, path):
        """Only a code seen in the news has a page."""
        mentioning(1)
        assert client.get(path).status_code == 404

    def test_short_hong_kong_code_redirects_to_its_five_digits(self, client):
        """/stock/9869/ (as 9869.HK is often written) is a permanent redirect to /stock/09869/."""
        response = client.get("/stock/9869/")
        assert response.status_code == 301
        assert response["Location"] == "/stock/09869/"

    def test_flash_items_are_marked(self, client):
        """A 7×24 item among the stock's news carries the 快讯 mark, 重要 when it is."""
        mentioning(1, kind=Article.Kind.FLASH, important=True, title="茅台快讯甲")
        mentioning(2, title="茅台长文乙")
        page = client.get("/stock/600519/").content.decode()
        assert re.search(
            r'card-kicker">快讯</span><span class="flash-mark">重要</span><a[^>]*>茅台快讯甲', page
        )
        assert not re.search(r"快讯</span><a[^>]*>茅台长文乙", page)

    def test_seek_pagination(self, client):
        """Page 2 holds the oldest; a page past the end is 404."""
        articles = [mentioning(n) for n in range(PER_PAGE + 1)]
        first = news_paths(client.get("/stock/600519/"))
        second = news_paths(client.get("/stock/600519/?page=2"))
        assert len(first) == PER_PAGE
        assert second == [articles[-1].get_absolute_url()]
        assert client.get("/stock/600519/?page=3").status_code == 404
        assert client.get("/stock/600519/?page=x").status_code == 404

    def test_queries_do_not_grow(self, client, django_assert_max_num_queries):
        """Three articles or a full page: the same handful of queries."""
        for n in range(3):
            mentioning(n)
        with django_assert_max_num_queries(6) as few:
            client.get("/stock/600519/?page=1")
        for n in range(3, PER_PAGE + 5):
            mentioning(n)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/stock/600519/?page=1")

    def test_quote_link_from_the_setting(self, client, settings):
        """An external quote link appears only when its market has one configured."""
        mentioning(1)
        assert "查看行情" not in client.get("/stock/600519/").content.decode()
        settings.STOCK_QUOTE_URLS = {"SH": "https://quote.example.com/{market}{code}.html"}
        page = client.get("/stock/600519/").content.decode()
        assert 'href="https://quote.example.com/sh600519.html"' in page

    def test_page_cached_until_news_mentions_it(self, client, settings):
        """Served from the page cache; a pushed item naming the stock renews it."""
        from ingest import pipeline
        from tests.ingest.conftest import flash

        settings.PAGE_CACHE_ENABLED = True
        mentioning(1)
        assert client.get("/stock/600519/")["X-Page-Cache"] == "miss"
        assert client.get("/stock/600519/")["X-Page-Cache"] == "hit"
        item = flash(1, summary="【茅台缓存快讯】贵州茅台(600519)午后拉升。")
        pipeline.ingest([item], origin="test")
        response = client.get("/stock/600519/")
        assert response["X-Page-Cache"] == "miss"
        assert "茅台缓存快讯" in response.content.decode()


class TestFeeds:
    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_feed_lists_the_security_news(self, client, kind):
        """The feed carries the security's articles and names it."""
        article = mentioning(1, title="茅台订阅独有标题")
        make_article(title="不相关的订阅标题")
        body = client.get(f"/stock/600519/{kind}/").content.decode()
        assert "贵州茅台" in body
        assert "茅台订阅独有标题" in body and "不相关的订阅标题" not in body
        assert article.get_absolute_url() in body

    def test_unknown_feed_is_404(self, client):
        assert client.get("/stock/600000/rss/").status_code == 404

    def test_feeds_page_lists_stock_feeds(self, client):
        """/feeds/ lists the most mentioned securities with their feeds."""
        mentioning(1)
        page = client.get(reverse("articles:feeds")).content.decode()
        assert 'href="/stock/600519/"' in page
        assert 'href="/stock/600519/rss/"' in page and 'href="/stock/600519/atom/"' in page


class TestArticlePage:
    def test_first_mention_linked_once_and_listed(self, client):
        """The first mention in the body links to the stock page; the list names it below."""
        article = make_article(
            body="<p>贵州茅台(600519)涨4%。</p><p>贵州茅台的反弹幅度已超过30%。</p>",
        )
        link_articles([article])
        page = client.get(article.get_absolute_url()).content.decode()
        body = page.split('class="article-body">', 1)[1].split("</div>", 1)[0]
        assert body.count('href="/stock/600519/"') == 1
        assert body.startswith(
            '<p><a class="stock-link" href="/stock/600519/">贵州茅台</a>(600519)'
        )
        listing = page.split('id="stocks-title"', 1)[1]
        assert 'href="/stock/600519/">贵州茅台 <span class="stock-code">600519</span>' in listing

    def test_never_links_inside_an_existing_link(self, client):
        """A mention inside an <a> stays as it is; the next one outside gets the link."""
        article = make_article(
            body='<p><a href="https://example.com/x">贵州茅台(600519)公告</a></p><p>贵州茅台收涨。</p>',
        )
        link_articles([article])
        page = client.get(article.get_absolute_url()).content.decode()
        assert 'noopener">贵州茅台(600519)公告</a></p>' in page
        assert '<p><a class="stock-link" href="/stock/600519/">贵州茅台</a>收涨。</p>' in page

    def test_markup_is_kept(self):
        """Names in attributes or split by tags are left alone; the output has the same tags."""
        from stocks.bodylinks import link_first_mentions

        body = '<p title="贵州茅台">贵州<b>茅台</b>与<img alt="贵州茅台" src="/x.png"> 贵州茅台</p>'
        linked = link_first_mentions(body, [{"code": "600519", "text": "贵州茅台"}])
        assert linked == (
            '<p title="贵州茅台">贵州<b>茅台</b>与<img alt="贵州茅台" src="/x.png"> '
            '<a class="stock-link" href="/stock/600519/">贵州茅台</a></p>'
        )

    def test_no_extra_query(self, client, django_assert_num_queries):
        """An article with securities costs the queries of one without."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        category = make_category()
        plain = make_article(body="<p>央行公开市场操作。</p>", category=category)
        with CaptureQueriesContext(connection) as without:
            client.get(plain.get_absolute_url())
        rich = make_article(body="<p>贵州茅台(600519)与欧菲光(002456)。</p>", category=category)
        link_articles([rich])
        assert len(rich.mentioned_securities()) == 2
        with django_assert_num_queries(len(without.captured_queries)):
            client.get(rich.get_absolute_url())
