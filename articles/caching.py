"""Content version and the anonymous page cache.

Every cached thing (whole pages, page counts, pagination boundaries) is tied
to the *content version*: a token that changes whenever an article, category
or tag link changes, and whenever a scheduled article comes due. Counts and
boundaries have the token in their key; a page is stored per URL with the
token it was rendered under, and only served while that token is current.
Changing the token is one cache write; nothing is flushed, nothing is served
stale, and entries of old tokens are overwritten or expire by their timeout.

The version state is ``(token, next_due)``: ``next_due`` is the publish time
of the next scheduled article. A request that finds ``now >= next_due``
renews the token, so a scheduled article appears the moment it is due.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

VERSION_KEY = "finews:content-version"
PAGE_PREFIX = "finews:page"


# Passed as ``due`` when a write may have moved the next scheduled time in a
# way the writer cannot see (e.g. an update with a database expression).
RECOMPUTE = object()


def _token():
    return f"{time.time_ns():x}{secrets.token_hex(2)}"


def _next_due():
    # Imported here: models import this module to bump the version.
    from articles.models import Article

    next_due = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return next_due.timestamp() if next_due else None


def content_version(state=None):
    """The current content token; renewed when a scheduled article has come due.

    ``state`` is the value of VERSION_KEY when the caller fetched it already.
    """
    if state is None:
        state = cache.get(VERSION_KEY)
    if state is None or (state[1] is not None and timezone.now().timestamp() >= state[1]):
        state = _renew(RECOMPUTE)
    return state[0]


def _renew(due):
    """Store a new token; ``due``: publish times the write may have scheduled, or RECOMPUTE."""
    state = None if due is RECOMPUTE else cache.get(VERSION_KEY)
    if state is None:
        next_due = _next_due()
    else:
        # A write can only bring the next due time earlier through the
        # articles it wrote; a later one (unpublished, rescheduled) is found
        # when the old time comes and the reader renews the token.
        now = timezone.now().timestamp()
        times = [t for t in (state[1], *(d.timestamp() for d in due if d)) if t and t > now]
        next_due = min(times, default=None)
    state = (_token(), next_due)
    cache.set(VERSION_KEY, state, None)
    return state


def scheduled_times(articles):
    """The publish times of published articles among ``articles`` (for bump_content_version)."""
    return [a.published_at for a in articles if a.status == "published" and a.published_at]


def bump_content_version(sender=None, instance=None, due=(), **kwargs):
    """Make every cached page and count stale: now, and again when the transaction commits.

    Works as a post_save/post_delete receiver too (an Article instance may be
    scheduled). The writer computes the new state so that readers pay no
    query; the second renewal matters: a request that renders between the
    write and the commit still sees the old rows and would cache them under
    the first new token.
    """
    if instance is not None and hasattr(instance, "published_at") and due is not RECOMPUTE:
        due = [*due, *scheduled_times([instance])]
    _renew(due)
    transaction.on_commit(lambda: _renew(due))


def versioned_key(*parts):
    """A cache key for data derived from the published content."""
    return ":".join(["finews", content_version(), *map(str, parts)])


# --- the page cache -----------------------------------------------------------


def _excluded(path):
    prefixes = ["/" + settings.ADMIN_PATH, *settings.PAGE_CACHE_EXCLUDE]
    return any(path.startswith(prefix) for prefix in prefixes)


def _is_anonymous(request):
    # Anyone holding a session (editors, staff) gets a fresh page, and their
    # pages are never stored for others.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _etag(content):
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


def _not_modified(request, etag):
    return etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))


class PageCacheMiddleware:
    """Caches anonymous GET/HEAD 200 responses by URL under the content version.

    Applies to every public route (pages, feeds, sitemaps, JSON endpoints)
    without the views knowing; the admin and health checks are left out. Each
    answer carries an ETag, and a matching ``If-None-Match`` gets a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE_ENABLED
            or request.method not in ("GET", "HEAD")
            or not _is_anonymous(request)
            or _excluded(request.path)
        ):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not _is_anonymous(request):
                patch_vary_headers(response, ["Cookie"])
            return response

        # One entry per URL, holding the version it was rendered under: one
        # cache round trip answers both "what is current?" and "what is stored?".
        key = ":".join(
            [
                PAGE_PREFIX,
                hashlib.blake2b(request.build_absolute_uri().encode(), digest_size=16).hexdigest(),
            ]
        )
        found = cache.get_many([VERSION_KEY, key])
        version = content_version(found.get(VERSION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            _, status, headers, content = stored
            etag = dict(headers).get("ETag")
            if etag and _not_modified(request, etag):
                return self._not_modified(etag)
            response = self._rebuild(status, headers, content)
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if not self._storable(request, response):
            return response
        patch_vary_headers(response, ["Cookie"])
        if not response.has_header("ETag"):
            response["ETag"] = _etag(response.content)
        # Stored under the version read before rendering: if content changed
        # meanwhile, the entry is already stale and the next request renders.
        cache.set(key, (version, response.status_code, list(response.items()), response.content))
        response["X-Page-Cache"] = "miss"
        if _not_modified(request, response["ETag"]):
            return self._not_modified(response["ETag"])
        return response

    @staticmethod
    def _storable(request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that put a CSRF token in its HTML is someone's, not everyone's.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "no-cache" not in cache_control
        )

    @staticmethod
    def _rebuild(status, headers, content):
        from django.http import HttpResponse

        response = HttpResponse(content, status=status)
        # The stored headers were a response's own (already checked and
        # encoded when first set): put them back without checking each again.
        response.headers._store.update((name.lower(), (name, value)) for name, value in headers)
        return response

    @staticmethod
    def _not_modified(etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        patch_vary_headers(response, ["Cookie"])
        return response
