"""Write-time text of the search index: word segmentation and the stored search text.

Chinese is written without spaces, so the stored text (and, in articles/search.py,
the reader's query) is cut into words with jieba (the Rust port, rjieba, whose
dictionary is compiled into the package; nothing is downloaded). Each article
keeps its segmented text in ``Article.search_text``: one line each for title,
summary and body, every word between spaces and lowercased.

A leaf module: no Django, no models, so the data layer (and the Jekyll parser)
can use it without loading anything that serves pages.
"""

import functools
import html
import re

_WORD_CHAR = re.compile(r"\w")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
# Tags that separate blocks of text; inline ones (<b>, <a>, ...) do not separate words.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|center|section|pre)\b[^>]*>",
    re.IGNORECASE,
)

# PostgreSQL refuses a tsvector whose distinct words take more than 1 MB ("string is
# too long for tsvector"), and an import or save with it. Search mode emits at most
# about six words per character of CJK text, three bytes each, so an article is indexed
# up to this many characters of title, summary and body together: a longer body is
# indexed by its beginning (docs/SEARCH.md).
SEARCH_TEXT_MAX_CHARS = 50_000


@functools.cache
def _jieba():
    """The segmenter, loaded once per process on first use (the import loads the dictionary)."""
    import rjieba

    return rjieba


def segment(text, *, for_search=True):
    """Lowercased words of ``text``; punctuation and spaces dropped.

    ``for_search`` also yields the shorter words inside long ones (中华人民共和国 →
    中华, 共和国, ...), which is what the stored text needs so that a short query
    word finds a long compound.
    """
    if not text:
        return []
    jieba = _jieba()
    cut = jieba.cut_for_search if for_search else jieba.cut
    return [word for word in (w.strip().lower() for w in cut(text)) if _WORD_CHAR.search(word)]


def plain_text(fragment):
    """Text of an HTML fragment: tags removed, entities decoded, spaces collapsed.

    Chinese has no spaces between words: inline tags vanish without a trace
    (``<b>央</b>行`` is 央行), only block tags separate. The result is plain
    text: whoever shows it escapes it.
    """
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment or "")))
    return _SPACES.sub(" ", text).strip()


def document_text(title, summary, body):
    """The stored search text: three lines (title, summary, body) of space-separated words.

    Every word has a space on each side, so the SQLite fallback can match whole
    words with ``LIKE '% word %'``; PostgreSQL builds the weighted tsvector from
    the three lines. Only the first SEARCH_TEXT_MAX_CHARS characters of the three
    together are segmented.
    """
    parts, budget = [], SEARCH_TEXT_MAX_CHARS
    for part in (title or "", summary or "", plain_text(body)):
        part = part[:budget]
        budget -= len(part)
        parts.append(part)
    return "\n".join(" " + " ".join(segment(part)) + " " for part in parts)
