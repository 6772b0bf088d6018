"""One import at a time on PostgreSQL (an advisory lock; SQLite has one writer anyway)."""

from contextlib import contextmanager

from django.db import connection

LOCK_KEY = 0x6A656B796C6C  # "jekyll"


@contextmanager
def import_lock():
    """Hold the imports' advisory lock for the block; yields False when another import holds it.

    The lock is session-level: it outlives the block's transactions and is
    released on exit, or by PostgreSQL when the process dies (``kill -9``).
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
