"""One article: its page, its neighbours in its category, related articles."""

from typing import NamedTuple

from django.db.models import Count, Q, Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView

from articles import related
from articles.flash import day_neighbours
from articles.metadata import Crumb, absolute_url, article_json_ld, first_image_url
from articles.models import Article
from articles.pagination import older_than
from articles.prepared import PreparedQuery
from articles.related import RELATED_COUNT, RELATED_STORED
from articles.slug_urls import slug_url
from articles.story_lists import story_siblings
from articles.views.base import home_crumb, published_articles


class ArticleLink:
    """Another article as this page links to it (a neighbour, a related article).

    Only what the links show, read as plain rows: building a model instance
    and its category for each of a dozen rows was a tenth of the page's CPU.
    """

    __slots__ = ("category", "category_id", "pk", "published_at", "slug", "title")

    # The columns, in this order, that __init__ takes.
    FIELDS = (
        "pk",
        "title",
        "slug",
        "published_at",
        "category_id",
        "category__name",
        "category__slug",
    )

    def __init__(self, pk, title, slug, published_at, category_id, category_name, category_slug):
        self.pk, self.title, self.slug, self.published_at = pk, title, slug, published_at
        self.category_id = category_id
        self.category = LinkedCategory(category_name, category_slug)

    def __repr__(self):
        return f"<ArticleLink {self.pk}: {self.title}>"

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)


class LinkedCategory(NamedTuple):
    name: str
    slug: str


def _article_by_slug(slug, now):
    # The search text (as long as the body) is for search only.
    return published_articles(now=now).defer("search_text").filter(slug=slug)[:1]


def _tags_of(article):
    """The query ``prefetch_related("tags")`` runs for one article (taggit's own)."""
    # The class's manager, as prefetch_related uses it: the same SQL, so the same order.
    return Article.tags.get_prefetch_querysets([Article(pk=article)])[0]


def _neighbours_and_related(category, moment, pk, now, **related_ids):
    """The older and newer published article of the category, and the stored related ones.

    The neighbours are scalar subqueries, each one step of
    ``article_category_pub_idx``; the related articles are looked up by primary
    key. All through the publish gate, which drops any withdrawn since.
    """
    place = (moment, pk)
    same_category = Article.objects.published(now=now).filter(category_id=category)
    older = same_category.filter(older_than(("published_at", "id"), place)).order_by(
        "-published_at", "-id"
    )
    newer = same_category.filter(
        Q(published_at__gt=moment) | Q(id__gt=pk), published_at__gte=moment
    ).order_by("published_at", "id")
    wanted = (
        Q(pk=Subquery(older.values("pk")[:1]))
        | Q(pk=Subquery(newer.values("pk")[:1]))
        | Q(pk__in=list(related_ids.values()))
    )
    return (
        Article.objects.published(now=now)
        .filter(wanted)
        .values_list(*ArticleLink.FIELDS)
        .order_by()
    )


def _field(name):
    return Article._meta.get_field(name)


# Built and compiled once per process (articles/prepared.py); each request runs the SQL.
ARTICLE_BY_SLUG = PreparedQuery(
    _article_by_slug, plan_once=True, slug=_field("slug"), now=_field("published_at")
)
TAGS_OF = PreparedQuery(_tags_of, plan_once=True, article=_field("id"))
NEIGHBOURS_AND_RELATED = PreparedQuery(
    _neighbours_and_related,
    plan_once=True,
    category=_field("category"),
    moment=_field("published_at"),
    pk=_field("id"),
    now=_field("published_at"),
    **{f"related_{index}": _field("id") for index in range(RELATED_STORED)},
)
# Fills the related ids' slots an article does not use (no article has it).
NO_ARTICLE = 0


class ArticleDetailView(DetailView):
    context_object_name = "article"
    model = Article

    def get_object(self, queryset=None):
        self.now = timezone.now()
        found = ARTICLE_BY_SLUG.run(slug=self.kwargs["slug"], now=self.now)
        if not found:
            raise Http404("没有这篇文章。")
        article = found[0]
        # What prefetch_related("tags") would leave: article.tags.all() reads it.
        article._prefetched_objects_cache = {"tags": TAGS_OF.run(article=article.pk)}
        return article

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
        older, newer, related_articles = self.neighbours_and_related(article)
        context.update(
            canonical=canonical,
            modified_at=max(article.updated_at, article.published_at),
            og_image=image,
            article_json_ld=article_json_ld(article, canonical=canonical, image=image),
            older_article=older,
            newer_article=newer,
            related_articles=related_articles,
            flash_neighbours=self.flash_neighbours(article),
            story_siblings=story_siblings(article, now=self.now),
            breadcrumbs=[
                home_crumb(),
                Crumb(article.category.name, article.category.get_absolute_url()),
                Crumb(article.title, article.get_absolute_url()),
            ],
        )
        return context

    def neighbours_and_related(self, article):
        """(older in category, newer in category, related articles): one index-served query.

        The related articles were computed when the articles were written
        (articles/related.py); an article whose list is not stored yet gets it
        computed now, as before the list was stored.
        """
        place = (article.published_at, article.pk)
        stored = article.related_ids
        ids = (stored or [])[:RELATED_STORED]
        ids += [NO_ARTICLE] * (RELATED_STORED - len(ids))
        rows = [
            ArticleLink(*row)
            for row in NEIGHBOURS_AND_RELATED.run(
                category=article.category_id,
                moment=article.published_at,
                pk=article.pk,
                now=self.now,
                **{f"related_{index}": pk for index, pk in enumerate(ids)},
            )
        ]
        # Of the rows in the category, the nearest older one is the older
        # neighbour (a related article of the category is never nearer), and
        # only the newer neighbour is newer (related articles are all older).
        older_rows = [r for r in rows if r.category_id == article.category_id and _key(r) < place]
        newer_rows = [r for r in rows if r.category_id == article.category_id and _key(r) > place]
        older_article = max(older_rows, key=_key, default=None)
        newer_article = min(newer_rows, key=_key, default=None)
        if stored is None:
            related_articles = self.live_related(article)
        else:
            by_id = {row.pk: row for row in rows}
            related_articles = [by_id[pk] for pk in stored if pk in by_id][:RELATED_COUNT]
        return older_article, newer_article, related_articles

    def flash_neighbours(self, article):
        """A flash item's page lists its day's other flash items (two bounded queries)."""
        if article.kind != Article.Kind.FLASH or article.published_at is None:
            return []
        return day_neighbours(article, now=self.now)

    @staticmethod
    def live_related(article):
        """Earlier articles sharing most tags with this one, computed now: one query.

        For an article whose list is not stored (articles/related.py computes
        the same list when articles are written). Candidates are the
        RELATED_CANDIDATES published articles just before this one (an
        index-served LIMIT subquery that the database joins as a small set);
        only their tag links are read and counted.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched: no query
        if not tag_ids or article.published_at is None:
            return []
        candidates = (
            Article.objects.published()
            .filter(older_than(("published_at", "id"), (article.published_at, article.pk)))
            .order_by("-published_at", "-id")
            .values("pk")[: related.RELATED_CANDIDATES]
        )
        rows = (
            Article.objects.published()
            .filter(pk__in=candidates, taggedarticle__tag_id__in=tag_ids)
            .annotate(shared_tags=Count("pk"))
            .order_by("-shared_tags", "-published_at", "-id")
            .values_list(*ArticleLink.FIELDS)[:RELATED_COUNT]
        )
        return [ArticleLink(*row) for row in rows]


def _key(row):
    return (row.published_at, row.pk)
