"""A RUM index on the search table, where PostgreSQL has the extension.

A search ranks the newest ``SEARCH_WINDOW`` matches (articles/search.py). With
only a GIN index and a date B-tree, PostgreSQL finds them by walking the
entries newest first and testing each one's vector: a word in 6 % of a
million articles tests about 16,000 rows for its 1,000 newest matches. A RUM
index (the ``rum`` extension, Debian's ``postgresql-NN-rum``) keeps each
word's posting list ordered by the entry's date, so the same window is read
in date order from the index: about 1,000 entries whatever the archive's size
(docs/SEARCH.md, "The RUM index").

Optional: where the extension is not installed, or the migrating role may not
create it, nothing is created and search keeps its plan (articles/search.py
asks the connection once whether the index is there). Results are the same
either way.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = """
CREATE INDEX IF NOT EXISTS searchindex_entry_rum ON searchindex_entry
USING rum (search_vector rum_tsvector_addon_ops, published_at)
WITH (attach = 'published_at', to = 'search_vector', order_by_attach = true)
WHERE status = 'published'
"""


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            logger.warning("PostgreSQL has no rum extension: search runs without its index")
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError as error:  # not allowed to this role: a superuser can add it later
            logger.warning("could not create the rum extension (%s): search runs without it", error)
            return
        cursor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extension stays: creating it may have needed a superuser, and other
        # objects in this database may use it.
        schema_editor.execute("DROP INDEX IF EXISTS searchindex_entry_rum")


class Migration(migrations.Migration):
    dependencies = [
        ("searchindex", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
