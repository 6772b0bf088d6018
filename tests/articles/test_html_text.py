"""``html_text`` reads the text of a fragment exactly as ``html.unescape(strip_tags())`` does.

Its shortcut (cutting plain tags with a regular expression) must never give
another text: checked on real archive bodies (sanitized, then cut at every
length, so that a tag or an entity is cut in half), on the XSS corpus and on
fragments made to trip a regular expression.
"""

import html

import pytest
from django.utils.html import strip_tags

from articles import demo_data
from articles.demo_texts import corpus_texts
from articles.sanitize import sanitize_html
from articles.textclean import html_text
from tests.browser.xss_vectors import VECTORS


def expected(fragment):
    return html.unescape(strip_tags(fragment))


TRICKY = [
    "",
    "纯文本，没有标签",
    "<p>摩根士丹利发表报告指</p><p>第二段</p>",
    '<p class="lead">带属性</p>',
    '<a href="https://example.com/?a=1&amp;b=2" title="x">链接</a>',
    '<img src="/a.png" alt="a > b">之后',
    "<img alt='单引号'>之后",
    '<p title="引号\'内">文字</p>',
    "<p>A &amp; B &lt;tag&gt;</p>",
    "<p>1 < 2 and 3 > 2</p>",
    "<!-- 注释 --><p>正文</p>",
    "<script>var a = '<p>x</p>';</script><p>正文</p>",
    "<STYLE>p{}</STYLE>正文",
    '<p>cut in the <a href="/x',
    "<p>cut after an entity &am",
    "</ p>坏的结束标签",
    "<br/>换行<br />",
    "<p\nclass=x>换行的标签</p>",
    "<<p>>双尖括号",
    "<p>`反引号`</p>",
    "<![CDATA[x]]>正文",
    "<?xml version='1.0'?>正文",
    "<p>&nbsp;&#12288;全角空格</p>",
]


@pytest.mark.parametrize("fragment", TRICKY)
def test_made_up_fragments(fragment):
    assert html_text(fragment) == expected(fragment)


def test_xss_corpus_raw_and_sanitized():
    for vector in VECTORS:
        assert html_text(vector) == expected(vector), vector
        clean = sanitize_html(vector)
        assert html_text(clean) == expected(clean), clean


def _cut_everywhere(body):
    for end in range(len(body) + 1):
        assert html_text(body[:end]) == expected(body[:end]), body[:end]


def test_demo_stories_cut_at_every_length():
    """The demo stories' bodies (what the site shows without the archive), whole and cut anywhere."""
    for story in demo_data.STORIES:
        _cut_everywhere(sanitize_html(story[2]))


def test_archive_bodies_cut_at_every_length(corpus_dir):
    """Every post of the archive sample (the demo articles' bodies), whole and cut anywhere."""
    bodies = [sanitize_html(text.body) for text in corpus_texts(corpus_dir / "_posts")]
    assert len(bodies) > 50, "the archive sample was not read"
    for body in bodies:
        _cut_everywhere(body)
