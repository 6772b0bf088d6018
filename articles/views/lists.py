"""Lists of articles: the home page, the categories, one category, one tag."""

from collections import Counter

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView

from articles.content_version import Snapshot
from articles.flash import BOX_ITEMS
from articles.live import live_list_context
from articles.metadata import Crumb
from articles.models import Article, Category, TaggedArticle
from articles.pagination import TIMEOUT, PreparedSeekList
from articles.slug_urls import cached_reverse
from articles.story_lists import fold_stories
from articles.tag_links import public_tags
from articles.views.base import (
    CARD_FIELDS,
    ArticleListMixin,
    SeekListMixin,
    card_articles,
    home_crumb,
    unbuilt,
)

# How many of the newest articles decide which categories are "busiest" on the
# home page: a bounded, index-served window instead of a count over the archive.
BUSY_WINDOW = 500
BUSY_CATEGORIES = 6
PER_CATEGORY = 5


def _window_keys(window, latest, flash):
    """(newest ids, flash ids, [ids of each busiest category]) from the newest ``window``."""
    rows = list(Article.objects.published().values_list("id", "category_id", "kind")[:window])
    keys = [(pk, category) for pk, category, _ in rows]
    newest = [pk for pk, _ in keys[:latest]]
    flash_ids = [pk for pk, _, kind in rows if kind == Article.Kind.FLASH][:flash]
    busiest = Counter(category for _, category in keys).most_common(BUSY_CATEGORIES)
    groups = {category: [] for category, _ in busiest}
    for pk, category in keys:
        if category in groups and len(groups[category]) < PER_CATEGORY:
            groups[category].append(pk)
    return newest, flash_ids, list(groups.values())


def busiest_sources(window=BUSY_WINDOW, *, latest=0, flash=0):
    """(busiest categories with their newest articles, the ``latest`` newest articles,
    the ``flash`` newest flash items among the window: the 7×24 box).

    Two queries at any archive size, as on the home page: the (id, category)
    keys of the newest ``window`` articles (an index range), then the
    articles shown, fetched by primary key. The keys are the same for every
    page showing the box (the home page, the sidebar every list page loads):
    they are cached under the content version, and a warm request runs only
    the second query.
    """
    key = f"finews:list:busiest:{window}:{latest}:{flash}"
    newest, flash_ids, groups = Snapshot([key]).get_or_set(
        key, lambda: _window_keys(window, latest, flash), TIMEOUT
    )
    wanted = {*newest, *flash_ids, *(pk for pks in groups for pk in pks)}
    found = {}
    if wanted:
        found = {
            a.pk: a
            for a in Article.objects.published()
            .select_related("category")
            .only(*CARD_FIELDS)
            .filter(pk__in=wanted)
        }
    busy = [
        {"category": articles[0].category, "articles": articles}
        for articles in ([found[pk] for pk in pks if pk in found] for pks in groups)
        if articles
    ]

    def pick(pks):
        return [found[pk] for pk in pks if pk in found]

    if flash:
        return busy, pick(newest), pick(flash_ids)
    return busy, pick(newest)


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
        """The newest articles and the busiest categories, from one window (two queries)."""
        per_page = settings.ARTICLES_PER_PAGE
        self.busy_categories, latest, self.flash_box = busiest_sources(
            latest=per_page + 1, flash=BOX_ITEMS
        )
        self.more_news = len(latest) > per_page
        return latest[:per_page]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["busy_categories"] = self.busy_categories
        context["more_news"] = self.more_news
        context["flash_box"] = self.flash_box
        context["breadcrumbs"] = [home_crumb()]
        context["live"] = live_list_context(context["articles"])
        context["articles"] = fold_stories(context["articles"])
        return context


class CategoryIndexView(ListView):
    template_name = "articles/category_index.html"
    context_object_name = "categories"

    def get_queryset(self):
        return Category.objects.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A count over the whole archive: computed once per content version.
        key = "finews:list:category-counts"
        counts = Snapshot([key]).get_or_set(
            key,
            lambda: dict(
                Article.objects.published()
                .order_by()
                .values("category_id")
                .annotate(n=Count("id"))
                .values_list("category_id", "n")
            ),
            TIMEOUT,
        )
        for category in context["categories"]:
            category.article_count = counts.get(category.pk, 0)
        context["breadcrumbs"] = [home_crumb(), Crumb("全部来源", self.request.path)]
        return context


