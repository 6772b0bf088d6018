"""One article: its page, its neighbours in its category, related articles."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.views.generic import DetailView

from articles.flash import day_neighbours
from articles.metadata import Crumb, absolute_url, article_json_ld, first_image_url
from articles.models import Article
from articles.pagination import older_than
from articles.story_lists import story_siblings
from articles.views.base import home_crumb, published_articles

# Related articles: how many, and among how many of the articles published
# just before this one they are sought, so the query reads a bounded number of
# rows however big the archive and however popular a tag.
RELATED_COUNT = 5
RELATED_CANDIDATES = 500


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        # The search text (as long as the body) is for search only.
        return published_articles().defer("search_text").prefetch_related("tags")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A withdrawn article is gone on purpose: 410 tells readers and search
            # engines so (and to drop it), without showing any of it.
            if Article.objects.withdrawn().filter(slug=kwargs["slug"]).exists():
                return render(request, "410.html", status=410)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        canonical = absolute_url(self.request, article.get_absolute_url())
        image = first_image_url(self.request, article.body)
        context.update(
            canonical=canonical,
            modified_at=max(article.updated_at, article.published_at),
            og_image=image,
            article_json_ld=article_json_ld(article, canonical=canonical, image=image),
            older_article=self.older_in_category(article),
            newer_article=self.newer_in_category(article),
            related_articles=self.related(article),
            flash_neighbours=self.flash_neighbours(article),
            story_siblings=story_siblings(article),
            breadcrumbs=[
                home_crumb(),
                Crumb(article.category.name, article.category.get_absolute_url()),
                Crumb(article.title, article.get_absolute_url()),
            ],
        )
        return context

    @staticmethod
    def _same_category(article):
        return (
            Article.objects.published()
            .filter(category_id=article.category_id)
            .only("slug", "title", "published_at")
        )

    def older_in_category(self, article):
        """The article published just before this one in its category (index-served)."""
        return (
            self._same_category(article)
            # Its bound on published_at alone lets the index range start at this article.
            .filter(older_than(("published_at", "id"), (article.published_at, article.pk)))
            .order_by("-published_at", "-id")
            .first()
        )

    def newer_in_category(self, article):
        """The article published just after this one in its category (index-served)."""
        moment = article.published_at
        return (
            self._same_category(article)
            .filter(Q(published_at__gt=moment) | Q(id__gt=article.pk), published_at__gte=moment)
            .order_by("published_at", "id")
            .first()
        )

    def flash_neighbours(self, article):
        """A flash item's page lists its day's other flash items (two bounded queries)."""
        if article.kind != Article.Kind.FLASH or article.published_at is None:
            return []
        return day_neighbours(article)

    def related(self, article):
        """Earlier articles sharing most tags with this one: one query, any tag count.

        Candidates are the RELATED_CANDIDATES published articles just before this
        one (an index-served LIMIT subquery that the database joins as a small
        set); only their tag links are read and counted.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched: no query
        if not tag_ids:
            return []
        candidates = (
            Article.objects.published()
            .filter(older_than(("published_at", "id"), (article.published_at, article.pk)))
            .order_by("-published_at", "-id")
            .values("pk")[:RELATED_CANDIDATES]
        )
        return list(
            published_articles()
            .filter(pk__in=candidates, taggedarticle__tag_id__in=tag_ids)
            .only("title", "slug", "published_at", "category__name", "category__slug")
            .annotate(shared_tags=Count("pk"))
            .order_by("-shared_tags", "-published_at", "-id")[:RELATED_COUNT]
        )
