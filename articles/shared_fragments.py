"""``{% call shared_fragment(name, var...) %}…{% endcall %}``: chrome rendered once.

The site's header, footer and "按日期浏览" box are the same on every page: a
dozen ``url()`` lookups and an include that cost about a tenth of an uncached
list page. This template global renders such a block once per process and per
key, and serves the stored HTML after that. The key is the name, the values
passed after it (``TODAY``, ``SITE_NAME``…: whatever the block reads from the
context must be passed), and what URL reversing depends on (the URLconf and
the script prefix). It is never keyed by page: a block whose output depends on
the request or on content must not use it.
"""

from collections import OrderedDict
from threading import Lock

from django.conf import settings
from markupsafe import Markup

from articles.slug_urls import url_scope

# Enough for every fragment over a few days (the key holds today's date).
MAX_ENTRIES = 64
_store = OrderedDict()
_lock = Lock()


def clear():
    """Forget every stored fragment (tests that change what a fragment reads)."""
    with _lock:
        _store.clear()


def shared_fragment(name, *values, caller):
    """The block's HTML (``caller()``, Jinja2's ``{% call %}`` body) for this key, rendered once."""
    urlconf, prefix = url_scope()
    key = (name, values, urlconf or settings.ROOT_URLCONF, prefix)
    html = _store.get(key)
    if html is None:
        html = str(caller())
        with _lock:
            _store[key] = html
            while len(_store) > MAX_ENTRIES:
                _store.popitem(last=False)
    return Markup(html)  # noqa: S704 (the block's own rendering, escaped as it was)
