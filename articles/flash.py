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

from articles.models import Article
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


def published_flash(*, important=False):
    """Published, due flash items (important ones only when asked), newest first."""
    items = Article.objects.published().filter(kind=Article.Kind.FLASH)
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
    today = timezone.localdate(now or timezone.now())
    days = []
    for item in items:
        day = timezone.localtime(item.published_at).date()
        if not days or days[-1].day != day:
            days.append(FlashDay(day, day_label(day, today)))
        days[-1].items.append(item)
    return days


def day_neighbours(article, count=NEIGHBOURS):
    """Flash items of ``article``'s Beijing day around it (``count`` each side), newest first.

    Two bounded, index-served queries: the items just before it and just after
    it, both within its day.
    """
    local = timezone.localtime(article.published_at)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    same_day = (
        published_flash()
        .filter(published_at__gte=start, published_at__lt=end)
        .exclude(pk=article.pk)
        .select_related("category")
        .only(*ITEM_FIELDS)
    )
    moment = article.published_at
    older = list(
        same_day.filter(published_at__lte=moment)
        .exclude(published_at=moment, id__gt=article.pk)
        .order_by("-published_at", "-id")[:count]
    )
    newer = list(
        same_day.exclude(pk__in=[item.pk for item in older])
        .filter(published_at__gte=moment)
        .order_by("published_at", "id")[:count]
    )
    return sorted([*newer, *older], key=lambda item: (item.published_at, item.pk), reverse=True)
