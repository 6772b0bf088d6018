"""The one HTML sanitizer for article bodies (DESIGN.md invariant 2).

Every path that stores article HTML reaches this through ``Article.save()`` or
``ArticleQuerySet.bulk_create()``; nothing else cleans HTML and templates
mark only its output as safe.
"""

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "a", "img", "figure", "figcaption",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "blockquote", "q", "cite", "pre", "code",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "ol": ["start"],
    "blockquote": ["cite"],
    "q": ["cite"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements removed together with everything inside them: their text is code,
# a form or embedded content, never part of the article.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "form", "input", "button", "select", "option", "textarea", "noscript",
        "template", "svg", "math", "head", "title", "meta", "link", "base",
    }
)  # fmt: skip

EXTERNAL_REL = "nofollow noopener"


def _internal_hosts():
    hosts = set()
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        hosts.add(urlsplit(site_url).netloc.lower())
    return hosts


_TAG_TOKENS = frozenset({"StartTag", "EndTag", "EmptyTag"})


class DropDangerousElements(Filter):
    """Drop the elements in DROPPED_WITH_CONTENT and all tokens inside them."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = (
                token.get("name", "").lower() if kind in {"StartTag", "EndTag", "EmptyTag"} else ""
            )
            if name in DROPPED_WITH_CONTENT:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag" and depth:
                    depth -= 1
                continue
            if depth:
                continue
            yield token


class MarkExternalLinks(Filter):
    """Give links to other sites rel="nofollow noopener"."""

    def __iter__(self):
        internal = _internal_hosts()
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                netloc = urlsplit(href).netloc.lower() if href else ""
                if netloc and netloc not in internal:
                    attrs[(None, "rel")] = EXTERNAL_REL
            yield token


# Dangerous elements are admitted by the sanitizer only so the first filter can
# see them whole and drop them with their content; with strip=True alone their
# text (a script's source, say) would be left behind as visible text.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[DropDangerousElements, MarkExternalLinks],
)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the article allowlist, safe to output unescaped."""
    if not html:
        return ""
    return _cleaner.clean(html).strip()


class _TagCounter(HTMLParser):
    """Counts elements and (element, attribute) pairs of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.attributes = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, _value in attrs:
            self.attributes[(tag, name)] += 1

    handle_startendtag = handle_starttag


def _count_markup(fragment):
    counter = _TagCounter()
    counter.feed(fragment or "")
    counter.close()
    return counter


def removed_markup(before, after):
    """What the sanitizer took out: element names and ``element 的 attribute 属性`` lines.

    The admin shows these to the editor after a save, so nothing disappears
    from a body without a word.
    """
    old, new = _count_markup(before), _count_markup(after)
    tags = sorted(old.tags - new.tags)
    attributes = sorted(
        (tag, name) for tag, name in old.attributes - new.attributes if tag not in tags
    )
    return [f"<{tag}>" for tag in tags] + [f"<{tag}> 的 {name} 属性" for tag, name in attributes]
