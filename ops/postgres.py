"""PostgreSQL connections: timestamps parsed by psycopg's C code.

Django reads a ``timestamptz`` with its own loader (a subclass of psycopg's
pure-Python one, to set the time zone), so with psycopg's C build every date
read still goes through Python's parsing: about 4 % of an article page's CPU.
Each new connection gets a loader that parses with the C loader and sets
the time zone as Django's does (the same values, the same ``tzinfo``).
"""

import functools

from django.db.backends.signals import connection_created

try:
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.pq import Format
except ImportError:  # psycopg is not installed: SQLite only
    psycopg = None


def _c_loader():
    """psycopg's C loader of a text ``timestamptz``, or None in the pure-Python build."""
    if psycopg is None or psycopg.pq.__impl__ == "python":
        return None
    oid = psycopg.adapters.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)


@functools.cache
def timestamptz_loader(tz):
    """A loader of ``timestamptz`` values in ``tz``, as Django's ``register_tzloader`` makes."""
    parser = _c_loader()

    class TimestamptzLoader(Loader):
        # Django's cursor compares this with the connection's time zone.
        timezone = tz

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = parser(oid, context).load

        def load(self, data):
            return self._parse(data).replace(tzinfo=tz)

    return TimestamptzLoader


def use_c_timestamps(sender, connection, **kwargs):
    """Receiver of ``connection_created``: the connection's timestamps parsed in C."""
    if connection.vendor != "postgresql" or _c_loader() is None:
        return
    loader = timestamptz_loader(connection.timezone)
    connection.connection.adapters.register_loader("timestamptz", loader)


def connect():
    connection_created.connect(use_c_timestamps, dispatch_uid="ops.postgres.use_c_timestamps")
