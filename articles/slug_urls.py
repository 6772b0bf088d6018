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
"""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLACEHOLDER = "finews-slug-placeholder"
_patterns = {}


def slug_url(name, slug):
    """The same string as ``reverse(name, kwargs={"slug": slug})``."""
    return slug_url_builder(name)(slug)


def slug_url_builder(name):
    """``slug_url`` for one URL name, its pattern looked up once: for a page's many cards."""
    key = (name, get_urlconf(), get_script_prefix())
    pattern = _patterns.get(key)
    if pattern is None:
        head, placeholder, tail = reverse(name, kwargs={"slug": _PLACEHOLDER}).partition(
            _PLACEHOLDER
        )
        pattern = _patterns[key] = (head, tail) if placeholder and _PLACEHOLDER not in tail else ()

    def build(slug):
        if not pattern or not isinstance(slug, str) or not _SLUG.match(slug):
            return reverse(name, kwargs={"slug": slug})
        return pattern[0] + slug + pattern[1]

    return build


@lru_cache(maxsize=4096)
def _reversed(name, args, urlconf, prefix):
    return reverse(name, args=args, urlconf=urlconf)


def cached_reverse(name, *args):
    """The same string as ``reverse(name, args=args)``, remembered (``args``: ints, strings)."""
    return _reversed(name, args, get_urlconf(), get_script_prefix())


@receiver(setting_changed)
def _forget_patterns(setting, **kwargs):
    # Tests may swap the URLconf; Django clears its own URL caches then too.
    if setting == "ROOT_URLCONF":
        _patterns.clear()
        _reversed.cache_clear()
