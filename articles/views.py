from collections import Counter

from django.conf import settings
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Category

# How many of the newest articles decide which categories are "busiest" on the
# home page: a bounded, index-served window instead of a count over the archive.
BUSY_WINDOW = 500
BUSY_CATEGORIES = 6
PER_CATEGORY = 5


def published_articles():
    """Published articles with what every card shows, in a fixed number of queries."""
    return Article.objects.published().select_related("category")


class ArticleListMixin:
    """Shared by every public list of articles: the publish gate and the page size."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        return published_articles()


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset()[: settings.ARTICLES_PER_PAGE]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["busy_categories"] = self.busy_categories()
        return context

    def busy_categories(self):
        """The categories with most of the newest articles, each with its newest five."""
        recent = Article.objects.published().values_list("category_id", flat=True)[:BUSY_WINDOW]
        busiest = [pk for pk, _ in Counter(recent).most_common(BUSY_CATEGORIES)]
        if not busiest:
            return []
        newest = (
            published_articles()
            .filter(category_id__in=busiest)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("category_id")],
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=PER_CATEGORY)
        )
        groups = {pk: [] for pk in busiest}
        for article in newest:
            groups[article.category_id].append(article)
        return [
            {"category": articles[0].category, "articles": articles}
            for articles in groups.values()
            if articles
        ]


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return published_articles().prefetch_related("tags")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A withdrawn article is gone on purpose: 410 tells readers and search
            # engines so (and to drop it), without showing any of it.
            withdrawn = Article.objects.filter(
                slug=kwargs["slug"], status=Article.Status.WITHDRAWN
            ).exists()
            if withdrawn:
                return render(request, "410.html", status=410)
            raise


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
        return context


class CategoryView(ArticleListMixin, ListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"].lower())
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)
