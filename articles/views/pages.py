"""Pages about the site rather than its news: every feed on one page, 关于本站."""

from django.db.models import Count, Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from articles.metadata import Crumb
from articles.models import Article, Category, TaggedArticle
from articles.views.base import home_crumb
from stocks.feeds import security_feeds

# The tags listed on /feeds/: the most used among the newest FEED_TAG_WINDOW
# published articles, so the query reads a bounded number of rows at any size.
FEED_TAGS = 30
FEED_TAG_WINDOW = 1000


def top_tags(limit=FEED_TAGS, window=FEED_TAG_WINDOW):
    """The tags most used by the newest ``window`` published articles, most used first."""
    newest = Article.objects.published().values("pk")[:window]
    rows = (
        TaggedArticle.objects.filter(content_object__in=newest)
        .values("tag__name", "tag__slug")
        .annotate(n=Count("content_object"))
        .order_by("-n", "tag__name")[:limit]
    )
    tags = []
    for row in rows:
        slug = row["tag__slug"]
        try:
            links = {
                name: reverse(f"articles:{name}", kwargs={"slug": slug})
                for name in ("tag", "tag_feed_rss", "tag_feed_atom")
            }
        except NoReverseMatch:
            continue  # a slug written around articles.tagging cannot be routed: left out
        tags.append(
            {
                "name": row["tag__name"],
                "count": row["n"],
                "url": links["tag"],
                "rss": links["tag_feed_rss"],
                "atom": links["tag_feed_atom"],
            }
        )
    return tags


class FeedsView(TemplateView):
    """/feeds/: every feed the site has, with what each one carries."""

    template_name = "articles/feeds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            # One index probe per category (publications: tens, not millions).
            categories=Category.objects.filter(
                Exists(Article.objects.published().filter(category=OuterRef("pk")))
            ).order_by("name"),
            tags=top_tags(),
            # Feeds that come with other pages (7×24 快讯, stocks), each group
            # {"title", "description", "feeds": [{"name", "url"?, "rss", "atom"}]}.
            more_feeds=[flash_feeds(), security_feeds()],
            breadcrumbs=[home_crumb(), Crumb("订阅", reverse("articles:feeds"))],
        )
        return context


def flash_feeds():
    """The 7×24 timeline's feeds: every flash item, or the important ones only."""
    rss, atom = reverse("articles:kuaixun_rss"), reverse("articles:kuaixun_atom")
    return {
        "title": "7×24 快讯",
        "description": "全部滚动快讯，或只含加红的重要快讯。",
        "feeds": [
            {"name": "全部快讯", "rss": rss, "atom": atom},
            {"name": "重要快讯", "rss": f"{rss}?important=1", "atom": f"{atom}?important=1"},
        ],
    }


class AboutView(TemplateView):
    """/about/: what the site is, where its news comes from, the disclaimer."""

    template_name = "articles/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [home_crumb(), Crumb("关于本站", reverse("articles:about"))]
        return context
