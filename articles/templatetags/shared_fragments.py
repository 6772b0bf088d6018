"""``{% shared_fragment name var... %}…{% endshared_fragment %}``: chrome rendered once.

The site's header, footer and "按日期浏览" box are the same on every page: a
dozen ``{% url %}`` lookups and two includes that cost about a tenth of an
uncached list page. This tag renders such a block once per process and per
key, and serves the stored HTML after that. The key is the name, the values
of the variables named after it (``TODAY``, ``SITE_NAME``…: whatever the block
reads from the context must be listed), and what URL reversing depends on
(the URLconf and the script prefix). It is never keyed by page: a block whose
output depends on the request or on content must not use it.
"""

from collections import OrderedDict
from threading import Lock

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe

register = template.Library()

# Enough for every fragment over a few days (the key holds today's date).
MAX_ENTRIES = 64
_store = OrderedDict()
_lock = Lock()


def clear():
    """Forget every stored fragment (tests that change what a fragment reads)."""
    with _lock:
        _store.clear()


class SharedFragmentNode(template.Node):
    def __init__(self, name, variables, nodelist):
        self.name = name
        self.variables = variables
        self.nodelist = nodelist

    def render(self, context):
        key = (
            self.name,
            tuple(var.resolve(context) for var in self.variables),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
        )
        html = _store.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            with _lock:
                _store[key] = html
                while len(_store) > MAX_ENTRIES:
                    _store.popitem(last=False)
        return mark_safe(html)  # noqa: S308 (the block's own rendering, escaped as it was)


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    variables = [parser.compile_filter(bit) for bit in bits[2:]]
    return SharedFragmentNode(bits[1].strip("\"'"), variables, nodelist)
