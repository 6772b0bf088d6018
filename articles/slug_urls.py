"""``reverse()`` for the URLs every card repeats, derived from ``reverse()`` once.

A list page builds about forty article and category URLs; ``reverse()`` costs
tens of microseconds each. The pattern of ``/news/<slug>/`` is found once (per
URLconf and script prefix) by reversing a placeholder slug, and a slug is then
put into it. Only slugs the ``slug`` path converter accepts (ASCII letters,
digits, ``-``, ``_``: nothing to quote) take the shortcut; anything else goes
through ``reverse()`` itself, which raises ``NoReverseMatch`` as before.

``cached_reverse()`` remembers other URLs pages repeat on every request (the
breadcrumbs' home, the date archive's calendar): a bounded set, each reversed
once per URLconf and script prefix.

Which URLconf and script prefix a request reverses with is Django's per-request
state, kept in asgiref ``Local`` objects: 3–8 µs a read, two reads for each of
the forty-odd URLs of a page. ``URLScopeMiddleware`` reads them once per
request and keeps the pair in ``URL_SCOPE`` (a ``ContextVar``: a fraction of a
microsecond a read; articles/middleware.py); ``url_scope()`` falls back to
Django's state outside a request.
"""

import re
from contextvars import ContextVar
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLACEHOLDER = "finews-slug-placeholder"
_patterns = {}
# (URLconf, script prefix) of the request being served, set by URLScopeMiddleware.
URL_SCOPE = ContextVar("finews_url_scope", default=None)


def url_scope():
    """(URLconf, script prefix) that ``reverse()`` uses now: this request's, read once."""
    return URL_SCOPE.get() or (get_urlconf(), get_script_prefix())


def slug_url(name, slug):
    """The same string as ``reverse(name, kwargs={"slug": slug})``."""
    return slug_url_builder(name)(slug)


def slug_url_builder(name):
    """``slug_url`` for one URL name, its pattern looked up once: for a page's many cards."""
    urlconf, prefix = url_scope()
    key = (name, urlconf, prefix)
    pattern = _patterns.get(key)
    if pattern is None:
        head, placeholder, tail = reverse(
            name, kwargs={"slug": _PLACEHOLDER}, urlconf=urlconf
        ).partition(_PLACEHOLDER)
        pattern = _patterns[key] = (head, tail) if placeholder and _PLACEHOLDER not in tail else ()

    def build(slug):
        if not pattern or not isinstance(slug, str) or not _SLUG.match(slug):
            return reverse(name, kwargs={"slug": slug}, urlconf=urlconf)
        return pattern[0] + slug + pattern[1]

    return build


@lru_cache(maxsize=4096)
def _reversed(name, args, urlconf, prefix):
    return reverse(name, args=args, urlconf=urlconf)


def cached_reverse(name, *args):
    """The same string as ``reverse(name, args=args)``, remembered (``args``: ints, strings)."""
    return _reversed(name, args, *url_scope())


@receiver(setting_changed)
def _forget_patterns(setting, **kwargs):
    # Tests may swap the URLconf; Django clears its own URL caches then too.
    if setting == "ROOT_URLCONF":
        _patterns.clear()
        _reversed.cache_clear()
