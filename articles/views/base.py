"""What every public list of articles shares: the publish gate, the page size, cards."""

from functools import partial

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.metadata import Crumb
from articles.models import Article
from articles.pagination import TIMEOUT, SeekPaginationMixin
from articles.slug_urls import cached_reverse

# Columns a card never shows: left unread by list pages.
CARD_DEFERRED = ("body", "search_text")
# What lists show of an article: the cards (article_cards in
# articles/templating.py), the sidebar's headlines and 7×24 items,
# the story folding. List pages read these columns only (with the category's).
CARD_FIELDS = (
    "title",
    "slug",
    "category",
    "summary",
    "published_at",
    "kind",
    "important",
    "story",
    "source_name",
)


def home_crumb():
    return Crumb("首页", cached_reverse("articles:home"))


def unbuilt(build, *args):
    """``build(*args)``, a queryset, built when first used: maybe never.

    A list page compiled once (``prepared_page``) with its count and
    boundaries cached reads neither its queryset nor its count's; building
    them (``filter()``, ``Q``, joins) was a tenth of a category page's CPU.
    """
    return SimpleLazyObject(partial(build, *args))


def published_articles(now=None):
    """Published articles with what every card shows, in a fixed number of queries."""
    return Article.objects.published(now=now).select_related("category")


def card_articles(now=None):
    """Published articles as date-ordered lists read them: the card's columns only."""
    # Cards show the summary; bodies, search texts and the rest stay unread.
    return published_articles(now).only(*CARD_FIELDS)


class ArticleListMixin:
    """Shared by every public list of articles: the publish gate and the page size."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        return published_articles()


class SeekListMixin(SeekPaginationMixin, ArticleListMixin):
    """Article lists in date order: seek pagination, and cards without the body."""

    def get_queryset(self):
        return card_articles()

    def get_template_names(self):
        # ListView's would also name "<app>/<model>_list.html", reading the
        # list's model: that built an unbuilt() queryset on every request (an
        # eighth of a category page's CPU) for a name never used.
        return [self.template_name]

    def shared_object(self, key, load):
        """The list's own object (its category, its tag) under the content version.

        Shared by every page of the list; ``load()`` (a query, or 404) runs
        once per content version. The key is read with the page's count and
        boundaries: name it in ``shared_keys()``.
        """
        return self.shared.get_or_set(key, load, TIMEOUT)
