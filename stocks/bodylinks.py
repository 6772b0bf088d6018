"""Link the first mention of each security in an article's sanitized body to its stock page.

Only text between tags changes: a name is wrapped in ``<a>`` at its first
occurrence outside any existing link (and outside script/style, which the
sanitizer removes anyway), so markup is never broken; at most one link per
security. Cheap enough to run while rendering (one pass over the body).
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.slug_urls import cached_reverse

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|<!--.*?-->", re.DOTALL)
_SKIP = {"a", "script", "style", "code", "pre"}


def link_securities(article):
    """The article's sanitized body with its securities' first mentions linked (a filter)."""
    # The body passed the one sanitizer when it was saved; only text nodes change here.
    return mark_safe(link_first_mentions(article.body, article.mentioned_securities()))  # noqa: S308


def link_first_mentions(body, securities):
    """``body`` with the first mention (``text``) of each of ``securities`` linked."""
    # Text nodes are HTML-escaped: each name is looked for as it is written there.
    wanted = [
        (escape(s["text"]), cached_reverse("stocks:detail", s["code"]))
        for s in securities
        if s.get("text") and s.get("code")
    ]
    if not body or not wanted:
        return body
    out, pos, skip_depth = [], 0, 0
    for tag in _TAG.finditer(body):
        out.append(
            _link_text(body[pos : tag.start()], wanted)
            if not skip_depth
            else body[pos : tag.start()]
        )
        out.append(tag[0])
        name = (tag[2] or "").lower()
        if name in _SKIP:
            if tag[1]:
                skip_depth = max(0, skip_depth - 1)
            elif not tag[0].endswith("/>"):
                skip_depth += 1
        pos = tag.end()
    out.append(_link_text(body[pos:], wanted) if not skip_depth else body[pos:])
    return "".join(out)


def _link_text(text, wanted):
    """Link, in one text node, the first occurrence of each name still wanted (then done)."""
    if not text or not wanted:
        return text
    found = []
    for entry in wanted:
        index = text.find(entry[0])
        if index >= 0:
            found.append((index, -len(entry[0]), entry))
    out, pos = [], 0
    for index, _, entry in sorted(found):
        if index < pos:
            continue  # inside a name linked just before (茅台 in 贵州茅台)
        written, url = entry
        out.append(text[pos:index])
        out.append(f'<a class="stock-link" href="{url}">{written}</a>')
        pos = index + len(written)
        wanted.remove(entry)
    out.append(text[pos:])
    return "".join(out)
