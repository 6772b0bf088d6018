"""Tags that cannot be slugged, and tags only unpublished articles carry (issue 13, items 1 and 10)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, TaggedArticle
from articles.tagging import is_routable_slug
from tests.factories import make_article

pytestmark = pytest.mark.django_db


class TestUnsluggableTags:
    """Item 1: a tag whose name has no letters or digits still gets a page and breaks nothing."""

    @pytest.mark.parametrize("name", ["!!!", "📈🚀", "？？？", "---", "_"])
    def test_article_with_such_a_tag_renders_and_links_it(self, client, name):
        """The article page, the sitemap and the tag page all answer, linking the tag."""
        article = make_article(title="无字标签的文章Q7", tags=[name])
        tag = Tag.objects.get(name=name)
        assert is_routable_slug(tag.slug)
        tag_url = reverse("articles:tag", args=[tag.slug])

        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert f'href="{tag_url}"' in page.content.decode()

        sitemap = client.get("/sitemap-tags.xml")
        assert sitemap.status_code == 200
        assert tag_url in sitemap.content.decode()

        tag_page = client.get(tag_url)
        assert tag_page.status_code == 200
        assert "无字标签的文章Q7" in tag_page.content.decode()

    def test_two_unsluggable_tags_get_different_slugs(self):
        """``!!!`` and ``???`` are two tags with two pages."""
        make_article(tags=["!!!", "???"])
        slugs = set(Tag.objects.filter(name__in=["!!!", "???"]).values_list("slug", flat=True))
        assert len(slugs) == 2
        assert all(is_routable_slug(slug) for slug in slugs)

    def test_chinese_slugs_are_kept(self):
        """The fallback is only for names taggit cannot slug: Chinese tags keep their slug."""
        make_article(tags=["央行降准"])
        assert Tag.objects.get(name="央行降准").slug == "央行降准"

    def test_a_tag_written_around_save_is_shown_without_a_link(self, client):
        """A tag stored with an empty slug (bulk insert) shows its name unlinked; pages stay up."""
        (tag,) = Tag.objects.bulk_create([Tag(name="坏标签名Z9", slug="")])
        tag = Tag.objects.get(name="坏标签名Z9")
        article = make_article(title="坏标签文章Z9")
        TaggedArticle.objects.bulk_create([TaggedArticle(content_object=article, tag=tag)])

        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        body = page.content.decode()
        assert "<span>坏标签名Z9</span>" in body
        assert 'href="/tag//"' not in body
        sitemap = client.get("/sitemap-tags.xml")
        assert sitemap.status_code == 200
        assert "/tag//" not in sitemap.content.decode()

    def test_migration_repairs_stored_slugs(self):
        """0007 gives empty or unroutable slugs a routable, unique one and leaves good ones alone."""
        Tag.objects.bulk_create(
            [
                Tag(name="!!!", slug=""),
                Tag(name="ETF 基金", slug="ETF 基金"),
                Tag(name="好标签", slug="好标签"),
            ]
        )
        migration = importlib.import_module("articles.migrations.0007_tag_slug_fallback")
        migration.repair_slugs(apps, None)
        slugs = dict(Tag.objects.values_list("name", "slug"))
        assert slugs["好标签"] == "好标签"
        assert slugs["ETF 基金"] == "etf-基金"
        assert slugs["!!!"].startswith("t-")
        assert all(is_routable_slug(slug) for slug in slugs.values())
        assert len(set(slugs.values())) == 3


class TestUnpublishedOnlyTags:
    """Item 10: a tag only drafts, scheduled or withdrawn articles carry has no page or feed."""

    @pytest.mark.parametrize(
        "state",
        [
            {"status": Article.Status.DRAFT},
            {"published_at": timezone.now() + timedelta(days=1)},
            {"status": Article.Status.WITHDRAWN},
        ],
        ids=["draft", "scheduled", "withdrawn"],
    )
    def test_tag_page_and_feeds_are_404(self, client, state):
        """/tag/<slug>/ and its RSS and Atom feeds are 404 and never show the tag's name."""
        make_article(title="未发布文章K3", tags=["未公开标签K3"], **state)
        for name in ("articles:tag", "articles:tag_feed_rss", "articles:tag_feed_atom"):
            response = client.get(reverse(name, args=["未公开标签k3"]))
            assert response.status_code == 404, name
            assert "未公开标签K3" not in response.content.decode()
            assert "未发布文章K3" not in response.content.decode()

    def test_page_appears_once_a_published_article_carries_the_tag(self, client):
        """The same tag gets its page and feeds when a published article is tagged with it."""
        make_article(title="未发布文章K4", tags=["转公开标签K4"], status=Article.Status.DRAFT)
        url = reverse("articles:tag", args=["转公开标签k4"])
        assert client.get(url).status_code == 404
        make_article(title="已发布文章K4", tags=["转公开标签K4"])
        page = client.get(url).content.decode()
        assert "已发布文章K4" in page
        assert "未发布文章K4" not in page
        for name in ("articles:tag_feed_rss", "articles:tag_feed_atom"):
            assert client.get(reverse(name, args=["转公开标签k4"])).status_code == 200
