"""/healthz/sources: every source's health as JSON, for monitoring."""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from sources.models import Source
from sources.polling import with_recent_counts


def _time(value):
    return timezone.localtime(value).isoformat() if value else None


@never_cache
def sources_health(request):
    """200 with ``ok`` false when any enabled source is paused, failing or silent."""
    now = timezone.now()
    rows = []
    for source in with_recent_counts(Source.objects.all(), now):
        rows.append(
            {
                "name": source.name,
                "health": source.health(now),
                "enabled": source.enabled,
                "last_attempt_at": _time(source.last_attempt_at),
                "last_success_at": _time(source.last_success_at),
                "last_error_status": source.last_error_status,
                "last_error": source.last_error,
                "consecutive_failures": source.consecutive_failures,
                "paused_reason": source.paused_reason,
                "items_24h": source.items_24h or 0,
                "newest_item_at": _time(source.newest_item_at),
                "next_poll_at": _time(source.next_poll_at),
            }
        )
    bad = [row["name"] for row in rows if row["health"] in ("paused", "failing", "silent")]
    return JsonResponse({"ok": not bad, "unhealthy": bad, "sources": rows})
