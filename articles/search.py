"""Chinese full-text search: word segmentation, the stored search text, queries, snippets.

Chinese is written without spaces, so both the stored text and the query are cut
into words with jieba (the Rust port, rjieba, whose dictionary is compiled into
the package; nothing is downloaded). Each article keeps its segmented text in
``Article.search_text``: one line each for title, summary and body, every word
between spaces and lowercased. On PostgreSQL a generated ``tsvector`` column
built from those lines (weights A, B, D; 'simple' configuration) carries a GIN
index; on SQLite the fallback matches whole words in ``search_text`` with LIKE.
docs/SEARCH.md describes the difference.
"""

import functools
import re
import unicodedata
from html import unescape

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Longer queries are cut here: nobody types more, and it bounds the work per request.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12
SNIPPET_CHARS = 120
# PostgreSQL refuses a tsvector whose distinct words take more than 1 MB ("string is
# too long for tsvector"), and an import or save with it. Search mode emits at most
# about six words per character of CJK text, three bytes each, so an article is indexed
# up to this many characters of title, summary and body together: a longer body is
# indexed by its beginning (docs/SEARCH.md).
SEARCH_TEXT_MAX_CHARS = 50_000

_WORD_CHAR = re.compile(r"\w")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


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


def plain_text(html):
    """The readable text of stored HTML (sanitized on save, so its tags are well formed).

    The result is plain text: whoever shows it escapes it.
    """
    return _SPACES.sub(" ", unescape(_TAG.sub(" ", html or ""))).strip()


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


def clean_query(raw):
    """The query as the reader meant it: control characters gone, spaces collapsed, bounded."""
    chars = [" " if unicodedata.category(ch)[0] in ("C", "Z") else ch for ch in (raw or "")[:1000]]
    return _SPACES.sub(" ", "".join(chars)).strip()[:MAX_QUERY_CHARS]


def query_words(query):
    """Distinct words of the (cleaned) query, in order, at most MAX_QUERY_WORDS."""
    words = dict.fromkeys(segment(query, for_search=False))
    return list(words)[:MAX_QUERY_WORDS]


def search(queryset, words, window=None):
    """The articles of ``queryset`` containing every word, best first, as a ``SearchResults``.

    Only the newest ``window`` matches (``settings.SEARCH_WINDOW``) are ranked:
    relevance among recent news, at a cost that does not grow with the archive
    (docs/SEARCH.md). One query reads the window's keys and ranks; a page then
    reads its own articles by key.
    """
    if window is None:
        window = settings.SEARCH_WINDOW
    if not words:
        return SearchResults(queryset, [], window)
    # The window's keys first (newest matches, no rank), then the rank of those
    # rows only: a bitmap scan of a common word must not rank every match.
    newest = list(matching(queryset, words).values_list("pk", flat=True)[:window])
    if not newest:
        return SearchResults(queryset, [], window)
    # The keys already match: rank them without testing the match again.
    ranked = _ranked(queryset.model._default_manager.filter(pk__in=newest), words)
    rows = list(ranked.values_list("pk", "rank", "published_at"))
    # Relevance first, then recency, then the key: a stable order for pagination.
    rows.sort(key=lambda row: (-row[1], -row[2].timestamp(), -row[0]))
    return SearchResults(queryset, [row[0] for row in rows], window)


def _ranked(queryset, words):
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, words, match=False)
    return _search_fallback(queryset, words, match=False)


def matching(queryset, words):
    """Every match of ``words`` in ``queryset`` with its ``rank``, newest first (the window)."""
    if connection.vendor == "postgresql":
        matches = _search_postgresql(queryset, words)
    else:
        matches = _search_fallback(queryset, words)
    return matches.order_by("-published_at", "-id")


class SearchResults:
    """The ranked keys of the window; slicing loads just those articles (what a Paginator needs)."""

    def __init__(self, queryset, keys, window):
        self.queryset = queryset
        self.keys = keys
        self.window = window
        # A full window means older matches were left out: the count is a floor.
        self.truncated = len(keys) >= window > 0

    def count(self):
        return len(self.keys)

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = self.keys[index]
        articles = self.queryset.in_bulk(keys) if keys else {}
        # A key whose article changed state since the window was read is skipped.
        return [articles[key] for key in keys if key in articles]


def _search_postgresql(queryset, words, match=True):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    # plainto_tsquery: the words are ANDed and any tsquery syntax in them is inert.
    query = SearchQuery(" ".join(words), config="simple", search_type="plain")
    # The generated column is not a model field (see the migration); the SQL is a constant.
    vector = RawSQL(  # noqa: S611
        f"{connection.ops.quote_name(queryset.model._meta.db_table)}.search_vector",
        [],
        output_field=SearchVectorField(),
    )
    queryset = queryset.annotate(search_vector=vector)
    if match:
        queryset = queryset.filter(search_vector=query)
    # Normalisation 1: divide by 1 + log(length), so long bodies do not win by size.
    return queryset.annotate(rank=SearchRank(F("search_vector"), query, normalization=Value(1)))


def _search_fallback(queryset, words, match=True):
    matches = Q()
    in_title = Q()
    for word in words:
        matches &= Q(search_text__contains=f" {word} ")
        in_title &= Q(title__icontains=word)
    # A crude relevance: every word in the title first, then newest first.
    if match:
        queryset = queryset.filter(matches)
    return queryset.annotate(
        rank=Case(When(in_title, then=1), default=0, output_field=IntegerField())
    )


def _pattern(words):
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def highlight(text, words):
    """``text`` escaped, with each occurrence of a query word wrapped in <mark>.

    Escaping comes first, piece by piece: the text is split at the matches and
    every piece is escaped on its own, so a word never matches inside an entity
    and nothing from the text or the query reaches the page unescaped.
    """
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped


def snippet(article, words, length=SNIPPET_CHARS):
    """A short, highlighted extract of the summary or body around the first matched word."""
    pattern = _pattern(words)
    for text in (article.summary, plain_text(article.body)):
        match = pattern.search(text) if pattern else None
        if match:
            start = max(0, match.start() - length // 3)
            extract = text[start : start + length]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + length < len(text) else ""
            return mark_safe(prefix + highlight(extract, words) + suffix)  # noqa: S308
    text = article.summary or plain_text(article.body)
    return escape(text[:length] + ("…" if len(text) > length else ""))
