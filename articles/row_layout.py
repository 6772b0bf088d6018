"""Model instances from a compiled query's rows, its layout worked out once.

``PreparedQuery.run()`` (articles/prepared.py) runs the same compiled SQL on
every call; this turns the rows it fetches into model instances as Django's
``ModelIterable`` does.
"""

import copy
import weakref

from django.db.models.query import ModelIterable, get_related_populators


class RowLayout:
    """How a compiled query's rows become model instances, worked out once.

    ``ModelIterable`` works out on every call where the model's columns are in
    a row, the ``select_related`` populators, the annotations' columns and
    (through the compiler) each column's converters: about a third of a
    prepared query's Python time. They depend on the compiled query alone (the
    converters also on the connection, so they are kept per connection).
    ``objects()`` makes the instances as ``ModelIterable`` does: the same
    ``from_db``, populators and converter calls.
    """

    __slots__ = (
        "annotations",
        "compiler",
        "converters",
        "end",
        "fields",
        "init_list",
        "model",
        "related",
        "start",
    )

    @classmethod
    def of(cls, compiler, queryset):
        """The layout of a queryset of model instances, or None (``values()``, prefetches…)."""
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or compiler.has_composite_fields(fields)
        ):
            return None
        return cls(compiler, fields, queryset.db)

    def __init__(self, compiler, fields, db):
        klass_info, select = compiler.klass_info, compiler.select
        self.compiler = compiler
        self.model = klass_info["model"]
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.related = get_related_populators(klass_info, select, db)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.fields = fields
        # Per connection: [(position, (converters, expression))], as Django's
        # apply_converters() takes them.
        self.converters = weakref.WeakKeyDictionary()

    def _converters_for(self, connection):
        found = self.converters.get(connection)
        if found is None:
            call = copy.copy(self.compiler)
            call.connection = connection
            found = self.converters[connection] = list(call.get_converters(self.fields).items())
        return found

    def objects(self, rows, connection):
        """Model instances of the fetched ``rows``, as ``ModelIterable`` makes them."""
        converters = self._converters_for(connection)
        model, db, init_list = self.model, connection.alias, self.init_list
        start, end, related, annotations = self.start, self.end, self.related, self.annotations
        found = []
        for row in rows:
            if converters:  # what SQLCompiler.apply_converters() does
                row = list(row)
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            instance = model.from_db(db, init_list, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found
