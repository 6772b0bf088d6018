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
    def published(self):
        """Entries of published, due articles, by the entry's own copy of status and date."""
        return self.filter(Article.objects.published_q())


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
