"""Lists of articles: the home page, the categories, one category, one tag."""

from collections import Counter

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from articles.live import live_list_context
from articles.metadata import Crumb
from articles.models import Article, Category, TaggedArticle
from articles.tag_links import public_tags
from articles.views.base import CARD_DEFERRED, ArticleListMixin, SeekListMixin, home_crumb

# How many of the newest articles decide which categories are "busiest" on the
# home page: a bounded, index-served window instead of a count over the archive.
BUSY_WINDOW = 500
BUSY_CATEGORIES = 6
PER_CATEGORY = 5


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        """The newest articles; the busiest categories come from the same window.

        Two queries at any archive size: the (id, category) keys of the newest
        BUSY_WINDOW articles (an index range), then the articles the page shows,
        fetched by primary key.
        """
        window = list(Article.objects.published().values_list("id", "category_id")[:BUSY_WINDOW])
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
        context["breadcrumbs"] = [home_crumb()]
        context["live"] = live_list_context(context["articles"])
        return context


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
        # A tag only drafts, scheduled or withdrawn articles carry has no page.
        self.tag = get_object_or_404(public_tags(), slug=self.kwargs["slug"])
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
        return Article.objects.published_q("tagged__")

    def get_count_queryset(self, queryset):
        # The tag links carry the article's status and date (kept in sync on
        # every write), so the total is an index-only count over one tag's
        # links instead of a join with a quarter of a million articles.
        return TaggedArticle.objects.filter(tag=self.tag).published()

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
