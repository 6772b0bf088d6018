"""The helpers the reader pages' templates call (finews/jinja2.py names them there).

Plain functions: the Jinja2 environment makes them globals (``{{ article_cards(articles) }}``)
and filters (``{{ moment|list_time }}``). Functions that read the page's context take it
first (``pass_context``), as Django's ``takes_context`` tags did.
"""

import html
import re
import unicodedata
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import pgettext
from jinja2 import pass_context

from articles import metadata, timefmt
from articles.context_processors import site_description
from articles.slug_urls import cached_reverse, slug_url_builder

# What html.escape() replaces: a text without any is used as it is.
_TO_ESCAPE = re.compile("[&<>\"']")


def _escaped(value):
    """``conditional_escape(value)`` as text: the same characters, without its wrappers.

    Django's ``conditional_escape`` checks every argument for a lazy string
    (``keep_lazy``: a generator over its arguments) and wraps its answer in a
    ``SafeString``; the helpers below put the text into a larger string they
    mark safe once. A plain ``str`` with nothing to escape is returned as it is.
    """
    if type(value) is str:
        return html.escape(value) if _TO_ESCAPE.search(value) else value
    return conditional_escape(value)


@pass_context
def canonical_url(context):
    """This page's absolute URL without query string, except a page number past 1."""
    request = context.get("request")
    if request is None:  # a template rendered outside a request: no canonical link
        return ""
    path = request.path
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        path = f"{path}?page={page_obj.number}"
    return metadata.absolute_url(request, path)


def json_ld(data):
    """A JSON-LD <script> element for ``data``; nothing inside can close it."""
    if not data:
        return ""
    return metadata.json_ld_script(data)


def breadcrumbs_nav(request, crumbs):
    """The page's breadcrumb trail and its JSON-LD (nothing but a line break without one).

    Built in Python, as the cards are: an included template copied the whole
    page context for three links, about a twentieth of an article page's
    rendering. Each value is escaped as the templates print it; the HTML,
    whitespace included, is what the ``_breadcrumbs.html`` include it replaced wrote
    (tests/articles/test_reference_html.py).
    """
    if not crumbs:
        return "\n"
    last = len(crumbs) - 1
    items = "".join(
        f'\n      <li><span aria-current="page">'
        f"{_escaped(truncatechars(crumb.label, 30))}</span></li>\n    "
        if position == last
        else f'\n      <li><a href="{_escaped(crumb.url)}">{_escaped(crumb.label)}</a></li>\n    '
        for position, crumb in enumerate(crumbs)
    )
    script = metadata.json_ld_script(metadata.breadcrumb_json_ld(request, crumbs))
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'\n<nav class="crumbs" aria-label="位置">\n  <ol>\n    {items}\n  </ol>\n</nav>\n'
        f"{script}\n\n"
    )


def social_meta(canonical_url, og_title="", og_description="", og_type="", og_image=""):
    """The page's OpenGraph and Twitter card tags: its title, description, type and image.

    The site's name, description and "website" stand in for what is not given.
    Built in Python for the reason ``breadcrumbs_nav`` is; the HTML is what
    the ``_social_meta.html`` include it replaced wrote.
    """
    name = _escaped(settings.SITE_NAME)
    kind = _escaped(og_type or "website")
    title = _escaped(og_title or settings.SITE_NAME)
    description = _escaped(og_description or site_description())
    url = _escaped(canonical_url)
    image = _escaped(og_image) if og_image else ""
    og_image_tag = f'<meta property="og:image" content="{image}">' if image else ""
    twitter_image_tag = f'<meta name="twitter:image" content="{image}">' if image else ""
    card = "summary_large_image" if image else "summary"
    return mark_safe(  # noqa: S308 (every value is escaped)
        f'\n  <meta property="og:site_name" content="{name}">'
        '\n  <meta property="og:locale" content="zh_CN">'
        f'\n  <meta property="og:type" content="{kind}">'
        f'\n  <meta property="og:title" content="{title}">'
        f'\n  <meta property="og:description" content="{description}">'
        f'\n  <meta property="og:url" content="{url}">'
        f"\n  {og_image_tag}"
        f'\n  <meta name="twitter:card" content="{card}">'
        f'\n  <meta name="twitter:title" content="{title}">'
        f'\n  <meta name="twitter:description" content="{description}">'
        f"\n  {twitter_image_tag}\n"
    )


def tag_url(tag):
    """The tag's page, or "" when its slug cannot be routed: the name is then shown unlinked.

    Tags get routable slugs on save (articles.tagging.prepare_tag); one written
    around that (a bulk insert) must not take the article page down with it.
    """
    try:
        return cached_reverse("articles:tag", tag.slug)
    except NoReverseMatch:
        return ""


def iso_beijing(moment):
    """A timestamp as ISO 8601 in Beijing time, to the second, with +08:00."""
    if not moment:
        return ""
    return metadata.beijing_iso(moment)


def live_list_attrs(live, show_category=True):
    """The data attributes that let static/js/live.js update a listing (none without ``live``)."""
    if not live:
        return ""
    return format_html(
        ' data-live-url="{}" data-live-since="{}" data-live-after-id="{}" data-live-poll="{}"'
        ' data-live-show-category="{}"',
        live["url"],
        live["since"],
        live["after_id"],
        live["poll_seconds"],
        "true" if show_category else "false",
    )


def local_time(moment):
    """``moment`` in the site's time zone (Beijing): one conversion for several formats."""
    return timefmt.beijing(moment) if moment else None


