"""Queries built once per process and run many times: the ORM's work without its cost per call.

A hot page runs the same few queries on every request with different values
(a slug, an id, the time). Building a queryset (``filter()``, ``Q`` objects,
joins) and compiling it to SQL costs more Python time than running it. A
``PreparedQuery`` builds its queryset once per database connection alias
from the usual querysets (so the publish gate stays
``Article.objects.published()``), with a stand-in value for each *slot*;
it remembers which SQL parameters are the stand-ins, and each call runs the
same SQL with the slots' real values (adapted for the database as the ORM
would), then turns the rows into model instances as the ORM's
``ModelIterable`` does (``Model.from_db``, ``select_related`` objects,
annotations, the columns' converters), with what it works out per call
(where each model's columns are, which converters apply) worked out once.
So ``run()`` takes a queryset of model instances without prefetches;
``sql()`` takes any (a part of a larger statement).

On PostgreSQL a query built with ``plan_once=True`` is also *planned* once per
database connection: it runs as a server-side prepared statement, and the
connection's ``plan_cache_mode`` (finews/settings.py) keeps its generic plan.
Planning is most of the database's work for the article page's lookups by
key. Only for queries whose best plan does not depend on the values (a
lookup by a unique key, by primary keys, one step of an index, a tag's
ordered links); a list for which PostgreSQL picks a worse plan without the
values (a category's later pages: docs/PERFORMANCE.md) must not use it.
"""

import contextlib
import datetime
import re
import threading

from django.db import NotSupportedError, connections, models

from articles.row_layout import RowLayout

try:
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import ClientCursor
    from psycopg.types.numeric import Int8
except ImportError:  # psycopg is not installed: SQLite only
    ServerBindingCursor = ClientCursor = Int8 = None

_STAND_IN_EPOCH = datetime.datetime(1901, 2, 3, tzinfo=datetime.UTC)


def _stand_in(field, index):
    """A value of ``field``'s type that no real query uses, distinct per slot."""
    if isinstance(field, models.DateTimeField):
        return _STAND_IN_EPOCH + datetime.timedelta(microseconds=7919 * (index + 1))
    if isinstance(field, (models.IntegerField, models.ForeignKey)):
        return -1_000_000_007 - index
    if isinstance(field, models.CharField):
        return f"\x1fstand-in-{index}\x1f"
    raise TypeError(f"no stand-in value for {type(field).__name__}")


def _adapt(field, value, connection):
    return field.get_db_prep_value(value, connection, prepared=False)


if ServerBindingCursor is not None:

    class _SentQuery:
        """What Django's query log reads of a prepared statement: its SQL with the values.

        Django logs ``cursor._query.query`` (DEBUG, the tests' query capture);
        psycopg leaves it unset for a prepared statement. Composed only when read.
        """

        __slots__ = ("_connection", "_params", "_sql")

        def __init__(self, connection, sql, params):
            self._connection, self._sql, self._params = connection, sql, params

        @property
        def query(self):
            return ClientCursor(self._connection).mogrify(self._sql, self._params).encode()

    class _PreparingCursor(ServerBindingCursor):
        """Binds parameters on the server and prepares the statement (once per connection)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            super().execute(query, params, prepare=True, binary=binary)
            self._query = _SentQuery(self.connection, query, params)
            return self


def plans_once(connection):
    """Whether ``connection`` runs ``plan_once`` queries as prepared statements."""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    )


_PLACEHOLDER = re.compile(r"%%|%s")


def _inline_constants(sql, params, positions, connection):
    """``sql`` with the parameters that are not slots written in as SQL literals.

    A generic plan is made without the parameters' values: ``status = $1``
    cannot use an index built ``WHERE status = 'published'``; the literal can.
    """
    constants = zip(params, positions, strict=True)
    kept_params, kept_positions = [], []

    def replace(match):
        if match.group() == "%%":
            return "%%"
        param, name = next(constants)
        if name is not None:
            kept_params.append(param)
            kept_positions.append(name)
            return "%s"
        return connection.ops.compose_sql("%s", [param]).replace("%", "%%")

    inlined = _PLACEHOLDER.sub(replace, sql)
    if next(constants, None) is not None:
        raise ValueError("the compiled query has fewer placeholders than parameters")
    return inlined, kept_params, kept_positions


def _is_stale_statement(error):
    # "cached plan must not change result type" (the message may be translated).
    return getattr(error.__cause__, "sqlstate", None) == "0A000"


@contextlib.contextmanager
def _prepared_statements(connection):
    """The connection's next cursors prepare their statement on the server."""
    # What connection.cursor() checks first, so that the cursor comes from this
    # connection and not from one that replaces it.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    factory = raw.cursor_factory
    raw.cursor_factory = _PreparingCursor
    try:
        yield
    finally:
        raw.cursor_factory = factory


