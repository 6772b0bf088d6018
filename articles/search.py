"""The reader's full-text search: the query, matching, ranking, snippets.

The stored text is written by articles/textindex.py (segmented with jieba, one
line each for title, summary and body); the query is cut into words the same
way here. On PostgreSQL a generated ``tsvector`` column built from those lines
(weights A, B, D; 'simple' configuration) carries a GIN index; on SQLite the
fallback matches whole words in ``search_text`` with LIKE. docs/SEARCH.md
describes the difference.
"""

import functools
import html
import re
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Q, When
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.prepared import PreparedQuery
from articles.textindex import plain_text, segment
from searchindex.models import SearchEntry, WordWindow

# Longer queries are cut here: nobody types more, and it bounds the work per request.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12
SNIPPET_CHARS = 120

_SPACES = re.compile(r"\s+")


def clean_query(raw):
    """The query as the reader meant it: control characters gone, spaces collapsed, bounded."""
    chars = [" " if unicodedata.category(ch)[0] in ("C", "Z") else ch for ch in (raw or "")[:1000]]
    return _SPACES.sub(" ", "".join(chars)).strip()[:MAX_QUERY_CHARS]


def query_words(query):
    """Distinct words of the (cleaned) query, in order, at most MAX_QUERY_WORDS."""
    words = dict.fromkeys(segment(query, for_search=False))
    return list(words)[:MAX_QUERY_WORDS]


def search(queryset, words, window=None, load=None):
    """The articles of ``queryset`` containing every word, best first, as a ``SearchResults``.

    Only the newest ``window`` matches (``settings.SEARCH_WINDOW``) are ranked:
    relevance among recent news, at a cost that does not grow with the archive
    (docs/SEARCH.md). One query reads the window's keys, ranked; a page
    then reads its own articles by key, through ``queryset`` (the publish gate)
    or ``load(keys)`` if given (a dict of articles by key, gated the same way).
    ``queryset`` may be a callable returning it, called only when needed:
    SQLite matches in it; PostgreSQL, given ``load``, never reads it.
    """
    if window is None:
        window = settings.SEARCH_WINDOW
    if not words:
        return SearchResults(queryset, [], window, load)
    if connection.vendor == "postgresql":
        keys, written_ahead = _ranked_window(words, window)
        return SearchResults(queryset, keys, window, load, written_ahead)
    queryset = _built(queryset)
    # The window's keys first (newest matches, no rank), then the rank of those rows only.
    newest = list(_matching_fallback(queryset, words).values_list("pk", flat=True)[:window])
    if not newest:
        return SearchResults(queryset, [], window, load)
    ranked = _search_fallback(queryset.model._default_manager.filter(pk__in=newest), words)
    rows = list(ranked.values_list("pk", "rank", "published_at"))
    # Relevance first, then recency, then the key: a stable order for pagination.
    rows.sort(key=lambda row: (-row[1], -row[2].timestamp(), -row[0]))
    return SearchResults(queryset, [row[0] for row in rows], window, load)


def _ranked_window(words, window):
    """Keys of the newest ``window`` matches, best first, and whether they were written ahead.

    One statement. The general plan: the inner query (the ORM's, publish gate
    included) takes the window by date from the search table; the outer one
    ranks those rows only, with the vectors already read (ranked inside, a
    bitmap scan of a common word would rank every match before its sort).

    A one-word query first looks for the word's rows written ahead
    (``_written_ahead``): when they make a whole window, they give the keys
    and their ranks, and the general plan is never run (a one-time filter);
    otherwise the general plan runs, as for any other query. Either way the
    order is relevance, then recency, then the key: a stable order for
    pagination, and the same keys from both.
    """
    now = timezone.now()
    general, written_ahead = _window_parts(window)
    sql, params = general.sql(now=now, text=" ".join(words))
    # The SQL pieces are the ORM's; every value is a parameter.
    rank = "ts_rank(g.search_vector, plainto_tsquery('simple', %s), 1)"
    statement = f"SELECT g.article_id, g.published_at, {rank} AS rank, false AS ahead"
    statement += f" FROM ({sql}) g"
    params = [" ".join(words), *params]
    if len(words) == 1:
        kept, kept_params = written_ahead.sql(now=now, word=words[0])
        statement = (
            f"WITH kept AS MATERIALIZED ({kept}),"  # noqa: S608
            " whole AS (SELECT count(*) >= %s OR coalesce(bool_or(untrimmed), false) AS yes"
            " FROM kept)"
            " SELECT article_id, published_at, rank, true AS ahead FROM kept"
            " WHERE (SELECT yes FROM whole)"
            f" UNION ALL SELECT * FROM ({statement}) r WHERE NOT (SELECT yes FROM whole)"
        )
        params = [*kept_params, window, *params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.article_id, w.ahead FROM ({statement}) w"  # noqa: S608
            " ORDER BY w.rank DESC, w.published_at DESC, w.article_id DESC",
            params,
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], bool(rows) and rows[0][1]


@functools.lru_cache(maxsize=8)
def _window_parts(window):
    """The two parts of a window's statement, built and compiled once per process and size."""
    general = PreparedQuery(
        lambda now, text: _entries(text, now).values("article_id", "published_at", "search_vector")[
            :window
        ],
        now=SearchEntry._meta.get_field("published_at"),
        text=SearchEntry._meta.get_field("status"),  # any text field: the slot's type
    )
    written_ahead = PreparedQuery(
        lambda now, word: _written_ahead(word, now)[:window],
        now=WordWindow._meta.get_field("published_at"),
        word=WordWindow._meta.get_field("status"),
    )
    return general, written_ahead


def _written_ahead(word, now=None):
    """A frequent word's rows written ahead (searchindex/windows.py), newest first.

    The archive's frequent words keep their newest published matches with the
    rank a search for the word alone computes: a window and its order from
    about ``window`` index entries, no vector read. Only rows at or above the
    word's floor count (below it rows may be missing); ``untrimmed``: the word
    was never trimmed, every match has its row. No rows: the word is not kept.
    """
    floor = F("word__floor_published_at")
    return (
        WordWindow.objects.published(now)
        .filter(word_id=word)
        .filter(
            Q(word__floor_published_at__isnull=True)
            | Q(published_at__gt=floor)
            | Q(published_at=floor, article_id__gte=F("word__floor_article_id"))
        )
        .order_by("-published_at", "-article_id")
        .values("article_id", "published_at", "rank")
        .annotate(
            untrimmed=ExpressionWrapper(Q(word__floor_published_at__isnull=True), BooleanField())
        )
    )


def matching(queryset, words, limit):
    """The newest ``limit`` matches of ``words`` in ``queryset``, newest first (search feeds)."""
    if connection.vendor == "postgresql":
        keys = _entries(" ".join(words)).values("pk")[:limit]
        return queryset.filter(pk__in=keys).order_by("-published_at", "-id")
    return _matching_fallback(queryset, words)[:limit]


def _matching_fallback(queryset, words):
    return _search_fallback(queryset, words).order_by("-published_at", "-id")


def _tsquery(text):
    from django.contrib.postgres.search import SearchQuery

    # plainto_tsquery: the words are ANDed and any tsquery syntax in them is inert.
    return SearchQuery(text, config="simple", search_type="plain")


def _entries(text, now=None):
    """Published, due entries matching every word of ``text``, newest first (the narrow table)."""
    return (
        SearchEntry.objects.published(now)
        .filter(search_vector=_tsquery(text))
        .order_by("-published_at", "-article_id")
    )


def _built(queryset):
    """``queryset``, or what it returns if it is a callable (built when first needed)."""
    return queryset() if callable(queryset) else queryset


class SearchResults:
    """The ranked keys of the window; slicing loads just those articles (what a Paginator needs).

    ``load(keys)`` (default: ``queryset.in_bulk``) reads a slice's articles
    by key, through the publish gate.
    """

    def __init__(self, queryset, keys, window, load=None, written_ahead=False):
        self.keys = keys
        self.window = window
        # The keys came from a frequent word's rows written ahead (PostgreSQL).
        self.written_ahead = written_ahead
        self.load = load or _built(queryset).in_bulk
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
        articles = self.load(keys) if keys else {}
        # A key whose article changed state since the window was read is skipped.
        return [articles[key] for key in keys if key in articles]


def _search_fallback(queryset, words):
    matches = Q()
    in_title = Q()
    for word in words:
        matches &= Q(search_text__contains=f" {word} ")
        in_title &= Q(title__icontains=word)
    # A crude relevance: every word in the title first, then newest first.
    return queryset.filter(matches).annotate(
        rank=Case(When(in_title, then=1), default=0, output_field=IntegerField())
    )


def _pattern(words):
    return _words_pattern(tuple(words))


@functools.lru_cache(maxsize=256)
def _words_pattern(words):
    """The query's words as one pattern, longest first: built once per query, not per text."""
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def _escape(text):
    """Django's ``escape`` (the same characters, the same entities) without its lazy wrapper."""
    return mark_safe(html.escape(text))  # noqa: S308 - escaped


def highlight(text, words):
    """``text`` escaped, with each occurrence of a query word wrapped in <mark>.

    Escaping comes first, piece by piece: the text is split at the matches and
    every piece is escaped on its own, so a word never matches inside an entity
    and nothing from the text or the query reaches the page unescaped.
    """
    pattern = _pattern(words)
    if pattern is None:
        return _escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
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
    return _escape(text[:length] + ("…" if len(text) > length else ""))
