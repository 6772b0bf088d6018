"""Related articles, computed when articles are written and stored on each article.

An article's related articles are the published articles just before it (the
RELATED_CANDIDATES nearest in (published_at, id) order) that share most tags
with it, newest first among equals. They name only older articles, so they stay
right as newer articles arrive; they change when the article's own tags, date
or status change, or when an article inside its window of candidates appears,
moves, changes tags or goes. Every write path calls ``refresh_related`` with
the articles it wrote (``articles``) and the places in the publish order where
something changed (``moved``), and the stored lists of those articles and of
the RELATED_CANDIDATES published articles after each moved place are
recomputed, in a fixed number of queries per call.

The stored value (``Article.related_ids``) holds RELATED_STORED ids, best
first: a few more than are shown, so that when one of them is withdrawn the
page, which reads them through the publish gate, still has enough. ``None``
means not computed (a draft, or rows written before the column existed and not
backfilled yet): the page then computes the list as it is read
(``ArticleDetailView.live_related``), with the same result.
"""

from bisect import bisect_left
from collections import Counter

from django.apps import apps
from django.db import models
from django.db.models import Q

# How many related articles a page shows, among how many of the articles
# published just before it they are sought, and how many ids are stored.
RELATED_COUNT = 5
RELATED_CANDIDATES = 500
RELATED_STORED = 10
# At most this many published articles are read between a write's first and
# last place in the publish order (more, and the places are split).
SPAN_ROWS = 20_000


def _article_model():
    return apps.get_model("articles", "Article")


def _after(key):
    date, pk = key
    return Q(published_at__gt=date) | Q(published_at=date, id__gt=pk)


def _before(key):
    date, pk = key
    return Q(published_at__lt=date) | Q(published_at=date, id__lt=pk)


def refresh_related(articles=(), moved=()):
    """Recompute the stored related articles that ``articles`` and ``moved`` may change.

    ``articles``: ids of articles written; their own lists are recomputed (one
    that is not published gets ``None``). ``moved``: ``(published_at, id)``
    places in the publish order where a published article appeared, left,
    changed its tags or moved (give the old and the new place): the lists of
    the RELATED_CANDIDATES published articles after each place are recomputed.
    Six queries at most, whatever the number of articles; only changed lists
    are written. Returns {id: stored list} of the articles recomputed.
    """
    Article = _article_model()
    ids = {pk for pk in articles if pk is not None}
    moved = {key for key in moved if key and None not in key}
    if not ids and not moved:
        return {}
    stored, own = {}, set()
    if ids:
        for pk, status, published_at, related in Article.objects.filter(pk__in=ids).values_list(
            "pk", "status", "published_at", "related_ids"
        ):
            stored[pk] = related
            if status == Article.Status.PUBLISHED and published_at is not None:
                own.add((published_at, pk))
    values = dict.fromkeys(stored)  # not published: not computed
    if own or moved:
        computed, current = _compute(Article, own, moved)
        values.update(computed)
        stored.update((pk, related) for pk, related in current.items() if pk not in stored)
    changed = [
        Article(pk=pk, related_ids=value) for pk, value in values.items() if stored[pk] != value
    ]
    if changed:
        # A plain queryset: storing derived ids is not an edit (no version, no
        # content-version renewal, no tag-link sync); the caller's write announces it.
        models.QuerySet(Article).bulk_update(changed, ["related_ids"], batch_size=500)
    return values


def _compute(Article, own, moved):
    """({id: new value}, {id: stored value}) of the ``own`` rows and the successors of ``moved``.

    The places are read as one range of the publish order when at most
    SPAN_ROWS published articles lie between the first and the last (a batch
    of news that just came in, an editor's change); a batch spread over the
    archive (an import of old posts) is split in two until each part is.
    """
    places = sorted(own | moved)
    low, high = places[0], places[-1]
    rows_of = (
        Article.objects.published_or_scheduled()
        .filter(published_at__isnull=False)
        .values_list("published_at", "id", "related_ids")
    )
    middle = rows_of.filter(~_before(low), ~_after(high)).order_by("published_at", "id")
    middle = list(middle[: SPAN_ROWS + 1])
    if len(middle) > SPAN_ROWS and len(places) > 1:
        values, current = {}, {}
        half = len(places) // 2
        for part in (set(places[:half]), set(places[half:])):
            part_values, part_current = _compute(Article, own & part, moved & part)
            values.update(part_values)
            current.update(part_current)
        return values, current
    before = rows_of.filter(_before(low)).order_by("-published_at", "-id")
    rows = [*reversed(before[:RELATED_CANDIDATES]), *middle]
    if moved:
        after = rows_of.filter(_after(high)).order_by("published_at", "id")
        rows += after[:RELATED_CANDIDATES]
    keys = [(date, pk) for date, pk, _ in rows]
    targets = {bisect_left(keys, key) for key in own}
    for key in moved:
        start = bisect_left(keys, key)
        if start < len(keys) and keys[start] == key:
            start += 1
        targets.update(range(start, min(start + RELATED_CANDIDATES, len(keys))))
    targets = {index for index in targets if index < len(keys)}
    if not targets:
        return {}, {}
    first = max(0, min(targets) - RELATED_CANDIDATES)
    position_of = {keys[index][1]: index for index in range(first, max(targets) + 1)}
    TaggedArticle = Article._meta.get_field("tags").remote_field.through
    tags_of, positions = {}, {}  # positions: tag id -> rows carrying it, ascending
    links = (
        TaggedArticle.objects.filter(content_object_id__in=list(position_of))
        .order_by()
        .values_list("content_object_id", "tag_id")
    )
    for article_id, tag_id in links:
        tags_of.setdefault(article_id, []).append(tag_id)
        positions.setdefault(tag_id, []).append(position_of[article_id])
    for tag_positions in positions.values():
        tag_positions.sort()
    values = {}
    for index in targets:
        shared = Counter()
        for tag_id in tags_of.get(keys[index][1], ()):
            tag_positions = positions[tag_id]
            start = bisect_left(tag_positions, index - RELATED_CANDIDATES)
            shared.update(tag_positions[start : bisect_left(tag_positions, index)])
        # Most shared tags first, then the newest (the later position).
        best = sorted(shared, key=lambda position: (-shared[position], -position))
        values[keys[index][1]] = [keys[p][1] for p in best[:RELATED_STORED]]
    return values, {keys[index][1]: rows[index][2] for index in targets}


def backfill(batch_size=2000, only_missing=False, progress=None):
    """Compute and store the related articles of every published article, oldest first.

    Idempotent: a second run writes nothing. Batches of ``batch_size`` articles
    in publish order, each a handful of queries. Returns how many were looked at.
    """
    Article = _article_model()
    rows = (
        Article.objects.published_or_scheduled()
        .filter(published_at__isnull=False)
        .order_by("published_at", "id")
    )
    if only_missing:
        rows = rows.filter(related_ids__isnull=True)
    done, last = 0, None
    while True:
        batch = rows if last is None else rows.filter(_after(last))
        batch = list(batch.values_list("published_at", "id")[:batch_size])
        if not batch:
            return done
        refresh_related([pk for _, pk in batch])
        done += len(batch)
        last = batch[-1]
        if progress:
            progress(done)