def _category_articles(now, category):
    # Every card's category is the page's own: no join (paginate_queryset sets it).
    return card_articles(now).select_related(None).filter(category_id=category)


def _tag_articles(now, tag):
    return card_articles(now)


def _tag_where(now, tag):
    # This tag's links, by the publish gate on their copy of the article's
    # status and date. Applied by the paginator in the same filter() call as
    # its seek condition: one join with the tag links serves both (a second
    # call would join them a second time).
    return Q(taggedarticle__tag=tag) & Article.objects.published_q("taggedarticle__", now=now)


_DATE, _ID = Article._meta.get_field("published_at"), Article._meta.get_field("id")
TAG_SEEK_FIELDS = ("taggedarticle__published_at", "taggedarticle__content_object_id")
# The pages of a category and of a tag, compiled once per process (articles/prepared.py).
# A tag's page is also planned once per connection: its one plan, an ordered
# index-only scan of the tag's links, is the best for any tag. A category's
# too: the newest rows of article_category_pub_idx, after the boundary for a
# later page as one row comparison (RowsBefore); with older_than()'s OR,
# PostgreSQL's plan made without the values was a bitmap scan of the whole
# category and a sort (10 ms, against 0.2 ms, for the biggest category of
# the 100,000-article benchmark).
CATEGORY_PAGE = PreparedSeekList(
    _category_articles,
    fields=("published_at", "id"),
    seek_types=(_DATE, _ID),
    plan_once=True,
    row_seek=True,
    category=Article._meta.get_field("category"),
)
TAG_PAGE = PreparedSeekList(
    _tag_articles,
    where=_tag_where,
    fields=TAG_SEEK_FIELDS,
    seek_types=(_DATE, _ID),
    plan_once=True,
    tag=TaggedArticle._meta.get_field("tag"),
)


class CategoryView(SeekListMixin, ListView):
    template_name = "articles/category_detail.html"

    def category_key(self):
        return f"finews:list:category:{self.kwargs['slug'].lower()}"

    def shared_keys(self):
        return [self.category_key(), *super().shared_keys()]

    def get_queryset(self):
        slug = self.kwargs["slug"].lower()
        self.category = self.shared_object(
            self.category_key(), lambda: get_object_or_404(Category, slug=slug)
        )
        return unbuilt(_category_articles, None, self.category.pk)

    def prepared_page(self):
        def page(per_page, boundary):
            return CATEGORY_PAGE.page(
                per_page, boundary, now=timezone.now(), category=self.category.pk
            )

        return page

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        for article in paginated[2]:
            article.category = self.category
        return paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(category=self.category, **kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            Crumb("全部来源", cached_reverse("articles:category_index")),
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
    seek_fields = TAG_SEEK_FIELDS

    def tag_key(self):
        return f"finews:list:tag:{self.kwargs['slug']}"

    def shared_keys(self):
        return [self.tag_key(), *super().shared_keys()]

    def get_queryset(self):
        # A tag only drafts, scheduled or withdrawn articles carry has no page.
        self.tag = self.shared_object(
            self.tag_key(), lambda: get_object_or_404(public_tags(), slug=self.kwargs["slug"])
        )
        return unbuilt(_tag_articles, None, self.tag.pk)

    def get_seek_where(self):
        return _tag_where(None, self.tag.pk)

    def prepared_page(self):
        def page(per_page, boundary):
            return TAG_PAGE.page(per_page, boundary, now=timezone.now(), tag=self.tag.pk)

        return page

    def get_count_queryset(self, queryset):
        # The tag links carry the article's status and date (kept in sync on
        # every write), so the total is an index-only count over one tag's
        # links instead of a join with a quarter of a million articles.
        return unbuilt(lambda: TaggedArticle.objects.filter(tag=self.tag).published())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        context["breadcrumbs"] = [
            home_crumb(),
            Crumb(f"标签：{self.tag.name}", cached_reverse("articles:tag", self.tag.slug)),
        ]
        context["live"] = live_list_context(
            context["articles"], page_obj=context["page_obj"], tag=self.tag.slug
        )
        context["articles"] = fold_stories(context["articles"])
        return context
