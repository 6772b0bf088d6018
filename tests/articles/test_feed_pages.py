"""Feeds read by feed readers (feedparser) and shown to browsers through an XSLT stylesheet."""

from pathlib import Path

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

STYLESHEET_PI = b'<?xml-stylesheet href="/static/feeds/feed.xsl" media="screen" type="text/xsl"?>'
ALL_FEEDS = [
    ("feed_rss", ()),
    ("feed_atom", ()),
    ("category_feed_rss", ("xsltsrc",)),
    ("category_feed_atom", ("xsltsrc",)),
    ("tag_feed_rss", ("样式标签",)),
    ("tag_feed_atom", ("样式标签",)),
]


@pytest.fixture
def article():
    return make_article(
        title="债市走强 <收益率> 下行XSLTa1",
        summary="十年期收益率 <2%> & 资金面宽松XSLTs1",
        category=make_category(name="样式来源", slug="xsltsrc"),
        tags=["样式标签"],
    )


@pytest.mark.parametrize(("name", "args"), ALL_FEEDS)
def test_every_feed_links_the_stylesheet(client, article, name, args):
    """Each RSS and Atom feed names the XSLT stylesheet before its root element."""
    body = client.get(reverse(f"articles:{name}", args=args)).content
    declaration, rest = body.split(b"\n", 1)
    assert declaration.startswith(b"<?xml")
    assert rest.startswith(STYLESHEET_PI)


def test_stylesheet_is_a_static_file():
    """The stylesheet is served from static/ (no build step)."""
    path = finders.find("feeds/feed.xsl")
    assert path and "xsl:stylesheet" in Path(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_feedparser_reads_the_feeds(client, article, name):
    """A feed reader still reads them: title, link and summary, escaped exactly once."""
    parsed = feedparser.parse(client.get(reverse(f"articles:{name}")).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version in {"rss20", "atom10"}
    (entry,) = parsed.entries
    assert entry.title == "债市走强 <收益率> 下行XSLTa1"
    assert entry.link.endswith(article.get_absolute_url())
    # The summary is HTML for the reader: the text's < and & escaped once, never twice.
    assert "&lt;2%&gt; &amp; 资金面宽松XSLTs1" in entry.summary
    assert "&amp;lt;" not in entry.summary and "&amp;amp;" not in entry.summary
