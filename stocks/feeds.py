"""RSS and Atom feeds of one security's news, and the securities /feeds/ lists."""

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.feeds import AtomWithContent, LatestArticlesFeed
from articles.models import Article
from stocks.models import ArticleSecurity, Security

# /feeds/ lists the securities most mentioned by the newest FEED_WINDOW
# published articles: a bounded number of rows read at any archive size.
FEED_SECURITIES = 20
FEED_WINDOW = 1000


class SecurityFeed(LatestArticlesFeed):
    """The newest published articles mentioning one security."""

    def get_object(self, request, code):
        return get_object_or_404(Security, code=code)

    def title(self, obj=None):
        return f"{obj} · {settings.SITE_NAME}"

    def description(self, obj=None):
        return f"提到{obj.name}（{obj.code}）的最新财经新闻。"

    subtitle = description

    def filter_articles(self, articles, obj):
        return articles.filter(security_links__security=obj)


class SecurityAtomFeed(SecurityFeed):
    feed_type = AtomWithContent


def security_feeds(limit=FEED_SECURITIES, window=FEED_WINDOW):
    """The /feeds/ group of the most mentioned securities' feeds (one query)."""
    newest = Article.objects.published().values("pk")[:window]
    rows = (
        ArticleSecurity.objects.filter(article__in=newest)
        .values("security__code", "security__name")
        .annotate(n=Count("article"))
        .order_by("-n", "security__code")[:limit]
    )
    feeds = []
    for row in rows:
        code = row["security__code"]
        feeds.append(
            {
                "name": f"{row['security__name']}（{code}）",
                "url": reverse("stocks:detail", args=[code]),
                "rss": reverse("stocks:feed_rss", args=[code]),
                "atom": reverse("stocks:feed_atom", args=[code]),
            }
        )
    return {
        "title": "个股",
        "description": "近期新闻中提到最多的证券。其他证券：在个股页地址后加 rss/ 或 atom/。",
        "feeds": feeds,
    }
