"""Timestamps read from PostgreSQL are parsed by psycopg's C loader (ops/postgres.py)."""

import datetime

import pytest
from django.db import connection
from psycopg.pq import Format

from ops.postgres import _c_loader, timestamptz_loader
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or _c_loader() is None,
        reason="psycopg's C loader reads PostgreSQL's timestamps",
    ),
]

# Around midnight in Beijing, a leap day, microseconds, other offsets, old and far dates.
LITERALS = [
    "2022-10-06 08:00:00+08",
    "2024-02-29 23:59:59.999999+00",
    "2026-11-29 16:00:00.000001+08",
    "1901-12-13 20:45:52-05:30",
    "9999-12-31 23:59:59+00",
    "0001-01-01 00:00:00+00",
]


def read(cursor):
    cursor.execute("SELECT " + ", ".join("%s::timestamptz" for _ in LITERALS), LITERALS)
    return cursor.fetchone()


def test_connections_read_timestamps_with_the_c_loader():
    ours = timestamptz_loader(connection.timezone)
    # Django's cursor keeps it: it registers its own only for another time zone.
    with connection.cursor() as cursor:
        adapters = cursor.cursor.adapters
        assert adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT) is ours


def test_the_same_values_as_djangos_own_loader():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as cursor:
        ours = read(cursor)
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)  # Django's Python loader
        djangos = read(cursor)
    assert ours == djangos
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in djangos]
    assert ours[0] == datetime.datetime(2022, 10, 6, 0, 0, tzinfo=datetime.UTC)
    assert ours[1].microsecond == 999999


def test_an_article_date_round_trips():
    moment = datetime.datetime(2023, 3, 4, 5, 6, 7, 891011, tzinfo=datetime.UTC)
    article = make_article(title="C解析时间往返TSRT", published_at=moment)
    article.refresh_from_db()
    assert article.published_at == moment
