"""The 7×24 flash items (``Article.kind == "flash"``): the rows every flash surface reads.

The timeline (/kuaixun/), its feeds and a flash item's own page start from
``published_flash()``, the publish gate narrowed to flash items;
``article_flash_idx`` serves it newest first. The home page's 7×24 box takes
its items from the window the busiest sources are counted on
(articles/views/lists.py), at no extra query.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from articles import timefmt
from articles.models import Article
from articles.prepared import PreparedQuery
from articles.timefmt import day_label

# What a timeline item shows (the body and search text stay unread).
ITEM_FIELDS = (
    "slug",
    "title",
    "summary",
    "published_at",
    "important",
    "source_name",
    "category__name",
    "category__slug",
)
# The home page's and the sidebar's 7×24 box list this many of the newest items
# (taken from the window the busiest sources are counted on: articles/views/lists.py).
BOX_ITEMS = 10
# A flash item's page lists at most this many of its day's other items.
NEIGHBOURS = 5


def published_flash(*, important=False, now=None):
    """Published, due flash items (important ones only when asked), newest first."""
    items = Article.objects.published(now=now).filter(kind=Article.Kind.FLASH)
    if important:
        items = items.filter(important=True)
    return items.order_by("-published_at", "-id")


@dataclass
class FlashDay:
    """One Beijing calendar day of the timeline and its items, newest first."""

    day: object
    label: str
    items: list = field(default_factory=list)


def group_by_day(items, now=None):
    """``items`` (newest first) grouped by their Beijing day, each with its heading."""
    today = timefmt.beijing_today(now)
    days = []
    for item in items:
        day = timefmt.beijing(item.published_at).date()
        if not days or days[-1].day != day:
            days.append(FlashDay(day, day_label(day, today)))
        days[-1].items.append(item)
    return days


def _same_day(start, end, pk, now):
    return (
        published_flash(now=now)
        .filter(published_at__gte=start, published_at__lt=end)
        .exclude(pk=pk)
        .select_related("category")
        .only(*ITEM_FIELDS)
    )


def _older_of_day(start, end, moment, pk, now):
    return (
        _same_day(start, end, pk, now)
        .filter(published_at__lte=moment)
        .exclude(published_at=moment, id__gt=pk)
        .order_by("-published_at", "-id")[:NEIGHBOURS]
    )


def _newer_of_day(start, end, moment, pk, now, **older_ids):
    return (
        _same_day(start, end, pk, now)
        .exclude(pk__in=list(older_ids.values()))
        .filter(published_at__gte=moment)
        .order_by("published_at", "id")[:NEIGHBOURS]
    )


def _field(name):
    return Article._meta.get_field(name)


_DAY_SLOTS = {
    "start": _field("published_at"),
    "end": _field("published_at"),
    "moment": _field("published_at"),
    "pk": _field("id"),
    "now": _field("published_at"),
}
# Built once per process (articles/prepared.py): a flash item's page runs their SQL.
OLDER_OF_DAY = PreparedQuery(_older_of_day, plan_once=True, **_DAY_SLOTS)
NEWER_OF_DAY = PreparedQuery(
    _newer_of_day,
    plan_once=True,
    **_DAY_SLOTS,
    **{f"older_{i}": _field("id") for i in range(NEIGHBOURS)},
)
# Fills the slots of older items a day does not have (no article has this id).
NO_ARTICLE = 0


def day_neighbours(article, now=None):
    """Flash items of ``article``'s Beijing day around it (NEIGHBOURS each side), newest first.

    Two bounded, index-served queries: the items just before it and just after
    it, both within its day.
    """
    local = timefmt.beijing(article.published_at)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    values = {
        "start": start,
        "end": start + timedelta(days=1),
        "moment": article.published_at,
        "pk": article.pk,
        "now": now or timezone.now(),
    }
    older = list(OLDER_OF_DAY.run(**values))
    older_ids = [item.pk for item in older] + [NO_ARTICLE] * (NEIGHBOURS - len(older))
    newer = list(NEWER_OF_DAY.run(**values, **{f"older_{i}": pk for i, pk in enumerate(older_ids)}))
    return sorted([*newer, *older], key=lambda item: (item.published_at, item.pk), reverse=True)
