"""The narrow search table: one row per article, holding only what a search reads.

PostgreSQL only. A search at a million articles spent its time reading the
articles' wide rows and their out-of-line tsvectors: testing each candidate
row against the match and ranking the window (docs/SEARCH.md, "Search at a
million"). ``searchindex_entry`` keeps, per article, the copies of its status
and publish date (the publish gate's inputs) and its weighted tsvector,
compressed with lz4, with a GIN index on the vector and a B-tree on the date:
the newest matches come from a few small rows, and the ranking reads vectors
that decompress fast.

A trigger on ``articles_article`` keeps the table in step with every write,
whatever the path (``save()``, the bulk queryset methods, the pipeline, the
importer, seed_demo's COPY, raw SQL): the row is written by PostgreSQL in the
same statement as the article, as the article's generated ``search_vector``
is (migration 0001 here). Nothing in Python writes it. On SQLite there is no
such table; search matches words in ``Article.search_text`` instead.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models import Article


class SearchEntryQuerySet(models.QuerySet):
    def published(self, now=None):
        """Entries of published, due articles, by the entry's own copy of status and date."""
        return self.filter(Article.objects.published_q(now=now))


class SearchEntry(models.Model):
    """An article's search row (``searchindex_entry``), written by PostgreSQL only."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    status = models.CharField(max_length=16)
    published_at = models.DateTimeField(null=True)
    # Weighted: title A, summary B, body D (the article's generated search_vector).
    search_vector = SearchVectorField()

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        # Created, filled and kept in step by migration 0001's SQL (PostgreSQL only).
        managed = False
        db_table = "searchindex_entry"
        verbose_name = "搜索索引条目"
        verbose_name_plural = "搜索索引条目"

    def __str__(self):
        return f"search entry of article {self.article_id}"


class SearchWord(models.Model):
    """A frequent word whose window is written ahead (``searchindex_word``; windows.py).

    ``floor_*``: the oldest (date, key) from which every published match of the
    word has its row in ``searchindex_window``; none: every match, never trimmed.
    """

    word = models.TextField(primary_key=True)
    floor_published_at = models.DateTimeField(null=True)
    floor_article_id = models.BigIntegerField(null=True)

    class Meta:
        # Created by migration 0002's SQL (PostgreSQL only); words chosen by windows.refresh().
        managed = False
        db_table = "searchindex_word"
        verbose_name = "搜索常用词"
        verbose_name_plural = "搜索常用词"

    def __str__(self):
        return self.word


class WordWindowQuerySet(models.QuerySet):
    def published(self, now=None):
        """Rows of published, due articles, by the row's own copy of status and date."""
        return self.filter(Article.objects.published_q(now=now))


class WordWindow(models.Model):
    """A published match of a frequent word, with its one-word rank (``searchindex_window``).

    Written by PostgreSQL only: a trigger on ``searchindex_entry`` (migration 0002).
    """

    pk = models.CompositePrimaryKey("word", "published_at", "article_id")
    word = models.ForeignKey(
        SearchWord,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_column="word",
        related_name="+",
    )
    published_at = models.DateTimeField()
    article_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    # ts_rank(vector, plainto_tsquery('simple', word), 1): what a search for the word ranks by.
    rank = models.FloatField()

    objects = WordWindowQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "searchindex_window"
        verbose_name = "搜索常用词窗口"
        verbose_name_plural = "搜索常用词窗口"

    def __str__(self):
        return f"{self.word_id} in article {self.article_id}"
