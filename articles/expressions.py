"""SQL the ORM does not write: the few expressions the hot pages' statements need.

Each compiles on PostgreSQL and on SQLite; each exists so that a statement
is one index-served query, or keeps a good plan when it is planned once
(articles/prepared.py):

- ``JSONRows`` and ``JSONTuple``: a subquery's rows as one JSON value (the
  article page reads its tags and links with the article);
- ``InJSONArray``: a key among the integers of a JSON array column (the
  article's stored related ids);
- ``RowsBefore``: the seek condition as one row comparison (a category's
  later pages).
"""

from django.db.models import BooleanField, F, Func, JSONField, Subquery, Value


def _compiled(expression, compiler):
    """Each source expression's SQL, and all their parameters in order."""
    parts = [compiler.compile(source) for source in expression.get_source_expressions()]
    return [sql for sql, _ in parts], tuple(param for _, params in parts for param in params)


class JSONRows(Subquery):
    """A subquery's rows as one JSON array (each row one ``row`` column): one value.

    An empty subquery gives NULL. On PostgreSQL ``json``, not ``jsonb``: the
    value is only sent to Python, which parses its text either way, and
    PostgreSQL writes ``json`` text as it goes where ``jsonb`` is built as a
    tree first and written out after. Sent as text, which ``JSONField``
    parses (psycopg would parse a ``json`` value itself, and Django then
    again).
    """

    template = '(SELECT JSON_AGG("row")::text FROM (%(subquery)s) AS "rows")'
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # A JSON value read from a subquery is text to SQLite: JSON() makes it JSON again.
        template = '(SELECT JSON_GROUP_ARRAY(JSON("row")) FROM (%(subquery)s) AS "rows")'
        return self.as_sql(compiler, connection, template=template, **extra_context)


class JSONTuple(Func):
    """The values of some columns as one JSON array (a row of ``JSONRows``).

    Django's ``JSONArray`` builds ``jsonb`` on PostgreSQL (before 16), with a
    cast of each value; this builds ``json`` (see ``JSONRows``).
    """

    function = "JSON_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class InJSONArray(Func):
    """``column`` is one of the integers in the JSON array ``array`` (a condition).

    ``first``: only among the array's first ``first`` items (in array order).

    On PostgreSQL ``= ANY(ARRAY(...))``: an array, so that OR-ed with other
    key tests the planner still reads each key from the primary key's index
    (as ``IN (subquery)`` it read every row: 83 ms against 0.1 ms).
    """

    output_field = BooleanField()

    def __init__(self, column, array, first=None):
        super().__init__(column, array)
        self.first = first

    def as_sql(self, compiler, connection, template=None, **extra_context):
        (column, array), params = _compiled(self, compiler)
        # An int, written into the SQL: the statement stays one per value.
        limit = "" if self.first is None else f" LIMIT {int(self.first)}"
        if connection.vendor == "postgresql":
            return (
                f"{column} = ANY(ARRAY(SELECT (item.value)::bigint FROM"  # noqa: S608 (compiled SQL, an int)
                f" JSONB_ARRAY_ELEMENTS_TEXT({array}) WITH ORDINALITY AS item(value, position)"
                f" ORDER BY item.position{limit}))",
                params,
            )
        return (
            f'{column} IN (SELECT "value" FROM JSON_EACH({array}) ORDER BY "key"{limit})',  # noqa: S608 (compiled SQL, values are parameters)
            params,
        )


class RowsBefore(Func):
    """``(date, id) < (d, i)``: the rows after a boundary in (date desc, id desc) order.

    The same rows as ``pagination.older_than()``, as one row comparison: a
    single index condition, so that a plan made without the values (a
    prepared statement's generic plan) still walks the list's index in order.
    With ``older_than()``'s OR, PostgreSQL's generic plan reads the whole list
    in a bitmap scan and sorts it (10 ms against 0.2 ms for the biggest
    category of the 100,000-article benchmark). Only for fields of the list's
    own table. ``types``: the model fields of the boundary's values (each is
    adapted as its field's).
    """

    output_field = BooleanField()

    def __init__(self, fields, boundary, types):
        values = (
            Value(value, output_field=kind) for value, kind in zip(boundary, types, strict=True)
        )
        super().__init__(*(F(name) for name in fields), *values)

    def as_sql(self, compiler, connection, template=None, **extra_context):
        (date, pk, moment, key), params = _compiled(self, compiler)
        return f"({date}, {pk}) < ({moment}, {key})", params
