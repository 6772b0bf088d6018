"""finews's PostgreSQL backend: Django's, with a health check that costs no round trip.

settings.py names it (``ENGINE = "ops.db.postgresql"``) for a postgres://
DATABASE_URL. ``CONN_HEALTH_CHECKS`` stays on, so that a worker's first
request after a database restart does not fail; Django checks a reused
connection before each request's first query by sending ``SELECT 1``: a
round trip through psycopg and PostgreSQL on every request, about 3 % of a
cold page's throughput (docs/PERFORMANCE.md, issue 17, sixth round).

A connection the server has ended (a restart, ``pg_terminate_backend``, an
idle timeout) has something to read: the server's last message, then the end
of the stream. So the socket is polled first, without waiting: an idle
connection with nothing to read is as the last request left it and is used
without a round trip. Anything to read, or a connection left inside a
transaction, is checked with Django's ``SELECT 1`` as before. A server host
that vanished without closing the connection is not seen by the poll; the
request's query then fails as it would have a moment after a ``SELECT 1``.
"""

import select

from django.db.backends.postgresql import base

try:
    from psycopg import Error as PsycopgError
    from psycopg.pq import TransactionStatus
except ImportError:  # psycopg2: Django's check as it is
    PsycopgError = TransactionStatus = None


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or TransactionStatus is None or not hasattr(select, "poll"):
            return super().is_usable()
        try:
            if connection.info.transaction_status != TransactionStatus.IDLE:
                return super().is_usable()
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            if poller.poll(0):  # a message or the end of the stream: ask the server
                return super().is_usable()
        except (OSError, ValueError, PsycopgError):  # closed, or no socket
            return False
        return True
