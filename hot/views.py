"""/hot/ (今日), /hot/week/ (本周) and /hot/box/, the top-10 fragment other pages load.

Each reads the ranking the fold stored (hot/ranking.py: one cache value) and
its articles in one query through the publish gate; the page cache keeps the
answers like any page's, so they change when the fold has run (within
``PAGE_CACHE_MAX_AGE``), not per request.
"""

from django.urls import reverse
from django.views.generic import TemplateView

from articles.metadata import Crumb
from articles.models import Article
from articles.views.base import home_crumb
from hot import ranking

BOX_SIZE = 10
TAB_TITLES = {"today": "今日热门", "week": "本周热门"}


class HotRow:
    __slots__ = ("article", "rank", "views")

    def __init__(self, rank, article, views):
        self.rank, self.article, self.views = rank, article, views


def hot_rows(tab, limit=ranking.TOP, stored=None):
    """The ranked rows of ``tab`` still published now (one query)."""
    stored = stored or ranking.current()
    entries = stored["tabs"].get(tab, [])[:limit]
    articles = (
        Article.objects.published().select_related("category").in_bulk([pk for pk, _ in entries])
    )
    shown = [(articles[pk], views) for pk, views in entries if pk in articles]
    return [HotRow(n, article, views) for n, (article, views) in enumerate(shown, 1)]


class HotView(TemplateView):
    """/hot/ and /hot/week/: the top 50 of the day or of the last seven days."""

    template_name = "hot/hot.html"
    tab = "today"

    def get_context_data(self, **kwargs):
        stored = ranking.current()
        return {
            **super().get_context_data(**kwargs),
            "tab": self.tab,
            "tab_title": TAB_TITLES[self.tab],
            "rows": hot_rows(self.tab, stored=stored),
            "ranked_at": stored["at"],
            "breadcrumbs": [
                home_crumb(),
                Crumb(TAB_TITLES[self.tab], reverse(f"hot:{self.tab}")),
            ],
        }


class HotBoxView(TemplateView):
    """/hot/box/: today's top 10 (this week's while today has none) as an HTML fragment."""

    template_name = "hot/_box.html"

    def get_context_data(self, **kwargs):
        stored = ranking.current()
        tab = "today" if stored["tabs"].get("today") else "week"
        return {
            **super().get_context_data(**kwargs),
            "tab": tab,
            "tab_title": TAB_TITLES[tab],
            "rows": hot_rows(tab, BOX_SIZE, stored=stored),
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response
