"""/feeds/ lists every feed; /about/ and the footer carry the disclaimer on every page."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

DISCLAIMER = "投资有风险，入市需谨慎"


@pytest.fixture
def site_news():
    category = make_category(name="页脚来源", slug="footersrc")
    article = make_article(
        title="央行宣布降准FOOTa1",
        slug="foot-a1",
        category=category,
        tags=["降准"],
        body="<p>央行宣布降准。</p>",
    )
    return {"category": category, "article": article}


class TestUrls:
    def test_paths_are_pinned(self):
        """The two pages have short, stable addresses."""
        assert reverse("articles:feeds") == "/feeds/"
        assert reverse("articles:about") == "/about/"


class TestFeedsPage:
    def test_lists_site_category_tag_and_search_feeds(self, client, site_news):
        """Every kind of feed is on the page, each with RSS and Atom."""
        response = client.get("/feeds/")
        assert response.status_code == 200
        body = response.content.decode()
        for path in (
            "/feed/rss/",
            "/feed/atom/",
            "/category/footersrc/rss/",
            "/category/footersrc/atom/",
            "/tag/%E9%99%8D%E5%87%86/rss/",
            "/tag/%E9%99%8D%E5%87%86/atom/",
            "/search/rss/?q=",
            "/search/atom/?q=",
        ):
            assert f'href="{path}' in body, path
        assert "关键词订阅" in body

    def test_every_link_on_it_is_a_readable_feed(self, client, site_news):
        """feedparser reads each feed the page links to."""
        body = client.get("/feeds/").content.decode()
        main = body[body.index('<div class="page feeds-page">') :]
        hrefs = [part.split('"', 1)[0] for part in main.split('href="')[1:]]
        feeds = [h for h in hrefs if "/rss/" in h or "/atom/" in h]
        # Site, category, tag, search (RSS + Atom each), and the 7×24 timeline's four.
        assert len(feeds) == 12
        assert "/kuaixun/rss/?important=1" in feeds
        for href in feeds:
            parsed = feedparser.parse(client.get(href.replace("&amp;", "&")).content)
            assert not parsed.bozo, href
            assert parsed.version in {"rss20", "atom10"}, href

    def test_unpublished_categories_and_tags_stay_off(self, client, site_news):
        """A category or tag carried only by a draft or a scheduled article is not listed."""
        hidden = make_category(name="只有草稿的来源HIDDENcat", slug="hiddencat")
        make_article(status=Article.Status.DRAFT, category=hidden, tags=["草稿标签HIDDENtag"])
        make_article(
            published_at=timezone.now() + timedelta(days=1),
            category=hidden,
            tags=["定时标签HIDDENtag2"],
        )
        body = client.get("/feeds/").content.decode()
        assert "HIDDENcat" not in body
        assert "HIDDENtag" not in body

    def test_tags_most_used_first(self, client, site_news):
        """The most used recent tags come first."""
        category = site_news["category"]
        for _ in range(3):
            make_article(category=category, tags=["常用标签TAGmany"])
        make_article(category=category, tags=["少用标签TAGfew"])
        body = client.get("/feeds/").content.decode()
        assert body.index("TAGmany") < body.index("TAGfew")

    def test_query_count_is_fixed(self, client, django_assert_max_num_queries):
        """Thirty categories and tags cost the same few queries as one."""
        for i in range(30):
            make_article(category=make_category(), tags=[f"标签{i}", "共同"])
        with django_assert_max_num_queries(3):
            response = client.get("/feeds/")
        assert response.content.decode().count("/rss/") >= 60

    def test_empty_site(self, client):
        """With no news yet the page still explains the feeds."""
        body = client.get("/feeds/").content.decode()
        assert "暂无来源" in body
        assert "/feed/rss/" in body


class TestAbout:
    def test_about_page(self, client):
        """关于本站 says what the site is and carries the full disclaimer."""
        response = client.get("/about/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "<h1" in body and "关于本站</h1>" in body
        assert "免责声明" in body
        assert "不构成任何投资建议" in body
        assert DISCLAIMER in body


class TestFooter:
    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/latest/",
            "/news/foot-a1/",
            "/category/",
            "/category/footersrc/",
            "/tag/%E9%99%8D%E5%87%86/",
            "/search/?q=%E9%99%8D%E5%87%86",
            "/search/",
            "/feeds/",
            "/about/",
            "archive",
            "/no-such-page/",
            "/news/no-such-article/",
        ],
    )
    def test_disclaimer_and_links_on_every_page_type(self, client, site_news, path):
        """Every page, errors included, ends with the disclaimer and links 关于本站 and 订阅."""
        if path == "archive":
            day = timezone.localtime(site_news["article"].published_at)
            path = reverse("articles:archive_day", args=[day.year, day.month, day.day])
        response = client.get(path)
        assert response.status_code in (200, 404)
        body = response.content.decode()
        footer = body[body.index('<footer class="site-footer">') :]
        assert "免责声明" in footer
        assert "仅供参考，不构成任何投资建议" in footer
        assert DISCLAIMER in footer
        assert 'href="/about/">关于本站</a>' in footer
        assert 'href="/feeds/"' in footer

    @pytest.mark.parametrize(
        ("path", "status"), [("/search/?q=%00", 400), ("/feed/rss/?x=%00", 400)]
    )
    def test_error_pages_carry_the_disclaimer(self, client, path, status):
        """The bare error pages (400, 500: no database, no links) still carry the disclaimer."""
        response = client.get(path)
        assert response.status_code == status
        body = response.content.decode()
        assert "仅供参考，不构成任何投资建议" in body[body.index("<footer") :]

    def test_server_error_page_carries_the_disclaimer(self):
        """500.html renders the disclaimer without touching the database."""
        from django.template.loader import render_to_string

        assert DISCLAIMER in render_to_string("500.html")

    def test_withdrawn_article_page_has_it_too(self, client, site_news):
        """The 410 page of a withdrawn article carries the footer as well."""
        article = site_news["article"]
        Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert DISCLAIMER in response.content.decode()


class TestShare:
    def test_article_page_has_a_plain_share_link(self, client, site_news):
        """Without JavaScript the share block is a plain link to the article's canonical URL."""
        body = client.get("/news/foot-a1/").content.decode()
        share = body[body.index('<p class="share"') :]
        share = share[: share.index("</p>")]
        assert 'href="http://testserver/news/foot-a1/"' in share
        assert "本文链接" in share
        # The buttons need JavaScript: hidden until share.js shows them.
        assert '<button class="share-copy" type="button" hidden>复制链接</button>' in share
        assert '<button class="share-native" type="button" hidden>' in share
        assert 'src="/static/js/share.js"' in body

    def test_no_third_party_script(self, client, site_news):
        """Every script on the article page is served by the site itself."""
        body = client.get("/news/foot-a1/").content.decode()
        sources = [part.split('"', 1)[0] for part in body.split('<script src="')[1:]]
        assert sources
        assert all(src.startswith("/static/") for src in sources), sources
