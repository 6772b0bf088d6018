"""What every public list of articles shares: the publish gate, the page size, cards."""

from django.conf import settings
from django.urls import reverse

from articles.metadata import Crumb
from articles.models import Article
from articles.pagination import SeekPaginationMixin

# Columns a card never shows: left unread by list pages.
CARD_DEFERRED = ("body", "search_text")


def home_crumb():
    return Crumb("首页", reverse("articles:home"))


def published_articles(now=None):
    """Published articles with what every card shows, in a fixed number of queries."""
    return Article.objects.published(now=now).select_related("category")


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
