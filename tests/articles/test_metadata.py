"""Page metadata: canonical links, descriptions, OpenGraph/Twitter tags, JSON-LD."""

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import BEIJING, make_article, make_category

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects <meta>, <link rel> and JSON-LD script texts of a page."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.meta_all = []
        self.links = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, attrs.get("content"))
                self.meta_all.append((key, attrs.get("content")))
        elif tag == "link" and attrs.get("rel"):
            self.links[attrs["rel"]] = attrs.get("href")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def parse(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def json_ld_of_type(head, kind):
    found = [json.loads(text) for text in head.json_ld]
    return next(data for data in found if data["@type"] == kind)


@pytest.fixture
def article():
    category = make_category(name="大众证券报", slug="dzzqb")
    return make_article(
        title="郑州银行：零售金融服务有温度",
        slug="zzbank-retail",
        summary="特殊时期不停摆，郑银零售暖心送出服务。",
        body='<p>正文</p><p><img src="https://img.example.com/zz.jpg" alt="网点"></p>',
        category=category,
        source_name="大众证券报社",
        published_at=datetime(2020, 3, 7, 9, 30, tzinfo=BEIJING),
        tags=["银行", "零售"],
    )


class TestCanonical:
    def test_article_canonical_is_absolute_from_the_request(self, client, article):
        """Without SITE_URL the canonical link uses the request's origin."""
        head = parse(client.get(article.get_absolute_url()))
        assert head.links["canonical"] == "http://testserver/news/zzbank-retail/"

    def test_site_url_gives_the_origin(self, client, article, settings):
        """With SITE_URL set, canonical and og:url use it, whatever host was asked."""
        settings.SITE_URL = "https://news.example.cn"
        head = parse(client.get(article.get_absolute_url()))
        assert head.links["canonical"] == "https://news.example.cn/news/zzbank-retail/"
        assert head.meta["og:url"] == "https://news.example.cn/news/zzbank-retail/"

    def test_canonical_drops_query_string_but_keeps_page_number(self, client):
        """Page 2 of a category is its own canonical page; tracking parameters are dropped."""
        category = make_category(slug="paged")
        for _ in range(21):
            make_article(category=category)
        url = reverse("articles:category", args=["paged"])
        assert parse(client.get(url + "?utm_source=x")).links["canonical"] == (
            "http://testserver/category/paged/"
        )
        assert parse(client.get(url + "?page=2&utm_source=x")).links["canonical"] == (
            "http://testserver/category/paged/?page=2"
        )


def test_not_found_page_has_no_canonical_or_json_ld(client):
    """A 404 page names no canonical URL and carries no structured data."""
    response = client.get("/news/no-such-article-x7/")
    head = parse(response)
    assert response.status_code == 404
    assert "canonical" not in head.links
    assert head.json_ld == []
    assert "og:url" not in head.meta


class TestDescriptionAndSocialTags:
    def test_article_description_and_open_graph(self, client, article):
        """The summary is the description; OpenGraph and Twitter tags describe the article."""
        head = parse(client.get(article.get_absolute_url()))
        assert head.meta["description"] == "特殊时期不停摆，郑银零售暖心送出服务。"
        assert head.meta["og:type"] == "article"
        assert head.meta["og:title"] == "郑州银行：零售金融服务有温度"
        assert head.meta["og:description"] == "特殊时期不停摆，郑银零售暖心送出服务。"
        assert head.meta["og:image"] == "https://img.example.com/zz.jpg"
        assert head.meta["twitter:card"] == "summary_large_image"
        assert head.meta["twitter:title"] == "郑州银行：零售金融服务有温度"
        assert head.meta["article:published_time"] == "2020-03-07T09:30:00+08:00"
        assert head.meta["article:modified_time"].endswith("+08:00")
        assert ("article:tag", "银行") in head.meta_all

    def test_article_without_image_gets_a_small_card(self, client):
        """No <img> in the body: no og:image, and a plain summary card."""
        article = make_article(body="<p>只有文字</p>")
        head = parse(client.get(article.get_absolute_url()))
        assert "og:image" not in head.meta
        assert head.meta["twitter:card"] == "summary"

    def test_list_pages_have_social_tags(self, client):
        """A category page has its own OpenGraph title and a canonical link."""
        make_category(name="中证网", slug="zzw", description="中国证券网的市场报道。")
        head = parse(client.get(reverse("articles:category", args=["zzw"])))
        assert head.meta["og:title"] == "中证网"
        assert head.meta["og:description"] == "中国证券网的市场报道。"
        assert head.meta["og:type"] == "website"
        assert head.links["canonical"] == "http://testserver/category/zzw/"

    def test_quotes_in_the_summary_stay_inside_the_attribute(self, client):
        """A summary with quotes and angle brackets is escaped in meta tags."""
        article = make_article(summary='他说："<b>涨停</b>"', title='标题"><script>x')
        body = client.get(article.get_absolute_url()).content.decode()
        assert '"><script>x' not in body
        head = parse(client.get(article.get_absolute_url()))
        assert head.meta["og:description"] == '他说："<b>涨停</b>"'
        assert head.meta["og:title"] == '标题"><script>x'


class TestNewsArticleJsonLd:
    def test_news_article_fields(self, client, article):
        """JSON-LD NewsArticle: headline, +08:00 dates, source as author/publisher, image."""
        head = parse(client.get(article.get_absolute_url()))
        data = json_ld_of_type(head, "NewsArticle")
        assert data["@context"] == "https://schema.org"
        assert data["headline"] == "郑州银行：零售金融服务有温度"
        assert data["datePublished"] == "2020-03-07T09:30:00+08:00"
        assert data["dateModified"].endswith("+08:00")
        assert data["author"] == {"@type": "Organization", "name": "大众证券报社"}
        assert data["publisher"] == {"@type": "Organization", "name": "大众证券报社"}
        assert data["image"] == ["https://img.example.com/zz.jpg"]
        assert data["mainEntityOfPage"] == {
            "@type": "WebPage",
            "@id": "http://testserver/news/zzbank-retail/",
        }

    def test_category_is_the_publisher_without_source_name(self, client):
        """Without a source name the category (the source publication) is the author."""
        article = make_article(source_name="", category=make_category(name="中证网"))
        data = json_ld_of_type(parse(client.get(article.get_absolute_url())), "NewsArticle")
        assert data["author"]["name"] == "中证网"
        assert "image" not in data

    @pytest.mark.parametrize(
        "title",
        [
            "</script><script>alert('破')</script>",
            "<!--<script>注释里的脚本",
            'A&B "引号" \\ 反斜杠 \u2028 分隔符',
        ],
    )
    def test_any_title_stays_valid_json_and_cannot_break_out(self, client, title):
        """A title with </script>, <!-- or & stays inside one valid JSON-LD element."""
        article = make_article(title=title)
        html = client.get(article.get_absolute_url()).content.decode()
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL
        )
        news = [json.loads(block) for block in blocks]
        assert any(item["@type"] == "NewsArticle" and item["headline"] == title for item in news)
        for block in blocks:
            assert not {"<", ">", "&", "\u2028", "\u2029"} & set(block), block
        # Every <script> on the page is a JSON-LD block or one of the site's own files.
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
            assert 'type="application/ld+json"' in tag or 'src="/static/' in tag, tag


