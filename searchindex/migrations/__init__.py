"""Migrations of the search tables; their SQL runs on PostgreSQL only."""


def postgres_only(statements):
    """A RunPython callable running ``statements`` on PostgreSQL, and nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run
