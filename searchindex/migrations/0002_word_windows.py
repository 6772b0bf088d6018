"""Frequent words' windows, written ahead (PostgreSQL only).

See searchindex/windows.py and docs/SEARCH.md ("Frequent words, written
ahead"). ``searchindex_word`` lists the words kept; ``searchindex_window``
holds, for each, its newest published matches with their one-word rank. A
trigger on ``searchindex_entry`` keeps the rows in step with every write of an
entry (itself written by the articles' trigger, migration 0001), so nothing in
Python writes them but the refresh task that chooses the words and trims them.
"""

from django.db import migrations, models

from searchindex.migrations import postgres_only

TABLES = [
    # floor: the oldest (published_at, article_id) from which every published
    # match of the word is in the window table; NULL: every match, never trimmed.
    """
    CREATE TABLE searchindex_word (
        word text PRIMARY KEY,
        floor_published_at timestamptz NULL,
        floor_article_id bigint NULL
    )
    """,
    """
    CREATE TABLE searchindex_window (
        word text NOT NULL REFERENCES searchindex_word (word) ON DELETE CASCADE,
        published_at timestamptz NOT NULL,
        article_id bigint NOT NULL,
        status varchar(16) NOT NULL,
        rank real NOT NULL
    )
    """,
    # A word's newest rows, read backwards with their rank and the gate's
    # inputs from the index alone.
    """
    CREATE UNIQUE INDEX searchindex_window_word_idx ON searchindex_window
    (word, published_at, article_id) INCLUDE (status, rank)
    """,
]

# An entry's rows follow it: removed with its old state, added with its new one
# for every kept word it contains (from the word's floor on). The rank is the
# one a search for that word alone computes (articles/search.py).
SYNC_FUNCTION = """
CREATE FUNCTION searchindex_window_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published'
            AND OLD.published_at IS NOT NULL THEN
        DELETE FROM searchindex_window
        WHERE word = ANY (tsvector_to_array(OLD.search_vector))
          AND published_at = OLD.published_at AND article_id = OLD.article_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published'
            AND NEW.published_at IS NOT NULL THEN
        INSERT INTO searchindex_window (word, published_at, article_id, status, rank)
        SELECT s.word, NEW.published_at, NEW.article_id, NEW.status,
               ts_rank(NEW.search_vector, plainto_tsquery('simple', s.word), 1)
        FROM searchindex_word s
        WHERE s.word = ANY (tsvector_to_array(NEW.search_vector))
          AND (s.floor_published_at IS NULL
               OR (NEW.published_at, NEW.article_id)
                  >= (s.floor_published_at, s.floor_article_id))
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
"""

TRIGGER = """
CREATE TRIGGER searchindex_window_sync AFTER INSERT OR UPDATE OR DELETE ON searchindex_entry
FOR EACH ROW EXECUTE FUNCTION searchindex_window_sync()
"""

FORWARD = [*TABLES, SYNC_FUNCTION, TRIGGER]
BACKWARD = [
    "DROP TRIGGER IF EXISTS searchindex_window_sync ON searchindex_entry",
    "DROP FUNCTION IF EXISTS searchindex_window_sync()",
    "DROP TABLE IF EXISTS searchindex_window",
    "DROP TABLE IF EXISTS searchindex_word",
]


class Migration(migrations.Migration):
    dependencies = [
        ("searchindex", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False)),
                ("floor_published_at", models.DateTimeField(null=True)),
                ("floor_article_id", models.BigIntegerField(null=True)),
            ],
            options={
                "verbose_name": "搜索常用词",
                "verbose_name_plural": "搜索常用词",
                "db_table": "searchindex_word",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="WordWindow",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word", "published_at", "article_id", blank=True, editable=False
                    ),
                ),
                (
                    "word",
                    models.ForeignKey(
                        db_column="word",
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="searchindex.searchword",
                    ),
                ),
                ("published_at", models.DateTimeField()),
                ("article_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=16)),
                ("rank", models.FloatField()),
            ],
            options={
                "verbose_name": "搜索常用词窗口",
                "verbose_name_plural": "搜索常用词窗口",
                "db_table": "searchindex_window",
                "managed": False,
            },
        ),
        migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD)),
    ]
