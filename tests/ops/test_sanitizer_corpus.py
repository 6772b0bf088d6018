"""The sanitizer that stops the XSS corpus keeps the real archive's HTML intact."""

import re
from html.parser import HTMLParser

import pytest

from articles.sanitize import sanitize_html


class _Digest(HTMLParser):
    """Visible text, links and kept elements of an HTML fragment."""

    KEPT = {"p", "strong", "b", "em", "a", "img", "br", "ul", "ol", "li", "table", "tr", "td"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self.tags = [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in self.KEPT:
            self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self):
        return re.sub(r"\s+", " ", "".join(self.text)).strip()


def _post_html(path):
    """A Jekyll post's body as the HTML the importer stores (autolinks as <a>)."""
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    body = re.sub(r"<(https?://[^>\s]+)>", r'<a href="\1">\1</a>', body)
    body = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', body)
    return body.strip()


def test_real_articles_keep_text_links_and_markup(corpus_dir):
    """Every post of ../shared/corpus: same text, same links, same paragraphs after sanitizing."""
    posts = sorted((corpus_dir / "_posts").glob("*.md"))
    assert len(posts) >= 20
    for post in posts:
        original = _post_html(post)
        cleaned = sanitize_html(original)
        before, after = _Digest(original), _Digest(cleaned)
        assert after.plain == before.plain, post.name
        assert after.links == before.links, post.name
        assert after.tags == before.tags, post.name


@pytest.mark.parametrize(
    "html",
    [
        '<p>图表见下：</p><img src="https://img.example.com/k.png" alt="K线" width="600">',
        "<table><tr><th>指标</th><td>3.2%</td></tr></table>",
        "<blockquote>央行表示，将保持流动性合理充裕。</blockquote>",
        '<p><a href="https://www.example.com/a.html" title="原文">原文链接</a></p>',
    ],
)
def test_ordinary_news_markup_survives(html):
    """Images, tables, quotes and links of ordinary news bodies are not stripped."""
    cleaned = sanitize_html(html)
    assert _Digest(cleaned).plain == _Digest(html).plain
    for fragment in ('src="https://img.example.com/k.png"', "<table>", "<blockquote>", "原文链接"):
        if fragment in html:
            assert fragment in cleaned
