"""One article: its page, its neighbours in its category, related articles."""

from datetime import UTC, datetime
from typing import NamedTuple

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView

from articles import related
from articles.expressions import InJSONArray, JSONRows, JSONTuple
from articles.flash import day_neighbours
from articles.metadata import Crumb, absolute_url, article_json_ld, first_image_url
from articles.models import Article, TaggedArticle
from articles.pagination import older_than
from articles.prepared import PreparedQuery
from articles.related import RELATED_COUNT
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


def _article_page(slug, now):
    """The article by its slug, with its tags and the articles its page links to.

    One statement: the article row gains ``tag_rows`` (id, name, slug of each
    tag) and ``link_rows`` (``ArticleLink.FIELDS`` of its older and newer
    published neighbour in its category, each one step of
    ``article_category_pub_idx``, and of the first RELATED_COUNT of its
    stored related articles, looked up by primary key). Every article read
    passes the publish gate, which drops the related ones withdrawn since
    their list was stored (the view then reads the next ones).
    """
    gate = Article.objects.published(now=now)
    # The article's own columns, seen from the neighbours' subqueries (two levels in).
    moment, pk = OuterRef(OuterRef("published_at")), OuterRef(OuterRef("pk"))
    same_category = gate.filter(category_id=OuterRef(OuterRef("category_id")))
    older = same_category.filter(older_than(("published_at", "id"), (moment, pk))).order_by(
        "-published_at", "-id"
    )
    newer = same_category.filter(
        Q(published_at__gt=moment) | Q(id__gt=pk), published_at__gte=moment
    ).order_by("published_at", "id")
    links = (
        gate.filter(
            Q(pk=Subquery(older.values("pk")[:1]))
            | Q(pk=Subquery(newer.values("pk")[:1]))
            | Q(InJSONArray("pk", OuterRef("related_ids"), first=RELATED_COUNT))
        )
        .order_by()
        .values(row=JSONTuple(*ArticleLink.FIELDS))
    )
    tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values(row=JSONTuple("tag_id", "tag__name", "tag__slug"))
    )
    return (
        published_articles(now=now)
        # The search text (as long as the body) is for search only.
        .defer("search_text")
        .filter(slug=slug)
        .annotate(tag_rows=JSONRows(tags), link_rows=JSONRows(links))[:1]
    )


def _field(name):
    return Article._meta.get_field(name)


# Built and compiled once per process (articles/prepared.py); each request runs the SQL.
ARTICLE_PAGE = PreparedQuery(
    _article_page, plan_once=True, slug=_field("slug"), now=_field("published_at")
)


def _moment(text):
    """A date as JSON carries it (ISO 8601; SQLite's have no offset: UTC), as the ORM reads it."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class TagLink(NamedTuple):
    """One of the article's tags as its page shows it: its name, linked by its slug."""

    pk: int
    name: str
    slug: str


def _tags(rows):
    """The tags in ``tag_rows``, by id (the tags prefetch_related("tags") would hold)."""
    unique = {row[0]: row for row in rows or ()}
    return [TagLink(*unique[pk]) for pk in sorted(unique)]


class ArticleDetailView(DetailView):
    context_object_name = "article"
    model = Article
    # Named, so that DetailView does not derive it from the model on every request.
    template_name = "articles/article_detail.html"

    def get_object(self, queryset=None):
        self.now = timezone.now()
        found = ARTICLE_PAGE.run(slug=self.kwargs["slug"], now=self.now)
        if not found:
            raise Http404("没有这篇文章。")
        article = found[0]
        # Read with the article: plain rows, not Tag instances (nothing on the page saves them).
        self.tags = _tags(article.tag_rows)
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
            article_tags=self.tags,
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
        """(older in category, newer in category, related articles), read with the article.

        The related articles were computed when the articles were written
        (articles/related.py); an article whose list is not stored yet gets it
        computed now, as before the list was stored.
        """
        place = (article.published_at, article.pk)
        stored = article.related_ids
        rows = [
            ArticleLink(pk, title, slug, _moment(moment), *rest)
            for pk, title, slug, moment, *rest in article.link_rows or ()
        ]
        # Of the rows in the category, the nearest older one is the older
        # neighbour (a related article of the category is never nearer), and
        # only the newer neighbour is newer (related articles are all older).
        older_rows = [r for r in rows if r.category_id == article.category_id and _key(r) < place]
        newer_rows = [r for r in rows if r.category_id == article.category_id and _key(r) > place]
        older_article = max(older_rows, key=_key, default=None)
        newer_article = min(newer_rows, key=_key, default=None)
        if stored is None:
            related_articles = self.live_related(article, [tag.pk for tag in self.tags])
        else:
            by_id = {row.pk: row for row in rows}
            first = stored[:RELATED_COUNT]
            if len(stored) > RELATED_COUNT and not all(pk in by_id for pk in first):
                # One of the first RELATED_COUNT is no longer published: the
                # next stored ones stand in (the statement read only the first).
                later = [pk for pk in stored[RELATED_COUNT:] if pk not in by_id]
                by_id.update((link.pk, link) for link in self.links(later))
            related_articles = [by_id[pk] for pk in stored if pk in by_id][:RELATED_COUNT]
        return older_article, newer_article, related_articles

    def links(self, pks):
        """The published articles among ``pks``, as links (one query)."""
        rows = (
            Article.objects.published(now=self.now)
            .filter(pk__in=pks)
            .values_list(*ArticleLink.FIELDS)
        )
        return [ArticleLink(*row) for row in rows]

    def flash_neighbours(self, article):
        """A flash item's page lists its day's other flash items (two bounded queries)."""
        if article.kind != Article.Kind.FLASH or article.published_at is None:
            return []
        return day_neighbours(article, now=self.now)

    @staticmethod
    def live_related(article, tag_ids=None):
        """Earlier articles sharing most tags with this one, computed now: one query.

        For an article whose list is not stored (articles/related.py computes
        the same list when articles are written). Candidates are the
        RELATED_CANDIDATES published articles just before this one (an
        index-served LIMIT subquery that the database joins as a small set);
        only their tag links are read and counted. ``tag_ids``: the article's
        tags, when read already (else its prefetched tags).
        """
        if tag_ids is None:
            tag_ids = [tag.pk for tag in article.tags.all()]
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
