"""All news (/latest/) and the sidebar fragment other list pages load.

- ``/latest/``: every published article, newest first, seek-paginated like a
  category (the home page shows its first page and links to page 2).
- ``/sidebar/``: the home page's sidebar (the busiest sources and their newest
  headlines, the newest headlines of the site, the newest 7×24 flash items)
  as an HTML fragment.
  Category, tag, search and "all news" pages fetch it with
  static/js/sidebar.js, so their own query budgets do not grow; the page
  cache keeps it under the content version like any page.
"""

from django.views.generic import ListView, TemplateView

from articles.flash import BOX_ITEMS
from articles.live import live_list_context
from articles.metadata import Crumb
from articles.slug_urls import cached_reverse
from articles.story_lists import fold_stories
from articles.views.base import SeekListMixin
from articles.views.lists import busiest_sources

# How many of the site's newest headlines the sidebar lists.
SIDEBAR_LATEST = 10


class LatestView(SeekListMixin, ListView):
    """/latest/: all news, newest first, ``?page=N``."""

    template_name = "articles/latest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            Crumb("首页", cached_reverse("articles:home")),
            Crumb("全部新闻", cached_reverse("articles:latest")),
        ]
        context["live"] = live_list_context(context["articles"], page_obj=context["page_obj"])
        context["articles"] = fold_stories(context["articles"])
        return context


class SidebarView(TemplateView):
    """/sidebar/: the sidebar fragment other list pages load (static/js/sidebar.js)."""

    template_name = "articles/_sidebar.html"

    def get_context_data(self, **kwargs):
        busy, latest, flash_box = busiest_sources(latest=SIDEBAR_LATEST, flash=BOX_ITEMS)
        return {
            **super().get_context_data(**kwargs),
            "busy_categories": busy,
            "latest": latest,
            "flash_box": flash_box,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response
