"""The 热门 ranking: computed by the fold, kept as one cache value, read by the pages.

``refresh()`` sums ``DailyViews`` over today (Beijing) and the last seven
days, published articles only (the publish gate, joined), one row per story
(a story's members' views added up, shown at its lead: its earliest published
member) and stores the top ``TOP`` ids per tab with their views under
``RANKING_KEY``. The pages (hot/views.py) read that value and fetch the
articles in one query through the publish gate again, so an article withdrawn
since the fold is gone at once.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import BigIntegerField, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article
from articles.story_lists import published_members
from hot.models import DailyViews

RANKING_KEY = "finews:hot:ranking"
TOP = 50
# Tab name: how many Beijing days it sums, today included.
TABS = {"today": 1, "week": 7}
# Groups read from the database per tab before this hour's counts are added in.
CANDIDATES = TOP * 4
# Ids checked against the publish gate per query.
BATCH = 500


def _group_totals(start, end):
    """{group: views} for the days, a group being -story id or the article id."""
    rows = (
        DailyViews.objects.filter(day__gte=start, day__lte=end)
        .filter(Article.objects.published_q("article__"))
        .annotate(
            group=Coalesce(
                F("article__story_id") * -1, F("article_id"), output_field=BigIntegerField()
            )
        )
        .values("group")
        .annotate(total=Sum("views"))
        .order_by("-total", "group")[:CANDIDATES]
    )
    return {row["group"]: row["total"] for row in rows}


def _add_unfinished(totals, counts):
    """Add counts not folded yet ({article id: views}) to ``totals``, published ones only."""
    ids = list(counts)
    for start in range(0, len(ids), BATCH):
        published = Article.objects.published().filter(pk__in=ids[start : start + BATCH])
        for pk, story_id in published.values_list("pk", "story_id"):
            group = -story_id if story_id else pk
            totals[group] = totals.get(group, 0) + counts[pk]


def compute(unfinished=()):
    """{tab: [(article id, views), …]} best first; ``unfinished``: [(day, {id: views})]."""
    today = timezone.localdate()
    ranking = {}
    for tab, days in TABS.items():
        start = today - timedelta(days=days - 1)
        totals = _group_totals(start, today)
        pending = {}
        for day, counts in unfinished:
            if start <= day <= today:
                for pk, n in counts.items():
                    pending[pk] = pending.get(pk, 0) + n
        _add_unfinished(totals, pending)
        ranking[tab] = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    story_ids = {-group for rows in ranking.values() for group, _ in rows if group < 0}
    leads = {sid: members[0].pk for sid, members in published_members(story_ids).items()}
    return {
        tab: [
            (leads[-group] if group < 0 else group, views)
            for group, views in rows
            if group > 0 or -group in leads
        ]
        for tab, rows in ranking.items()
    }


def refresh(unfinished=()):
    """Compute the ranking and store it for the pages; returns it."""
    ranking = {"tabs": compute(unfinished), "at": timezone.now()}
    cache.set(RANKING_KEY, ranking, None)
    return ranking


def current():
    """The stored ranking; computed now (from the folded days) if the cache lost it."""
    ranking = cache.get(RANKING_KEY)
    return ranking if ranking is not None else refresh()
