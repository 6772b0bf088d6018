"""The fold: finished hours of counters into ``DailyViews``, then a fresh ranking.

Run by the task engine every ``HOT_FOLD_MINUTES`` (hot/tasks.py, schedule
created by migration 0002) and by ``manage.py fold_hot``. For each finished
hour (ended at least ``GRACE_SECONDS`` ago, so no beacon is still writing to
it), in one transaction: mark the hour folded (``FoldedHour``, its primary
key: a second fold of it, even a concurrent one, stops there) and add its
counts to the Beijing day's rows with one upsert per batch. Only then are the
counters dropped: a crash in between leaves them, and the next fold finds the
hour marked and only drops them. Ids that are not published now (unknown,
draft, scheduled, withdrawn) are left out, checked in one query per batch.
"""

from datetime import UTC, datetime
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article
from hot.counter import counter
from hot.models import DailyViews, FoldedHour
from hot.ranking import refresh

GRACE_SECONDS = 60
BATCH = 500


def beijing_day(hour):
    """The Beijing date an hour (hours since the epoch) falls in: UTC+8 splits no hour."""
    return timezone.localdate(datetime.fromtimestamp(hour * 3600, tz=UTC))


def _batches(items, size=BATCH):
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _upsert(day, counts):
    """Add ``counts`` ({article id: views}) to ``day``'s rows; one statement per batch."""
    table = DailyViews._meta.db_table
    day_value = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        for batch in _batches(sorted(counts.items())):
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            params = [p for article, n in batch for p in (article, day_value, n)]
            cursor.execute(
                f"INSERT INTO {table} (article_id, day, views) VALUES {values} "  # noqa: S608
                "ON CONFLICT (article_id, day) "
                f"DO UPDATE SET views = {table}.views + excluded.views",
                params,
            )


def published_counts(counts):
    """``counts`` restricted to published articles (one query per batch of ids)."""
    kept = {}
    for batch in _batches(counts):
        for pk in Article.objects.published().filter(pk__in=batch).values_list("pk", flat=True):
            kept[pk] = counts[pk]
    return kept


def fold_hour(hour, counts):
    """Fold one hour's counts; the views added, or None if the hour was folded before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                marker = FoldedHour.objects.create(hour=hour)
        except IntegrityError:
            return None
        kept = published_counts(counts)
        if kept:
            _upsert(beijing_day(hour), kept)
        marker.views = sum(kept.values())
        marker.save(update_fields=["views"])
    return marker.views


def fold(now=None):
    """Fold every finished hour, then renew the ranking. Returns (hours folded, views added)."""
    store = counter()
    now = timezone.now().timestamp() if now is None else now
    folded = views = 0
    unfinished = []
    for hour in store.hours():
        counts = store.read(hour)
        if (hour + 1) * 3600 + GRACE_SECONDS > now:
            # Still being written: shown in the ranking, folded once it is over.
            unfinished.append((beijing_day(hour), counts))
            continue
        added = fold_hour(hour, counts)
        if added is not None:
            folded += 1
            views += added
        store.drop(hour)
    refresh(unfinished)
    return folded, views
