"""The narrow search table on PostgreSQL: created, filled, and kept in step by a trigger.

See searchindex/models.py and docs/SEARCH.md ("Search at a million"). On other
databases nothing is created: the model is unmanaged and search falls back to
matching ``Article.search_text``.
"""

import django.contrib.postgres.search
from django.db import migrations, models

from searchindex.migrations import postgres_only

TABLE = """
CREATE TABLE searchindex_entry (
    article_id bigint PRIMARY KEY,
    status varchar(16) NOT NULL,
    published_at timestamptz NULL,
    search_vector tsvector NOT NULL
)
"""

# lz4 decompresses several times faster than the default pglz: ranking reads
# up to SEARCH_WINDOW vectors per search.
COMPRESSION = "ALTER TABLE searchindex_entry ALTER COLUMN search_vector SET COMPRESSION lz4"

# One statement for every write path: the row follows the article's status,
# date and (generated) tsvector, in the same transaction.
SYNC_FUNCTION = """
CREATE FUNCTION searchindex_entry_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM searchindex_entry WHERE article_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO searchindex_entry (article_id, status, published_at, search_vector)
    VALUES (NEW.id, NEW.status, NEW.published_at, NEW.search_vector)
    ON CONFLICT (article_id) DO UPDATE SET
        status = EXCLUDED.status,
        published_at = EXCLUDED.published_at,
        search_vector = EXCLUDED.search_vector;
    RETURN NULL;
END
$$
"""

TRIGGERS = [
    """
    CREATE TRIGGER searchindex_entry_insert AFTER INSERT ON articles_article
    FOR EACH ROW EXECUTE FUNCTION searchindex_entry_sync()
    """,
    # Only when something a search reads changed (not on every counter or edit).
    """
    CREATE TRIGGER searchindex_entry_update AFTER UPDATE ON articles_article
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status
        OR OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.search_text IS DISTINCT FROM NEW.search_text
    ) EXECUTE FUNCTION searchindex_entry_sync()
    """,
    """
    CREATE TRIGGER searchindex_entry_delete AFTER DELETE ON articles_article
    FOR EACH ROW EXECUTE FUNCTION searchindex_entry_sync()
    """,
]

# Existing articles.
FILL = """
INSERT INTO searchindex_entry (article_id, status, published_at, search_vector)
SELECT id, status, published_at, search_vector FROM articles_article
"""

INDEXES = [
    "CREATE INDEX searchindex_entry_vector_gin ON searchindex_entry USING gin (search_vector)",
    """
    CREATE INDEX searchindex_entry_published_idx ON searchindex_entry
    (published_at DESC, article_id DESC) WHERE status = 'published'
    """,
    "ANALYZE searchindex_entry",
    # Search no longer reads the articles' own tsvector index: one GIN less to
    # maintain on every write. (The generated column stays: the trigger copies it.)
    "DROP INDEX IF EXISTS article_search_vector_gin",
]

FORWARD = [TABLE, COMPRESSION, SYNC_FUNCTION, *TRIGGERS, FILL, *INDEXES]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS article_search_vector_gin ON articles_article"
    " USING gin (search_vector)",
    "DROP TRIGGER IF EXISTS searchindex_entry_insert ON articles_article",
    "DROP TRIGGER IF EXISTS searchindex_entry_update ON articles_article",
    "DROP TRIGGER IF EXISTS searchindex_entry_delete ON articles_article",
    "DROP FUNCTION IF EXISTS searchindex_entry_sync()",
    "DROP TABLE IF EXISTS searchindex_entry",
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0009_stories"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("status", models.CharField(max_length=16)),
                ("published_at", models.DateTimeField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "verbose_name": "搜索索引条目",
                "verbose_name_plural": "搜索索引条目",
                "db_table": "searchindex_entry",
                "managed": False,
            },
        ),
        migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD)),
    ]
