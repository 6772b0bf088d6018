"""The health check of a reused PostgreSQL connection needs no round trip (ops/db/postgresql).

What must hold: an idle connection is taken as it is, without sending
anything; one the server has ended is found unusable and replaced before the
request's first query; one left inside a transaction is asked, as before.
"""

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def other():
    """A second connection to the test database, as a worker's between two requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def refuse_round_trips(monkeypatch, wrapper):
    def cursor(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(wrapper.connection, "cursor", cursor)
    monkeypatch.setattr(wrapper.connection, "execute", cursor)


def test_the_project_backend_is_used():
    assert connection.settings_dict["ENGINE"] == "ops.db.postgresql"
    assert connection.vendor == "postgresql"


def test_an_idle_connection_is_usable_without_a_round_trip(other, monkeypatch):
    refuse_round_trips(monkeypatch, other)
    assert other.is_usable()


def test_a_connection_the_server_ended_is_replaced(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        # Returns once the backend has exited (waits up to 10 s): its last
        # message and the end of the stream are then in the socket.
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert cursor.fetchone() == (True,)
    other.health_check_done = False  # as at the start of the next request
    other.close_if_health_check_failed()
    assert other.connection is None  # closed: the next query connects anew
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_inside_a_transaction_is_asked(other, monkeypatch):
    other.connection.execute("BEGIN")
    asked = []
    original = other.connection.cursor

    def cursor(*args, **kwargs):
        asked.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(other.connection, "cursor", cursor)
    assert other.is_usable()
    assert asked == [True]  # Django's SELECT 1
    other.connection.execute("ROLLBACK")
