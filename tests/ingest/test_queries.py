"""A batch costs a fixed number of queries, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest import pipeline
from tests.ingest.conftest import flash

pytestmark = pytest.mark.django_db


def queries(items):
    """(statements other than INSERT, INSERT statements) run to ingest ``items``."""
    with CaptureQueriesContext(connection) as captured:
        pipeline.ingest(items, origin="test")
    inserts = sum(1 for q in captured if q["sql"].startswith("INSERT"))
    return len(captured) - inserts, inserts


def test_created_batch_queries_do_not_grow():
    """300 new items run the same reads as 3; PostgreSQL writes each table in one INSERT.

    Tables: articles, tag links, ingested items, story fingerprints and keys,
    and stories when the batch starts one (these near-identical items do).
    """
    pipeline.ingest([flash(0, tags=["甲", "乙"])], origin="test")
    small = queries([flash(n, tags=["甲", "乙"]) for n in range(1, 4)])
    large = queries([flash(n, tags=["甲", "乙"]) for n in range(4, 304)])
    assert large[0] == small[0]
    if connection.vendor == "postgresql":
        # SQLite splits a bulk INSERT by its limit of variables a statement.
        # At most one each: articles, their first versions, tag links, ingested
        # items, new stories, story fingerprints, story keys (a batch whose items
        # all join existing stories writes no new story).
        assert small[1] <= 7 and large[1] <= 7


def test_unchanged_batch_is_cheap():
    """Re-pushing 300 unchanged items takes a handful of reads and no write."""
    items = [flash(n) for n in range(300)]
    pipeline.ingest(items, origin="test")
    reads, inserts = queries(items)
    assert inserts == 0
    assert reads <= 8
