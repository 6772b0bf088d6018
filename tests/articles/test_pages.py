"""Public pages as readers see them: content, links, pagination, errors, query budgets."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


class TestPublicUrls:
    @pytest.mark.parametrize(
        ("name", "args", "path"),
        [
            ("articles:home", [], "/"),
            ("articles:detail", ["nw202205192385065243"], "/news/nw202205192385065243/"),
            ("articles:category_index", [], "/category/"),
            ("articles:category", ["dazhongzhengquanbao"], "/category/dazhongzhengquanbao/"),
            ("articles:tag", ["大众证券报新闻"], "/tag/" + quote("大众证券报新闻") + "/"),
        ],
    )
    def test_reverse_gives_the_known_path(self, name, args, path):
        """Public URLs are pinned: reverse() gives the literal path readers know."""
        assert reverse(name, args=args) == path

    def test_chinese_tag_url_round_trips(self, client):
        """A Chinese tag slug routes, percent-encoded or not."""
        make_article(title="带中文标签的新闻", tags=["东财滚动新闻"])
        url = reverse("articles:tag", args=["东财滚动新闻"])
        assert url == "/tag/%E4%B8%9C%E8%B4%A2%E6%BB%9A%E5%8A%A8%E6%96%B0%E9%97%BB/"
        assert resolve(unquote(url)).kwargs == {"slug": "东财滚动新闻"}
        for path in (url, "/tag/东财滚动新闻/"):
            response = client.get(path)
            assert response.status_code == 200
            assert "带中文标签的新闻" in response.content.decode()

    def test_admin_is_at_its_default_path(self):
        """With ADMIN_PATH unset the admin is at /admin/, the path editors know."""
        assert reverse("admin:index") == "/admin/"


class TestHome:
    def test_latest_articles_newest_first(self, client):
        """Home lists the newest articles first, across categories."""
        now = timezone.now()
        make_article(title="较早的新闻OLDxa", published_at=now - timedelta(hours=2))
        make_article(title="最新的新闻NEWxa", published_at=now - timedelta(minutes=5))
        body = client.get("/").content.decode()
        assert body.index("最新的新闻NEWxa") < body.index("较早的新闻OLDxa")

    def test_busiest_categories_show_their_newest_five(self, client):
        """The busiest categories each list their five newest articles, not the sixth."""
        busy = make_category(name="繁忙来源", slug="busy")
        quiet = make_category(name="安静来源", slug="quiet")
        now = timezone.now()
        for i in range(6):
            make_article(
                title=f"繁忙新闻{i}号", category=busy, published_at=now - timedelta(minutes=10 + i)
            )
        make_article(title="安静新闻", category=quiet)
        response = client.get("/")
        groups = response.context["busy_categories"]
        assert [g["category"].name for g in groups] == ["繁忙来源", "安静来源"]
        assert [a.title for a in groups[0]["articles"]] == [f"繁忙新闻{i}号" for i in range(5)]

    def test_empty_site(self, client):
        """With no articles the home page still answers, with a friendly note."""
        response = client.get("/")
        assert response.status_code == 200
        assert "暂无新闻" in response.content.decode()


class TestArticlePage:
    def test_shows_everything_a_reader_needs(self, client):
        """Title, Beijing time, category and tag links, body, source link, back links, meta."""
        category = make_category(name="大众证券报", slug="dazhongzhengquanbao")
        article = make_article(
            title="郑州银行：零售金融服务有温度",
            category=category,
            summary="郑州银行践行心金融的摘要",
            body="<p><strong>特殊时期不停摆</strong></p>",
            source_name="大众证券报",
            source_url="http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1",
            published_at=datetime(2022, 5, 19, 8, 10, 23, tzinfo=ZoneInfo("UTC")),
            tags=["大众证券报新闻"],
        )
        response = client.get(article.get_absolute_url())
        body = response.content.decode()
        assert response.status_code == 200
        assert "<title>郑州银行：零售金融服务有温度 · 金融消息</title>" in body
        assert '<meta name="description" content="郑州银行践行心金融的摘要">' in body
        assert "2022年5月19日 16:10" in body  # 08:10 UTC is 16:10 in Beijing
        assert 'datetime="2022-05-19T16:10:23+08:00"' in body
        assert "<strong>特殊时期不停摆</strong>" in body
        assert 'href="/category/dazhongzhengquanbao/"' in body
        assert (
            'href="/tag/%E5%A4%A7%E4%BC%97%E8%AF%81%E5%88%B8%E6%8A%A5%E6%96%B0%E9%97%BB/"' in body
        )
        assert "来源：大众证券报" in body
        assert 'href="http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW1"' in body
        assert "返回首页" in body
        assert '<html lang="zh-CN">' in body

    def test_title_is_escaped(self, client):
        """A title with markup is shown as text, never as HTML."""
        article = make_article(title="<b>假粗体</b>&标题")
        body = client.get(article.get_absolute_url()).content.decode()
        assert "&lt;b&gt;假粗体&lt;/b&gt;&amp;标题" in body
        assert "<b>假粗体</b>" not in body

    def test_no_source_link_without_source_url(self, client):
        """Without a source URL there is no 阅读原文 link."""
        article = make_article(source_url="")
        assert "阅读原文" not in client.get(article.get_absolute_url()).content.decode()

    def test_unknown_article_is_404_in_site_style(self, client):
        """An unknown article key is a styled Chinese 404."""
        response = client.get("/news/no-such-article-key/")
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()


class TestListPages:
    def test_category_page_paginates_20_newest_first(self, client):
        """A category shows 20 a page, newest first, with a link to the next page."""
        category = make_category(name="分页来源", slug="paged")
        now = timezone.now()
        for i in range(25):
            make_article(
                title=f"分页新闻第{i:02d}条",
                category=category,
                published_at=now - timedelta(minutes=i + 1),
            )
        first = client.get("/category/paged/")
        assert len(first.context["articles"]) == 20
        body = first.content.decode()
        assert "分页新闻第00条" in body
        assert "分页新闻第20条" not in body
        assert 'href="?page=2"' in body
        second = client.get("/category/paged/?page=2").content.decode()
        assert "分页新闻第20条" in second
        assert "分页新闻第24条" in second
        assert "分页新闻第00条" not in second

    def test_category_slug_is_case_insensitive(self, client):
        """Old links with capitals (FTzhongwenwang) reach the lowercase category."""
        make_category(name="FT中文网", slug="FTzhongwenwang")
        assert client.get("/category/FTzhongwenwang/").status_code == 200
        assert client.get("/category/ftzhongwenwang/").status_code == 200

    # ?page=%00 is refused as 400 before any view (tests/ops/test_hardening_requests.py).
    @pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "9" * 30])
    def test_bad_page_numbers_are_404_not_500(self, client, page):
        """?page=abc, zero or past the end gives a 404 page, never a server error."""
        category = make_category(slug="pages")
        make_article(category=category)
        response = client.get(f"/category/pages/?page={page}")
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()

    def test_page_last_is_accepted(self, client):
        """?page=last goes to the last page."""
        category = make_category(slug="lastpage")
        make_article(category=category, title="唯一的新闻LASTq")
        assert "唯一的新闻LASTq" in client.get("/category/lastpage/?page=last").content.decode()

    def test_unknown_category_and_tag_are_404(self, client):
        """Unknown category or tag slugs are 404."""
        assert client.get("/category/no-such-source/").status_code == 404
        assert client.get("/tag/不存在的标签/").status_code == 404

    def test_tag_page_lists_tagged_articles_only(self, client):
        """A tag page shows articles with that tag and not others."""
        make_article(title="有银行标签TAGGEDr", tags=["银行"])
        make_article(title="无此标签UNTAGGEDr", tags=["保险"])
        body = client.get(reverse("articles:tag", args=["银行"])).content.decode()
        assert "有银行标签TAGGEDr" in body
        assert "无此标签UNTAGGEDr" not in body


class TestQueryBudgets:
    """Each page runs a fixed number of queries, however many articles it shows."""

    @pytest.fixture
    def thirty(self):
        category = make_category(name="预算来源", slug="budget")
        others = [make_category() for _ in range(7)]
        for i in range(30):
            make_article(
                category=category if i % 2 else others[i % 7], tags=["预算标签", f"标签{i}"]
            )
        return category

    @pytest.mark.parametrize(
        ("path", "budget"),
        [
            ("/", 3),
            ("/category/budget/", 3),
            ("/category/budget/?page=1", 3),
            (reverse("articles:tag", args=["预算标签"]), 3),
            ("/category/", 2),
        ],
    )
    def test_list_pages(self, client, django_assert_max_num_queries, thirty, path, budget):
        """Home, category, tag and source-index pages stay within their budget."""
        with django_assert_max_num_queries(budget):
            response = client.get(path)
        assert response.status_code == 200

    def test_article_page(self, client, django_assert_max_num_queries, thirty):
        """An article page with several tags costs five queries.

        The article, its tags, the older and the newer one in its category,
        and the related articles (one query whatever the number of tags).
        """
        article = Article.objects.filter(category=thirty).first()
        with django_assert_max_num_queries(5):
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200


class TestErrorPages:
    @override_settings(DEBUG=False)
    def test_500_is_styled_and_hides_the_traceback(self, client, monkeypatch):
        """A crash shows the site's 500 page, in Chinese, with no traceback."""
        from articles import views

        def boom(self, **kwargs):
            raise RuntimeError("secret-internal-detail-x9")

        monkeypatch.setattr(views.HomeView, "get_context_data", boom)
        client.raise_request_exception = False
        response = client.get("/")
        body = response.content.decode()
        assert response.status_code == 500
        assert "服务器出错" in body
        assert "secret-internal-detail-x9" not in body
        assert "Traceback" not in body


def test_lists_show_beijing_time_across_midnight(client):
    """A list shows a UTC time in Beijing time, on Beijing's date (17:30 UTC is 01:30 next day)."""
    make_article(
        title="跨午夜的新闻BJTm1", published_at=datetime(2022, 1, 1, 17, 30, 5, tzinfo=UTC)
    )
    body = client.get(reverse("articles:home")).content.decode()
    assert "跨午夜的新闻BJTm1" in body
    assert 'datetime="2022-01-02T01:30:05+08:00"' in body
    assert "2022-01-01T17:30" not in body
