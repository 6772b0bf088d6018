"""The content version: one token that changes whenever what readers see changes.

Every cached thing (whole pages, page counts, pagination boundaries, a list's
category or tag, the archive's calendar) is tied to it: each value is stored
with the token it was computed under and used only while that token is
current. The page cache (ops/page_cache.py) stores a page per URL that way;
``Snapshot`` reads a list page's count, boundaries and objects that way, in
the same round trip as the token itself. Changing the
token is one cache write; nothing is flushed, nothing is served stale, and
entries of old tokens are overwritten or expire by their timeout.

The version state is ``(token, next_due)``: ``next_due`` is the publish time
of the next scheduled article. A request that finds ``now >= next_due``
renews the token, so a scheduled article appears the moment it is due.

A lost renewal is never silent (issue 13 item 6): when the new token cannot
be written (the shared cache unreachable), the failure is logged as an error,
counted for the admin (``failures()``: the editor is warned), and the process
keeps a pending flag: every later ``current()`` (every cached page asks) tries
again until the write succeeds. Until then, other hosts may serve pages of the
old token; the page cache stores them for at most ``PAGE_CACHE_MAX_AGE``.

A leaf module: it imports no model. The model layer announces changes
(articles/signals.py, wired in articles/listeners.py) and supplies the next
due time through ``set_next_due_source()``.
"""

import logging
import secrets
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "finews:content-version"

logger = logging.getLogger("finews.cache")

_next_due_source = None
# The state of a renewal this process could not write: retried by current().
_pending = None


class _Failures(threading.local):
    count = 0


_failures = _Failures()


def failures():
    """How many renewals this thread could not write so far (compare before and after a save)."""
    return _failures.count


def pending():
    """True while a renewal of this process is still waiting to be written."""
    return _pending is not None


def set_next_due_source(source):
    """Tell the version how to find the next scheduled publish time.

    ``source()`` returns an aware datetime or None; the model layer provides it
    (``ArticleQuerySet.next_due``), connected when the app is ready.
    """
    global _next_due_source
    _next_due_source = source


def _next_due():
    moment = _next_due_source() if _next_due_source is not None else None
    return moment.timestamp() if moment else None


def _token():
    return f"{time.time_ns():x}{secrets.token_hex(2)}"


def current(state=None):
    """The current content token; renewed when a scheduled article has come due.

    ``state`` is the value of VERSION_KEY when the caller fetched it already.
    """
    waiting = _pending
    if waiting is not None:
        state = _retry(waiting) or state
    if state is None:
        state = cache.get(VERSION_KEY)
    if state is None or (state[1] is not None and timezone.now().timestamp() >= state[1]):
        state = _renew((), recompute=True, quiet=True)
    return state[0]


def _renew(due, recompute, quiet=False):
    """Store a new token; ``due``: publish times the write may have scheduled."""
    state = None if recompute else cache.get(VERSION_KEY)
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
    _store(state, quiet=quiet)
    return state


def _store(state, *, quiet=False):
    """Write the version state; on failure keep it as the pending renewal.

    An editor's renewal that fails is also logged as an error and counted for
    the admin's warning; a reader's (``quiet``: a retry, a due time reached)
    only keeps the renewal pending.
    """
    global _pending
    # A backend that hides its errors (ops/redis_cache.py) offers a set that does not.
    write = getattr(cache, "set_or_raise", None) or cache.set
    try:
        write(VERSION_KEY, state, None)
    except Exception as exc:  # whatever the backend raised, the token was not written
        if not quiet:
            _failures.count += 1
            logger.error(
                "content version not renewed, cached pages may be stale"
                " (retried on the next request): %s: %s",
                type(exc).__name__,
                exc,
            )
        _pending = state
        return False
    if _pending is not None:
        _pending = None
        logger.warning("content version renewed after an earlier failure")
    return True


def _retry(waiting):
    """Write the pending renewal (a fresh token, its next due time); None if it fails again."""
    state = (_token(), waiting[1])
    return state if _store(state, quiet=True) else None


def renew(due=(), recompute=False):
    """Make every cached page and count stale: now, and again when the transaction commits.

    The writer computes the new state so that readers pay no query; the second
    renewal matters: a request that renders between the write and the commit
    still sees the old rows and would cache them under the first new token.
    """
    due = list(due)
    _renew(due, recompute)
    transaction.on_commit(lambda: _renew(due, recompute))


class Snapshot:
    """Data derived from the content, for one request: read with the token in one round trip.

    ``Snapshot(keys)`` fetches the token and every key with one ``get_many``;
    a value is stored with the token it was computed under (``set``) and is
    seen only while that token is current: an entry of an older token is a
    miss, never served.
    A key not named up front is read when first asked for.
    """

    def __init__(self, keys=()):
        keys = list(dict.fromkeys(keys))
        found = cache.get_many([VERSION_KEY, *keys])
        self.token = current(found.get(VERSION_KEY))
        self._values = {}
        for key in keys:
            self._take(key, found.get(key))

    def _take(self, key, entry):
        fresh = entry is not None and entry[0] == self.token
        self._values[key] = entry[1] if fresh else None

    def get(self, key):
        """The value stored under ``key`` for the current token, or None."""
        if key not in self._values:
            self._take(key, cache.get(key))
        return self._values[key]

    def set(self, key, value, timeout):
        self._values[key] = value
        cache.set(key, (self.token, value), timeout)

    def get_or_set(self, key, load, timeout):
        """The value under ``key`` for the current token; else ``load()``, stored for it."""
        value = self.get(key)
        if value is None:
            value = load()
            self.set(key, value, timeout)
        return value
