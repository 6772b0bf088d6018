"""Old Jekyll URLs: one 301 straight to the new page; unknown ones are 404."""

import pytest
from django.urls import resolve

from articles.models import Article
from tests.jekyll.helpers import Archive, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    archive = Archive(tmp_path / "site")
    archive.category_page("dazhongzhengquanbao", "Dazhongzhengquanbao")
    archive.category_page("TechWeb", "中国网科技新闻")
    archive.category_page("Techweb", "大江网新闻")
    archive.post(
        "NW202205192385065243",
        day="2022-05-19",
        title="郑州银行REDIRq1",
        category="dazhongzhengquanbao",
        tag="大众证券报新闻",
    )
    archive.post("202112082206672930", title="滚动快讯ROLLw2")
    archive.post(
        "202205202222222222",
        day="2022-05-20",
        category="21shijijingjibaodao  nancailicaitong",
        tag="21世纪经济报道  南财理财通新闻",
    )
    archive.post("202205212222222221", day="2022-05-21", category="TechWeb", tag="中国网科技新闻")
    archive.post("202205212222222222", day="2022-05-21", category="Techweb", tag="大江网新闻")
    archive.post(
        "202205212222222223",
        day="2022-05-21",
        category="anxinguojizhengquan(xianggang)",
        tag="x新闻",
    )
    archive.post(
        "202205222222222229",
        day="2022-05-22",
        title="重复稿DUPk8",
        source_url="http://finance.eastmoney.com/news/1,202112082206672930.html",
    )
    _, err, code = run_import(archive.root)
    assert code == 0, err
    return archive


def assert_redirects_once(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    final = client.get(new)
    assert final.status_code == 200, f"{new} is not a final page"


class TestPosts:
    def test_post_permalink(self, client, imported):
        """/<category>/<yyyy>/<mm>/<dd>/<file-name-slug>.html -> /news/<upstream id>/."""
        assert_redirects_once(
            client,
            "/dazhongzhengquanbao/2022/05/19/NW202205192385065243.html",
            "/news/nw202205192385065243/",
        )
        assert_redirects_once(
            client, "/emnews/2021/12/08/202112082206672930.html", "/news/202112082206672930/"
        )

    def test_category_with_encoded_spaces(self, client, imported):
        """A front-matter category with spaces, URL-encoded in the old link, still redirects."""
        assert_redirects_once(
            client,
            "/21shijijingjibaodao%20%20nancailicaitong/2022/05/20/202205202222222222.html",
            "/news/202205202222222222/",
        )

    def test_category_as_jekyll_wrote_it(self, client, imported):
        """Jekyll's own forms of the category part (lowercased, spaces split into folders) work."""
        assert_redirects_once(
            client,
            "/21shijijingjibaodao/nancailicaitong/2022/05/20/202205202222222222.html",
            "/news/202205202222222222/",
        )
        assert_redirects_once(
            client, "/techweb/2022/05/21/202205212222222222.html", "/news/202205212222222222/"
        )

    def test_duplicate_post_goes_to_the_article_it_duplicates(self, client, imported):
        """The old URL of a post stored as a duplicate leads to the article that owns its source."""
        assert_redirects_once(
            client, "/emnews/2022/05/22/202205222222222229.html", "/news/202112082206672930/"
        )

    def test_unknown_post_is_404(self, client, imported):
        """An old post URL nobody imported is 404, not a redirect."""
        assert client.get("/emnews/2021/12/08/999999999999999999.html").status_code == 404

    def test_unpublished_post_is_404(self, client, imported):
        """The old URL of an article an editor unpublished is 404 (the publish gate)."""
        Article.objects.filter(slug="nw202205192385065243").update(status=Article.Status.DRAFT)
        response = client.get("/dazhongzhengquanbao/2022/05/19/NW202205192385065243.html")
        assert response.status_code == 404

    def test_withdrawn_post_is_410(self, client, imported):
        """The old URL of a withdrawn article answers 410 Gone itself, no redirect."""
        Article.objects.filter(slug="nw202205192385065243").update(status=Article.Status.WITHDRAWN)
        response = client.get("/dazhongzhengquanbao/2022/05/19/NW202205192385065243.html")
        assert response.status_code == 410
        assert "郑州银行REDIRq1" not in response.content.decode()

    def test_redirect_costs_few_queries(self, client, imported, django_assert_max_num_queries):
        """A post redirect is one indexed lookup, whatever the archive's size."""
        with django_assert_max_num_queries(1):
            client.get("/emnews/2021/12/08/202112082206672930.html")


class TestCategories:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("/category/dazhongzhengquanbao.html", "/category/dazhongzhengquanbao/"),
            ("/category/TechWeb.html", "/category/techweb/"),
            ("/category/Techweb.html", "/category/techweb-2/"),
            (
                "/category/anxinguojizhengquan(xianggang).html",
                "/category/anxinguojizhengquan-xianggang/",
            ),
            (
                "/category/21shijijingjibaodao%20%20nancailicaitong.html",
                "/category/21shijijingjibaodao-nancailicaitong/",
            ),
            ("/dazhongzhengquanbao/", "/category/dazhongzhengquanbao/"),
            ("/emnews/", "/category/emnews/"),
        ],
    )
    def test_old_category_urls(self, client, imported, old, new):
        """/category/<old slug>.html, /<old slug>/ and /emnews/ -> /category/<slug>/."""
        assert_redirects_once(client, old, new)

    def test_case_variants_are_different_publications(self, client, imported):
        """TechWeb and Techweb were two publications; each keeps its own name."""
        assert "中国网科技" in client.get("/category/techweb/").content.decode()
        assert "大江网" in client.get("/category/techweb-2/").content.decode()

    @pytest.mark.parametrize("path", ["/category/nosuchsource.html", "/nosuchsource/"])
    def test_unknown_category_is_404(self, client, imported, path):
        """An old category nobody imported is 404."""
        assert client.get(path).status_code == 404

    def test_unknown_path_without_slash_stays_404(self, client, imported):
        """/<anything> is not redirected to /<anything>/ just because old slugs exist."""
        assert client.get("/nosuchsource").status_code == 404


class TestFeed:
    def test_feed_xml(self, client, imported):
        """/feed.xml is the old URLs' route (jekyll:feed), one 301 to the Atom feed, query dropped."""
        assert resolve("/feed.xml").view_name == "jekyll:feed"
        response = client.get("/feed.xml?utm_source=oldreader")
        assert response.status_code == 301
        assert response["Location"] == "/feed/atom/"
        assert client.get("/feed/atom/").status_code == 200
