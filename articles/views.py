from collections import Counter

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Count, FilteredRelation, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles import search, sitemaps
from articles.archive import ArchivePeriod, archive_navigation
from articles.live import live_list_context
from articles.metadata import Crumb, absolute_url, article_json_ld, first_image_url
from articles.models import Article, Category, TaggedArticle
from articles.pagination import SeekPaginationMixin

# How many of the newest articles decide which categories are "busiest" on the
# home page: a bounded, index-served window instead of a count over the archive.
BUSY_WINDOW = 500
BUSY_CATEGORIES = 6
PER_CATEGORY = 5
# Related articles: how many, and among how many of the articles published
# just before this one they are sought, so the query reads a bounded number of
# rows however big the archive and however popular a tag.
RELATED_COUNT = 5
RELATED_CANDIDATES = 500
# Columns a card never shows: left unread by list pages.
CARD_DEFERRED = ("body", "search_text")


def home_crumb():
    return Crumb("首页", reverse("articles:home"))


def published_articles():
    """Published articles with what every card shows, in a fixed number of queries."""
    return Article.objects.published().select_related("category")


class ArticleListMixin:
    """Shared by every public list of articles: the publish gate and the page size."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        return published_articles()


class SeekListMixin(SeekPaginationMixin, ArticleListMixin):
    """Article lists in date order: seek pagination, and cards without the body."""

    def get_queryset(self):
        # Cards show the summary; bodies and search texts stay in the table (TOAST) unread.
        return super().get_queryset().defer(*CARD_DEFERRED)


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get(self, request, *args, **kwargs):
        # Older news is on /latest/ (the home page is its first page).
        page = request.GET.get("page")
        if page and page != "1":
            return redirect(f"{reverse('articles:latest')}?{request.GET.urlencode()}")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """The newest articles; the busiest categories come from the same window.

        Two queries at any archive size: the (id, category) keys of the newest
        BUSY_WINDOW articles (an index range), then the articles the page shows,
        fetched by primary key.
        """
        window = list(Article.objects.published().values_list("id", "category_id")[:BUSY_WINDOW])
        self.more_news = len(window) > settings.ARTICLES_PER_PAGE
        latest = [pk for pk, _ in window[: settings.ARTICLES_PER_PAGE]]
        busiest = Counter(category for _, category in window).most_common(BUSY_CATEGORIES)
        groups = {category: [] for category, _ in busiest}
        for pk, category in window:
            if category in groups and len(groups[category]) < PER_CATEGORY:
                groups[category].append(pk)
        wanted = {*latest, *(pk for pks in groups.values() for pk in pks)}
        found = {
            a.pk: a for a in super().get_queryset().defer(*CARD_DEFERRED).filter(pk__in=wanted)
        }
        self.busy_categories = [
            {"category": articles[0].category, "articles": articles}
            for articles in ([found[pk] for pk in pks if pk in found] for pks in groups.values())
            if articles
        ]
        return [found[pk] for pk in latest if pk in found]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["busy_categories"] = self.busy_categories
        context["more_news"] = self.more_news
        context["breadcrumbs"] = [home_crumb()]
        context["live"] = live_list_context(context["articles"])
        return context


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
        moment = article.published_at
        return (
            self._same_category(article)
            # The bound on published_at alone lets the index range start at this article.
            .filter(Q(published_at__lt=moment) | Q(id__lt=article.pk), published_at__lte=moment)
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
            .filter(published_at__lte=article.published_at)
            .exclude(pk=article.pk)
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


class CategoryIndexView(ListView):
    template_name = "articles/category_index.html"
    context_object_name = "categories"

    def get_queryset(self):
        return Category.objects.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            Article.objects.published()
            .order_by()
            .values("category_id")
            .annotate(n=Count("id"))
            .values_list("category_id", "n")
        )
        for category in context["categories"]:
            category.article_count = counts.get(category.pk, 0)
        context["breadcrumbs"] = [home_crumb(), Crumb("全部来源", self.request.path)]
        return context


class CategoryView(SeekListMixin, ListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"].lower())
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(category=self.category, **kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            Crumb("全部来源", reverse("articles:category_index")),
            Crumb(self.category.name, self.category.get_absolute_url()),
        ]
        context["live"] = live_list_context(
            context["articles"], page_obj=context["page_obj"], category=self.category.slug
        )
        return context


class TagView(SeekListMixin, ListView):
    template_name = "articles/tag_detail.html"

    # Ordered and sought on the tag link's copy of the date: the
    # (tag, published_at, article) index then serves the page directly.
    seek_fields = ("tagged__published_at", "tagged__content_object_id")

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return (
            super()
            .get_queryset()
            .annotate(
                tagged=FilteredRelation("taggedarticle", condition=Q(taggedarticle__tag=self.tag))
            )
        )

    def get_seek_where(self):
        # Applied by the paginator in the same filter() call as its seek
        # condition: a second call would join the tag links a second time.
        return Q(tagged__status=Article.Status.PUBLISHED, tagged__published_at__lte=timezone.now())

    def get_count_queryset(self, queryset):
        # The tag links carry the article's status and date (kept in sync on
        # every write), so the total is an index-only count over one tag's
        # links instead of a join with a quarter of a million articles.
        return TaggedArticle.objects.filter(
            tag=self.tag, status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            Crumb(f"标签：{self.tag.name}", reverse("articles:tag", args=[self.tag.slug])),
        ]
        context["live"] = live_list_context(
            context["articles"], page_obj=context["page_obj"], tag=self.tag.slug
        )
        return context


class ArchiveView(SeekListMixin, ListView):
    """Articles published in one Beijing-time year, month or day, newest first."""

    template_name = "articles/archive.html"

    def get_queryset(self):
        # An impossible date (month 13, 30 February) or a future period is 404.
        self.period = ArchivePeriod.from_url(**self.kwargs)
        return (
            super()
            .get_queryset()
            .filter(published_at__gte=self.period.start, published_at__lt=self.period.end)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            period=self.period, nav=archive_navigation(self.period), **kwargs
        )
        context["breadcrumbs"] = [home_crumb(), *self.period.crumbs()]
        if self.period.end > timezone.now():
            # Only a period that is still running can get newer articles.
            context["live"] = live_list_context(
                context["articles"], page_obj=context["page_obj"], start=self.period.start
            )
        return context


class SearchView(ArticleListMixin, ListView):
    """/search/?q=: published articles containing every word of the query, best first.

    Only the newest settings.SEARCH_WINDOW matches are ranked and paged
    (articles.search.search); a full window is shown as "more than N".

    Odd input never fails: the query is cleaned and bounded, and a page number
    out of range or not a number shows the nearest page instead of an error.
    """

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.query = search.clean_query(request.GET.get("q", ""))
        self.words = search.query_words(self.query)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search.search(super().get_queryset(), self.words)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["articles"]:
            article.title_html = search.highlight(article.title, self.words)
            article.snippet_html = search.snippet(article, self.words)
        context.update(search_query=self.query, search_words=self.words, results=self.object_list)
        context["breadcrumbs"] = [home_crumb(), Crumb("搜索", reverse("articles:search"))]
        return context


def news_sitemap(request):
    """The Google News sitemap: its own template, with the publication name and language."""
    sitemap = sitemaps.NewsSitemap()
    urls = sitemap.get_urls(site=get_current_site(request), protocol=request.scheme)
    response = TemplateResponse(
        request,
        "sitemaps/news.xml",
        {"urlset": urls, "publication_name": sitemap.publication_name()},
        content_type="application/xml",
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def robots_txt(request):
    """Crawlers: everything but the admin and search results; the sitemap index, absolute."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        f"Disallow: {reverse('articles:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