def local_iso(moment):
    """What ``|date:'c'`` shows (ISO 8601 in the site's time zone), without its formatter."""
    return timefmt.beijing(moment).isoformat() if moment else ""


def truncatechars(value, length):
    """Django's ``truncatechars`` filter, through ``_truncate``."""
    try:
        length = int(length)
    except ValueError:  # as the filter: an invalid length leaves the value whole
        return value
    return _truncate(str(value), length)


def _truncate(text, length):
    """``Truncator(text).chars(length)``, the ``truncatechars`` filter, without its loop
    when ``text`` is short enough to be returned whole (only normalized), and with
    the ellipsis looked up once: Django looks its translation up on every cut
    (``...`` in Chinese), through the active language's asgiref ``Local``."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length, truncate=_ellipsis(settings.LANGUAGE_CODE))


@cache
def _ellipsis(language):
    """What Django's ``Truncator`` appends to a cut text in ``language`` (the site's only one)."""
    with translation.override(language):
        return pgettext("String to return when truncating text", "%(truncated_text)s…")


def related_headlines(articles):
    """The article page's 相关新闻 items: link, Beijing time (list style) and source of each.

    Built in Python, as the cards are: five values per item through the
    template's escaping was about a fifth of an article page's rendering. The
    HTML is what the template's loop wrote, whitespace included
    (tests/articles/test_reference_html.py).
    """
    if not articles:
        return ""
    article_url = slug_url_builder("articles:detail")
    this_year = timefmt.beijing(timezone.now()).year
    items = []
    for article in articles:
        local = timefmt.beijing(article.published_at)
        items.append(
            f'\n        <li><a href="{html.escape(article_url(article.slug))}">'
            f"{html.escape(article.title)}</a>\n"
            f'          <time datetime="{local.isoformat()}">'
            f"{timefmt.local_list_time(local, this_year)} · {html.escape(article.category.name)}"
            "</time></li>\n      "
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above is escaped)


def story_sources(article, now=None):
    """The story's other published members (name, time, link) as 另有 N 家来源, or ""."""
    others = getattr(article, "story_others", None)
    if not others:
        return ""
    items = "".join(
        f'<li><a href="{escape(other.get_absolute_url())}">'
        f"{escape(other.source_name or other.category.name)}</a> "
        f'<time datetime="{timefmt.beijing(other.published_at).isoformat()}">'
        f"{timefmt.list_time(other.published_at, now)}</time></li>"
        for other in others
    )
    return (
        f'<details class="story-sources"><summary>另有 {len(others)} 家来源</summary>'
        f"<ul>{items}</ul></details>"
    )


def story_sources_html(article):
    """The story's other sources under a listing item (see ``story_sources``)."""
    return mark_safe(story_sources(article))  # noqa: S308 (every value is escaped)


def _flash_marks(article):
    """A 7×24 item's marks before its card title (as the timeline marks 重要)."""
    if article.kind != article.Kind.FLASH:
        return ""
    important = '<span class="flash-mark">重要</span>' if article.important else ""
    return f'<span class="card-kicker">快讯</span>{important}'


def _card(article, page, mark_flash=False):
    # Beijing time (the site's TIME_ZONE), as the ``date`` filter shows it.
    moment = article.published_at.astimezone(page.tz)
    category = ""
    if page.category_url is not None:
        category = (
            f'<a class="cat" href="{html.escape(page.category_url(article.category.slug))}">'
            f"{html.escape(article.category.name)}</a>"
        )
    summary = ""
    if article.summary:
        summary = f'<p class="summary">{html.escape(_truncate(article.summary, 120))}</p>'
    return (
        f'<article class="card" data-id="{article.pk}">\n'
        f'  <time datetime="{moment.isoformat()}">'
        f"{timefmt.local_list_time(moment, page.this_year)}</time>\n"
        f'  <div class="card-main">\n'
        f'    <h2 class="card-title">{_flash_marks(article) if mark_flash else ""}'
        f'<a href="{html.escape(page.article_url(article.slug))}">'
        f"{html.escape(article.title)}</a></h2>\n"
        f"    {summary}{story_sources(article, page.now)}\n"
        f"  </div>\n"
        f"  {category}\n"
        f"</article>\n"
    )


class _CardPage:
    """What every card of one listing shares, worked out once for the listing."""

    def __init__(self, show_category):
        self.now = timezone.now()
        self.tz = timezone.get_default_timezone()  # Beijing (timefmt.beijing)
        self.this_year = self.now.astimezone(self.tz).year
        self.article_url = slug_url_builder("articles:detail")
        self.category_url = (
            None if show_category is False else slug_url_builder("articles:category")
        )


def article_cards(articles, show_category=True, mark_flash=False):
    """The cards of a listing: the one definition of an article card's HTML.

    Built in Python: a template include per card cost about a quarter of a
    list page's time. ``show_category=False`` leaves out the category link;
    ``mark_flash`` marks 7×24 items (lists mixing them with articles). What
    the cards share (the clock, the time zone, the URL patterns) is looked up
    once per listing, and values are escaped with ``html.escape`` (what
    Django's ``escape`` does, without its lazy-string wrapper).
    tests/articles/test_cards.py pins the output (escaping, Beijing time, cut summaries).
    """
    page = _CardPage(show_category)
    return mark_safe(  # noqa: S308 (every value above is escaped)
        "".join(f"\n    {_card(article, page, mark_flash)}\n  " for article in articles)
    )
