"""Sitemaps for search engines: an index, articles (50,000 URLs a file), categories,
tags, and a Google News sitemap of the last 48 hours. All start from the publish gate."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = 50_000

    def items(self):
        # Oldest first, so a file's URLs stay put as new articles arrive at the end.
        return Article.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every item.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    def items(self):
        return (
            Category.objects.annotate(
                latest=Max(
                    "articles__published_at", filter=Article.objects.published_q("articles__")
                )
            )
            .filter(latest__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, category):
        return category.latest

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class TagSitemap(Sitemap):
    limit = 50_000

    def items(self):
        # Only tags that lead to something: a tag used only by drafts stays unknown.
        return (
            Tag.objects.annotate(
                latest=Max(
                    "articles_taggedarticle_items__content_object__published_at",
                    filter=Article.objects.published_q(
                        "articles_taggedarticle_items__content_object__"
                    ),
                )
            )
            .filter(latest__isnull=False)
            # A tag no URL can name (an empty slug, written around Tag.save) is left out.
            .exclude(slug="")
            .order_by("pk")
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.latest

    def get_latest_lastmod(self):
        # One aggregate, not a pass over every tag.
        tagged = Article.objects.published().filter(taggedarticle__isnull=False)
        return tagged.aggregate(latest=Max("published_at"))["latest"]


class NewsSitemap(Sitemap):
    """Google News: published in the last 48 hours, newest first, at most 1,000."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "published_at", "updated_at")
            .order_by("-published_at", "-id")[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .aggregate(latest=Max("updated_at"))["latest"]
        )

    @staticmethod
    def publication_name():
        return settings.NEWS_PUBLICATION_NAME


SECTIONS = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
# The index also lists the news sitemap, which has its own view and template.
INDEX = {**SECTIONS, "news": NewsSitemap}