class TestBreadcrumbJsonLd:
    def test_article_breadcrumb_list(self, client, article):
        """The article page has a BreadcrumbList: 首页 › category › article, absolute URLs."""
        data = json_ld_of_type(parse(client.get(article.get_absolute_url())), "BreadcrumbList")
        items = data["itemListElement"]
        assert [item["name"] for item in items] == [
            "首页",
            "大众证券报",
            "郑州银行：零售金融服务有温度",
        ]
        assert [item["position"] for item in items] == [1, 2, 3]
        assert items[1]["item"] == "http://testserver/category/dzzqb/"


# Paths a page asks absolute URLs for, and ones that must not take the shortcut:
# quoted and unquoted Chinese, dot segments, a query, a fragment, "//" (another host).
ABSOLUTE_PATHS = [
    "/",
    "/news/demo-2022-39827/",
    "/tag/%E9%93%B6%E8%A1%8C/",
    "/tag/银行/",
    "/category/dzzqb/?page=2",
    "/search/?q=a b",
    "/news/a/#comments",
    "/a/./b/",
    "/a/../b/",
    "/a/..",
    "/a/.",
    "/a/.hidden/x.png",
    "//evil.example/x",
    "/x:y/",
    "/media/a(1)+b,c!.jpg",
    '/q"<x>',
]


class TestAbsoluteURL:
    """``absolute_url`` gives what ``urljoin``/``build_absolute_uri`` give, cheaper or not."""

    @pytest.mark.parametrize("path", ABSOLUTE_PATHS)
    def test_same_as_build_absolute_uri(self, rf, path, settings):
        from articles.metadata import absolute_url

        settings.SITE_URL = ""
        settings.ALLOWED_HOSTS = ["news.example.com"]
        request = rf.get("/", HTTP_HOST="news.example.com")
        expected = rf.get("/", HTTP_HOST="news.example.com").build_absolute_uri(path)
        assert absolute_url(request, path) == expected
        # Again, once the request has its origin worked out.
        assert absolute_url(request, "/") == "http://news.example.com/"
        assert absolute_url(request, path) == expected

    @pytest.mark.parametrize("path", ABSOLUTE_PATHS)
    def test_same_as_urljoin_of_site_url(self, rf, path, settings):
        from urllib.parse import urljoin

        from articles.metadata import absolute_url

        settings.SITE_URL = "https://finews.example.cn/portal"
        request = rf.get("/")
        expected = urljoin("https://finews.example.cn/portal/", path)
        assert absolute_url(request, "/") == "https://finews.example.cn/"
        assert absolute_url(request, path) == expected