class PreparedQuery:
    """``build(**slots)`` -> queryset, compiled once per alias; ``run(**values)`` -> rows.

    ``slots`` maps each slot's name to the model field whose type its value has
    (it adapts the value for the database). ``run()`` returns the model
    instances in a list. ``plan_once``: see the module's docstring.
    """

    def __init__(self, build, *, plan_once=False, **slots):
        self.build = build
        self.plan_once = plan_once
        self.slots = slots
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, alias):
        connection = connections[alias]
        stand_ins = {
            name: _stand_in(field, i) for i, (name, field) in enumerate(self.slots.items())
        }
        queryset = self.build(**stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        adapted = {
            name: _adapt(self.slots[name], value, connection) for name, value in stand_ins.items()
        }
        positions = []
        for param in params:
            names = [n for n, v in adapted.items() if type(v) is type(param) and v == param]
            positions.append(names[0] if names else None)
        unused = set(self.slots) - set(positions)
        if unused:
            raise ValueError(f"slots not found in the compiled query: {sorted(unused)}")
        if self.plan_once and plans_once(connection):
            sql, params, positions = _inline_constants(sql, params, positions, connection)
        return RowLayout.of(compiler, queryset), sql, list(params), positions

    def compiled(self, alias="default"):
        entry = self._compiled.get(alias)
        if entry is None:
            with self._lock:
                entry = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = entry
        return entry

    def sql(self, alias="default", **values):
        """The compiled SQL and its parameters for the slots' ``values``, not run.

        For a query that is one part of a larger statement written around it
        (articles/search.py): the part is still built and compiled once.
        """
        _rows, sql, params, positions = self.compiled(alias)
        connection = connections[alias]
        adapted = {
            name: _adapt(self.slots[name], value, connection) for name, value in values.items()
        }
        return sql, [
            param if name is None else adapted[name]
            for param, name in zip(params, positions, strict=True)
        ]

    def run(self, alias="default", **values):
        rows, sql, params, positions = self.compiled(alias)
        if rows is None:
            # Only sql() serves such a query (a part of a statement written around it).
            raise TypeError("run() returns model instances: no values() and no prefetches")
        connection = connections[alias]
        adapted = {
            name: _adapt(self.slots[name], value, connection) for name, value in values.items()
        }
        prepare = self.plan_once and plans_once(connection)
        if prepare:
            # One parameter type per slot, whatever the value's size: psycopg
            # sends a small int as int2, and each set of types is a statement.
            adapted = {
                name: Int8(value) if type(value) is int else value
                for name, value in adapted.items()
            }
        params = tuple(
            param if name is None else adapted[name]
            for param, name in zip(params, positions, strict=True)
        )

        def fetch():
            with (
                _prepared_statements(connection) if prepare else contextlib.nullcontext(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, params)
                return rows.objects(cursor.fetchall(), connection)

        try:
            return fetch()
        except NotSupportedError as error:
            # Another connection changed a column this statement returns (a
            # migration while this worker runs): PostgreSQL refuses every
            # statement prepared before. Drop them all (psycopg forgets its
            # own on DEALLOCATE ALL); outside a transaction the query runs
            # again, prepared anew.
            if not prepare or connection.in_atomic_block or not _is_stale_statement(error):
                raise
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")
            return fetch()

    def clear(self):
        """Forget the compiled SQL (tests that change the database's features)."""
        self._compiled.clear()
