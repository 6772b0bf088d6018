"""Frequent words' windows, written ahead (PostgreSQL only; docs/SEARCH.md).

A search ranks the newest ``SEARCH_WINDOW`` matches of its query. For a word
in, say, 6 % of the archive, finding them means walking the date index and
testing about 16,000 entries' vectors; ranking them reads 1,000 vectors. For
the archive's frequent words that work is done at write time instead:
``searchindex_window`` holds, per word listed in ``searchindex_word``, its
newest published matches with the rank a search for that word alone gives,
and a one-word search reads its window and ranks from about a thousand index
entries (articles.search).

Who writes what:

- a trigger on ``searchindex_entry`` (migration 0002) adds and removes an
  entry's rows with every write of the entry, so a publish, an edit, a
  withdrawal or a delete shows at once, as it does in the entries themselves;
- ``refresh()`` (the task engine, hourly; ``manage.py refresh_search_words``)
  chooses the words from the newest entries, fills a new word's rows, trims
  each word to ``keep()`` rows and refills a word that lost too many.

A word's *floor* is the oldest (date, key) from which every published match
of the word has its row. Trimming raises it; nothing else writes below it.
A search uses a word's rows only when a full window of them lies at or above
the floor (or the word was never trimmed); otherwise it takes the general
plan, so a missing row can slow a search but never change its results.
"""

import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

log = logging.getLogger(__name__)

# Only one refresh at a time (a session-level advisory lock; any constant key).
REFRESH_LOCK = 0x5E_A2C4_0001

# Words are chosen among the newest entries: the ones a window is made of.
SAMPLE = """
SELECT word, ndoc FROM ts_stat($$
    SELECT search_vector FROM searchindex_entry WHERE status = 'published'
    ORDER BY published_at DESC, article_id DESC LIMIT {sample:d}
$$)
WHERE ndoc >= %(min_ndoc)s
  -- A word the parser reads back as itself: a search for it is this one lexeme.
  AND tsvector_to_array(to_tsvector('simple', word)) = ARRAY[word]
ORDER BY ndoc DESC, word
LIMIT %(limit)s
"""

# A new word's newest published matches (any date: scheduled ones count as
# published from their second on), ranked as a one-word search ranks them.
FILL = """
INSERT INTO searchindex_window (word, published_at, article_id, status, rank)
SELECT %(word)s, published_at, article_id, status,
       ts_rank(search_vector, plainto_tsquery('simple', %(word)s), 1)
FROM searchindex_entry
WHERE status = 'published' AND published_at IS NOT NULL
  AND search_vector @@ plainto_tsquery('simple', %(word)s)
ORDER BY published_at DESC, article_id DESC
LIMIT %(keep)s
ON CONFLICT DO NOTHING
"""

OLDEST = """
SELECT published_at, article_id FROM searchindex_window WHERE word = %(word)s
ORDER BY published_at, article_id LIMIT 1
"""

# Each word down to its newest ``keep`` rows at or above its floor; the floor
# rises to the oldest row kept. Rows below the floor (left by a write that
# raced an earlier trim) go too.
TRIM = """
WITH cut AS (
    SELECT s.word, c.published_at, c.article_id
    FROM searchindex_word s
    CROSS JOIN LATERAL (
        SELECT w.published_at, w.article_id FROM searchindex_window w
        WHERE w.word = s.word
          AND (s.floor_published_at IS NULL
               OR (w.published_at, w.article_id)
                  >= (s.floor_published_at, s.floor_article_id))
        ORDER BY w.published_at DESC, w.article_id DESC
        OFFSET %(keep)s - 1 LIMIT 1
    ) c
), raised AS (
    UPDATE searchindex_word s
    SET floor_published_at = cut.published_at, floor_article_id = cut.article_id
    FROM cut WHERE s.word = cut.word
)
DELETE FROM searchindex_window w USING cut
WHERE w.word = cut.word
  AND (w.published_at, w.article_id) < (cut.published_at, cut.article_id)
"""

# Trimmed words with less than a full window left at or above the floor
# (withdrawn or deleted matches): refilled from the entries.
SHORT = """
SELECT s.word FROM searchindex_word s
WHERE s.floor_published_at IS NOT NULL
  AND (SELECT count(*) FROM (
        SELECT 1 FROM searchindex_window w
        WHERE w.word = s.word
          AND (w.published_at, w.article_id) >= (s.floor_published_at, s.floor_article_id)
        LIMIT %(window)s) x) < %(window)s
"""


def keep():
    """Rows kept per word after a trim: a full window and a quarter more for the hour's news."""
    window = settings.SEARCH_WINDOW
    return window + max(1, window // 4)


@dataclass
class Refreshed:
    words: int = 0
    added: int = 0
    dropped: int = 0
    refilled: int = 0
    trimmed: int = 0
    busy: bool = False

    def __str__(self):
        if self.busy:
            return "另一次刷新正在进行，本次跳过"
        return (
            f"常用词 {self.words} 个：新增 {self.added}，移除 {self.dropped}，"
            f"重填 {self.refilled}，修剪 {self.trimmed} 行"
        )


def refresh(limit=None, sample=None):
    """Choose the frequent words, drop the others, trim, refill short words, fill new ones.

    ``limit``: at most this many words (``SEARCH_WORDS``; 0 drops every word).
    ``sample``: how many of the newest entries to count words in
    (``SEARCH_WORDS_SAMPLE``). Returns a ``Refreshed``. On other databases
    than PostgreSQL there is nothing to do.
    """
    result = Refreshed()
    if connection.vendor != "postgresql":
        return result
    limit = settings.SEARCH_WORDS if limit is None else limit
    sample = settings.SEARCH_WORDS_SAMPLE if sample is None else sample
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFRESH_LOCK])
        if not cursor.fetchone()[0]:
            result.busy = True
            return result
        try:
            _refresh(cursor, result, limit, sample)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK])
    return result


def _refresh(cursor, result, limit, sample):
    cursor.execute("SELECT word FROM searchindex_word")
    current = {row[0] for row in cursor.fetchall()}
    chosen = choose(cursor, limit, sample, current)
    gone = sorted(current - set(chosen))
    if gone:
        with transaction.atomic():
            cursor.execute("DELETE FROM searchindex_word WHERE word = ANY(%s)", [gone])
        result.dropped = len(gone)
    with transaction.atomic():
        cursor.execute(TRIM, {"keep": keep()})
        result.trimmed = cursor.rowcount
    cursor.execute(SHORT, {"window": settings.SEARCH_WINDOW})
    short = [row[0] for row in cursor.fetchall()]
    for word in short:
        fill(cursor, word, replace=True)
    result.refilled = len(short)
    for word in chosen:
        if word not in current:
            fill(cursor, word)
            result.added += 1
    cursor.execute("SELECT count(*) FROM searchindex_word")
    result.words = cursor.fetchone()[0]


def choose(cursor, limit, sample, current):
    """The words worth a window, most frequent first.

    A word is worth one when the archive likely holds at least twice a window
    of its matches: its share of the ``sample`` newest entries, times the
    published entries. A word kept already (in ``current``) stays down to half
    that, so the list does not churn at the edge.
    """
    if limit <= 0:
        return []
    cursor.execute("SELECT count(*) FROM searchindex_entry WHERE status = 'published'")
    published = cursor.fetchone()[0]
    size = min(sample, published)
    if not size:
        return []
    needed = math.ceil(2 * settings.SEARCH_WINDOW * size / published)
    if needed > size:
        return []
    # The sample's size goes into the quoted inner query as a number, not a parameter.
    cursor.execute(
        SAMPLE.format(sample=int(size)), {"min_ndoc": max(2, needed // 2), "limit": 2 * limit}
    )
    counted = cursor.fetchall()
    return [word for word, ndoc in counted if ndoc >= needed or word in current][:limit]


def fill(cursor, word, replace=False):
    """Write ``word``'s rows from the entries: its newest ``keep()`` published matches.

    Entries are locked against writes for the moment it takes (SHARE mode:
    writers wait, searches do not), so no article is published between the
    word being listed and its rows being read.
    """
    with transaction.atomic():
        cursor.execute("LOCK TABLE searchindex_entry IN SHARE MODE")
        if replace:
            cursor.execute("DELETE FROM searchindex_word WHERE word = %s", [word])
        cursor.execute("INSERT INTO searchindex_word (word) VALUES (%s)", [word])
        cursor.execute(FILL, {"word": word, "keep": keep()})
        if cursor.rowcount >= keep():
            cursor.execute(OLDEST, {"word": word})
            oldest = cursor.fetchone()
            cursor.execute(
                "UPDATE searchindex_word SET floor_published_at = %s, floor_article_id = %s"
                " WHERE word = %s",
                [*oldest, word],
            )
