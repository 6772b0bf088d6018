"""Reader pages added beside articles/views.py: all news (/latest/) and the sidebar.

- ``/latest/``: every published article, newest first, seek-paginated like a
  category (the home page shows its first page and links to page 2).
- ``/sidebar/``: the home page's sidebar (the busiest sources and their newest
  headlines, plus the newest headlines of the site) as an HTML fragment.
  Category, tag, search and "all news" pages fetch it with
  static/js/sidebar.js, so their own query budgets do not grow; the page
  cache keeps it under the content version like any page.
"""

from collections import Counter

from django.urls import reverse
from django.views.generic import ListView, TemplateView

from articles.live import live_list_context
from articles.metadata import Crumb
from articles.models import Article
from articles.views import BUSY_CATEGORIES, BUSY_WINDOW, CARD_DEFERRED, PER_CATEGORY, SeekListMixin

# How many of the site's newest headlines the sidebar lists.
SIDEBAR_LATEST = 10


def busiest_sources(window=BUSY_WINDOW, *, latest=0):
    """(busiest categories with their newest articles, the ``latest`` newest articles).

    Two queries at any archive size, as on the home page: the (id, category)
    keys of the newest ``window`` articles (an index range), then the
    articles shown, fetched by primary key.
    """
    keys = list(Article.objects.published().values_list("id", "category_id")[:window])
    newest = [pk for pk, _ in keys[:latest]]
    busiest = Counter(category for _, category in keys).most_common(BUSY_CATEGORIES)
    groups = {category: [] for category, _ in busiest}
    for pk, category in keys:
        if category in groups and len(groups[category]) < PER_CATEGORY:
            groups[category].append(pk)
    wanted = {*newest, *(pk for pks in groups.values() for pk in pks)}
    found = {}
    if wanted:
        found = {
            a.pk: a
            for a in Article.objects.published()
            .select_related("category")
            .defer(*CARD_DEFERRED)
            .filter(pk__in=wanted)
        }
    busy = [
        {"category": articles[0].category, "articles": articles}
        for articles in ([found[pk] for pk in pks if pk in found] for pks in groups.values())
        if articles
    ]
    return busy, [found[pk] for pk in newest if pk in found]


class LatestView(SeekListMixin, ListView):
    """/latest/: all news, newest first, ``?page=N``."""

    template_name = "articles/latest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            Crumb("首页", reverse("articles:home")),
            Crumb("全部新闻", reverse("articles:latest")),
        ]
        context["live"] = live_list_context(context["articles"], page_obj=context["page_obj"])
        return context


class SidebarView(TemplateView):
    """/sidebar/: the sidebar fragment other list pages load (static/js/sidebar.js)."""

    template_name = "articles/_sidebar.html"

    def get_context_data(self, **kwargs):
        busy, latest = busiest_sources(latest=SIDEBAR_LATEST)
        return {**super().get_context_data(**kwargs), "busy_categories": busy, "latest": latest}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response
