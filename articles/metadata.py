"""Page metadata for search engines and link previews: canonical URLs, JSON-LD.

JSON-LD goes into a <script> element, so it is escaped the way Django's
``json_script`` escapes: ``<``, ``>`` and ``&`` become ``\\u003C`` etc., so no
title (``</script>``, ``<!--``) can end the element early, and the text stays
valid JSON.
"""

import re
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from articles import timefmt

_SCRIPT_ESCAPES = (
    ("<", "\\u003C"),
    (">", "\\u003E"),
    ("&", "\\u0026"),
    # Line and paragraph separators are valid JSON but end lines in old JS parsers.
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


class Crumb(NamedTuple):
    """One step of a breadcrumb trail; the last one is the current page."""

    label: str
    url: str


# An absolute path that urljoin() and iri_to_uri() leave as it is: one "/"
# first, only characters that iri_to_uri() does not quote, no "." or ".."
# segment (which urljoin() would resolve).
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9/_.~!$&'()*+,=:@?#%-]*")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?#]|\Z)")


def absolute_url(request, path):
    """The absolute URL of ``path``: SITE_URL's origin when set, else the request's.

    A page asks for five or six (canonical link, social card, JSON-LD,
    breadcrumbs). The origin is worked out once per request and a plain
    absolute path put after it: ``urljoin`` and ``build_absolute_uri`` give
    that same string, at several times the cost; any other path still goes
    through them.
    """
    if _PLAIN_PATH.fullmatch(path) is None or _DOT_SEGMENT.search(path) is not None:
        return _joined(request, path)
    origin = request.__dict__.get("_finews_origin")
    if origin is None:
        origin = request._finews_origin = _joined(request, "/")[:-1]
    return origin + path


def _joined(request, path):
    if settings.SITE_URL:
        return urljoin(settings.SITE_URL.rstrip("/") + "/", path)
    return request.build_absolute_uri(path)


def beijing_iso(moment):
    """An ISO 8601 timestamp in Beijing time, with its +08:00 offset."""
    return timefmt.beijing(moment).isoformat(timespec="seconds")


class _FirstImage(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src = None

    def handle_starttag(self, tag, attrs):
        if tag == "img" and self.src is None:
            src = (dict(attrs).get("src") or "").strip()
            if src:
                self.src = src


def first_image_url(request, body):
    """The absolute URL of the first <img> in a (sanitized) body, or None."""
    if "<img" not in body:
        return None
    parser = _FirstImage()
    parser.feed(body)
    parser.close()
    if parser.src is None:
        return None
    url = absolute_url(request, parser.src) if parser.src.startswith("/") else parser.src
    return url if urlsplit(url).scheme in {"http", "https"} else None


def _escape_for_script(text):
    # str.replace() five times: str.translate() with a mapping costs ~40x as much.
    for character, escaped in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return text


# json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False), without a new
# encoder per call (an encoder keeps no state between calls).
_JSON_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def json_ld_script(data):
    """A <script type="application/ld+json"> element holding ``data``, safe in HTML."""
    text = _escape_for_script(_JSON_ENCODER.encode(data))
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped just above


def article_json_ld(article, *, canonical, image=None):
    """schema.org NewsArticle for one article page."""
    source = {"@type": "Organization", "name": article.source_name or article.category.name}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": beijing_iso(article.published_at),
        "dateModified": beijing_iso(max(article.updated_at, article.published_at)),
        "author": source,
        "publisher": source,
        "articleSection": article.category.name,
        "inLanguage": "zh-CN",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
    }
    if article.summary:
        data["description"] = article.summary
    if image:
        data["image"] = [image]
    return data


def breadcrumb_json_ld(request, crumbs):
    """schema.org BreadcrumbList for a breadcrumb trail."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": absolute_url(request, crumb.url),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }
