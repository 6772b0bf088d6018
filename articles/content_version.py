"""The content version: one token that changes whenever what readers see changes.

Every cached thing (whole pages, page counts, pagination boundaries) is tied
to it. Counts and boundaries have the token in their key (``versioned_key``);
the page cache (ops/page_cache.py) stores a page per URL with the token it was
rendered under, and serves it only while that token is current. Changing the
token is one cache write; nothing is flushed, nothing is served stale, and
entries of old tokens are overwritten or expire by their timeout.

The version state is ``(token, next_due)``: ``next_due`` is the publish time
of the next scheduled article. A request that finds ``now >= next_due``
renews the token, so a scheduled article appears the moment it is due.

A leaf module: it imports no model. The model layer announces changes
(articles/signals.py, wired in articles/listeners.py) and supplies the next
due time through ``set_next_due_source()``.
"""

import secrets
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "finews:content-version"

_next_due_source = None


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
    if state is None:
        state = cache.get(VERSION_KEY)
    if state is None or (state[1] is not None and timezone.now().timestamp() >= state[1]):
        state = _renew((), recompute=True)
    return state[0]


def _renew(due, recompute):
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
    cache.set(VERSION_KEY, state, None)
    return state


def renew(due=(), recompute=False):
    """Make every cached page and count stale: now, and again when the transaction commits.

    The writer computes the new state so that readers pay no query; the second
    renewal matters: a request that renders between the write and the commit
    still sees the old rows and would cache them under the first new token.
    """
    due = list(due)
    _renew(due, recompute)
    transaction.on_commit(lambda: _renew(due, recompute))


def versioned_key(*parts):
    """A cache key for data derived from the published content."""
    return ":".join(["finews", current(), *map(str, parts)])
