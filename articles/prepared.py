"""Queries built once per process and run many times: the ORM's work without its cost per call.

A hot page runs the same few queries on every request with different values
(a slug, an id, the time). Building a queryset (``filter()``, ``Q`` objects,
joins) and compiling it to SQL costs more Python time than running it. A
``PreparedQuery`` builds its queryset once per database connection alias
from the usual querysets (so the publish gate stays
``Article.objects.published()``), with a stand-in value for each *slot*;
it remembers which SQL parameters are the stand-ins, and each call runs the
same SQL with the slots' real values (adapted for the database as the ORM
would), then turns the rows into objects through the ORM's own iterables
(model instances, ``select_related`` objects, converters, prefetches).
"""

import copy
import datetime
import threading

from django.db import connections, models

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


class PreparedQuery:
    """``build(**slots)`` -> queryset, compiled once per alias; ``run(**values)`` -> queryset.

    ``slots`` maps each slot's name to the model field whose type its value has
    (it adapts the value for the database). The queryset ``run()`` returns is
    already executed; iterate it as any other.
    """

    def __init__(self, build, **slots):
        self.build = build
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
        return queryset, compiler, sql, list(params), positions

    def compiled(self, alias="default"):
        entry = self._compiled.get(alias)
        if entry is None:
            with self._lock:
                entry = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = entry
        return entry

    def run(self, alias="default", **values):
        queryset, compiler, sql, params, positions = self.compiled(alias)
        connection = connections[alias]
        adapted = {
            name: _adapt(self.slots[name], value, connection) for name, value in values.items()
        }
        params = tuple(
            param if name is None else adapted[name]
            for param, name in zip(params, positions, strict=True)
        )
        call = copy.copy(compiler)
        call.connection = connection  # this thread's connection
        call.as_sql = lambda *args, **kwargs: (sql, params)
        result = queryset._chain()
        result.query.get_compiler = lambda *args, **kwargs: call
        result._fetch_all()
        return result

    def clear(self):
        """Forget the compiled SQL (tests that change the database's features)."""
        self._compiled.clear()
