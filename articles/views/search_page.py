"""The search page; the query, matching and ranking are in articles/search.py."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView

from articles import search
from articles.metadata import Crumb
from articles.models import Article
from articles.prepared import PreparedQuery
from articles.views.base import CARD_FIELDS, ArticleListMixin, home_crumb, published_articles


def _results(now, keys):
    """Published articles of ``keys``: a card's columns and the body (for snippets)."""
    return published_articles(now).only(*CARD_FIELDS, "body").filter(pk__in=keys)


# A page of results by key, compiled once per process and planned once per
# connection (a lookup by primary keys): one slot per result of a page.
_RESULT_PAGE = PreparedQuery(
    lambda now, **slots: _results(now, list(slots.values())),
    plan_once=True,
    now=Article._meta.get_field("published_at"),
    **{f"key{i}": Article._meta.pk for i in range(settings.ARTICLES_PER_PAGE)},
)


def load_results(keys):
    """The published articles of ``keys``, by key (a page: the prepared query)."""
    now = timezone.now()
    if len(keys) > settings.ARTICLES_PER_PAGE:
        articles = _results(now, keys)
    else:
        # Every slot gets a value: the page's keys, the first repeated for the rest.
        slots = {f"key{i}": keys[min(i, len(keys) - 1)] for i in range(settings.ARTICLES_PER_PAGE)}
        articles = _RESULT_PAGE.run(now=now, **slots)
    return {article.pk: article for article in articles}


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
        def articles():
            # SQLite's to match in, built only there; both databases read a page by load_results.
            return super(SearchView, self).get_queryset().defer("search_text")

        return search.search(articles, self.words, load=load_results)

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
