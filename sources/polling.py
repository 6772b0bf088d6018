"""Polling sources: claim, fetch, read, ingest, record health, schedule the next poll.

``poll_due()`` is what the task engine's schedule runs (sources/tasks.py) and
what ``fetch_sources --once`` runs: it claims each due source atomically
(``SourceQuery.claim``), so several workers on several hosts share the sources
without polling one twice, and a fault of one source is recorded on it and never
stops the others.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ingest.models import IngestedItem
from ingest.pipeline import CREATED, count, ingest
from sources import formats
from sources.fetch import FetchError, fetch
from sources.models import Source

logger = logging.getLogger("finews.sources")

MAX_RETRY_AFTER = 24 * 3600


@dataclass
class Outcome:
    source: Source
    ok: bool = False
    not_modified: bool = False
    counts: dict = field(default_factory=dict)
    error: str = ""
    status: int | None = None
    rejected: dict = field(default_factory=dict)  # the first rejected item's errors

    def __str__(self):
        if not self.ok:
            return f"{self.source.name}: 失败 {self.error}"
        if self.not_modified:
            return f"{self.source.name}: 未变化 (304)"
        text = " ".join(f"{k}={v}" for k, v in self.counts.items() if v)
        if self.rejected:
            text += f"（首个被拒条目：{self.rejected}）"
        return f"{self.source.name}: {text or '无条目'}"


def lease():
    """How long a claim holds: longer than any one poll can take (then it expires)."""
    return timedelta(seconds=settings.SOURCE_CLAIM_SECONDS)


def poll_due(*, now=None, all_sources=False):
    """Poll every due source once (``all_sources``: every enabled, unpaused one); the outcomes."""
    now = now or timezone.now()
    queryset = Source.objects.claimable(now) if all_sources else Source.objects.due(now)
    outcomes = []
    for pk in list(queryset.order_by("next_poll_at", "pk").values_list("pk", flat=True)):
        source = Source.objects.claim(pk, timezone.now(), lease=lease(), due=not all_sources)
        if source is not None:  # else another worker has it, or has polled it already
            outcomes.append(poll(source))
    return outcomes


def poll_now(source):
    """Poll one source now, out of schedule (the admin's action); None if a worker has it."""
    claimed = Source.objects.claim(source.pk, timezone.now(), lease=lease(), due=False)
    return poll(claimed) if claimed is not None else None


def poll(source):
    """Fetch and ingest one claimed source, record its health and release it."""
    now = timezone.now()
    outcome = Outcome(source)
    retry_after = None
    times = []
    try:
        response = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        if response.not_modified:
            outcome.ok = outcome.not_modified = True
        else:
            entries = formats.entries(source, response.body, response.headers)
            _fetch_bodies(source, entries)
            results = ingest([entry.item for entry in entries], origin=source.origin)
            outcome.counts = count(results)
            outcome.rejected = next((r.errors for r in results if r.errors), {})
            outcome.ok = True
            times = [e.published_at for e in entries if e.published_at]
            times += [r.article.published_at for r in results if r.status == CREATED]
            source.etag = response.headers.get("etag", "")[:500]
            source.last_modified = response.headers.get("last-modified", "")[:100]
    except FetchError as error:
        outcome.error, outcome.status, retry_after = error.message, error.status, error.retry_after
    except formats.FormatError as error:
        outcome.error = str(error)
    except Exception as error:  # a bug or a database fault: on this source, not the others
        logger.exception("polling source %s failed", source.pk)
        outcome.error = f"内部错误：{error.__class__.__name__}"
    _record(source, outcome, now, times, retry_after)
    return outcome


def _fetch_bodies(source, entries):
    """Fetch the body of new items that have a body URL (at most SOURCE_BODY_FETCHES a poll)."""
    wanted = [e for e in entries if e.body_url]
    if not wanted:
        return
    ids = {e.item.get("external_id") for e in wanted}
    known = set(
        IngestedItem.objects.filter(external_id__in=ids).values_list("source", "external_id")
    )
    budget = settings.SOURCE_BODY_FETCHES
    for entry in wanted:
        if (entry.item.get("source"), entry.item.get("external_id")) in known:
            continue
        if budget <= 0:
            break
        budget -= 1
        try:
            body = formats.body_from(source, fetch(entry.body_url).body)
        except (FetchError, formats.FormatError) as error:
            logger.warning("body of %s: %s", entry.body_url, error)
            continue
        if body:
            entry.item["body_html"] = body


def _clamp(seconds, source):
    return int(min(max(seconds, source.min_interval), source.max_interval))


def next_interval(source, outcome, now, times):
    """Seconds to the next poll: about the gap between the feed's items, within bounds."""
    if not outcome.ok:
        return _clamp(source.min_interval * 2 ** min(source.consecutive_failures, 16), source)
    if outcome.counts.get(CREATED):
        times = sorted((t for t in times if t <= now), reverse=True)[:20]
        if len(times) >= 2:
            gap = (times[0] - times[-1]).total_seconds() / (len(times) - 1)
            # A feed whose last item is old is quiet now, however dense it was.
            gap = max(gap, (now - times[0]).total_seconds() / 4)
            return _clamp(gap, source)
        return _clamp(source.poll_interval, source)
    return _clamp(source.poll_interval * 1.5, source)  # nothing new: a little less often


def _record(source, outcome, now, times, retry_after):
    source.last_attempt_at = now
    if outcome.ok:
        source.last_success_at = now
        source.consecutive_failures = 0
        source.last_error, source.last_error_status = "", None
        source.last_new_items = outcome.counts.get(CREATED, 0)
        past = [t for t in times if t <= now]
        if past and (source.newest_item_at is None or max(past) > source.newest_item_at):
            source.newest_item_at = max(past)
    else:
        source.consecutive_failures += 1
        source.last_error, source.last_error_status = outcome.error[:2000], outcome.status
        if source.consecutive_failures >= settings.SOURCE_MAX_FAILURES:
            source.paused_reason = (
                f"连续 {source.consecutive_failures} 次失败，已暂停：{outcome.error}"
            )[:500]
    source.poll_interval = next_interval(source, outcome, now, times)
    delay = source.poll_interval
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    source.next_poll_at = timezone.now() + timedelta(seconds=delay)
    source.claimed_until = None
    Source.objects.filter(pk=source.pk).update(
        **{
            name: getattr(source, name)
            for name in (
                "last_attempt_at",
                "last_success_at",
                "consecutive_failures",
                "last_error",
                "last_error_status",
                "last_new_items",
                "newest_item_at",
                "paused_reason",
                "poll_interval",
                "next_poll_at",
                "claimed_until",
                "etag",
                "last_modified",
            )
        }
    )


def reset(queryset):
    """Unpause: clear failures and the reason, poll at once."""
    return queryset.update(
        paused_reason="",
        consecutive_failures=0,
        claimed_until=None,
        next_poll_at=timezone.now(),
    )


def with_recent_counts(queryset, now=None):
    """Annotate ``items_24h``: articles this source brought in published in the last 24 h."""
    since = (now or timezone.now()) - timedelta(hours=24)
    recent = (
        IngestedItem.objects.filter(
            origin=Concat(Value("source:"), Cast(OuterRef("pk"), output_field=_char())),
            article__published_at__gte=since,
        )
        .order_by()
        .values("origin")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(items_24h=Subquery(recent))


def _char():
    from django.db.models import CharField

    return CharField()
