"""Flat-cost pagination for long lists of articles: ``?page=N`` without OFFSET.

Page links stay the plain, crawlable ``?page=N``. Behind them, page N is
fetched by *seek*: "the 20 newest rows older than the last row of page N-1",
one index range whatever N is. That boundary row, and the list's total count,
are cached under the content version (articles/content_version.py), so they are
computed once per change of content rather than on every request; a boundary
is derived from the previous page's boundary when that one is cached (a crawler
walking the pages pays one short step each time). The count, the boundaries a
page may need and the content version come in one cache round trip
(``content_version.Snapshot``), which a view can share for its own lookups.
"""

import math
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property

from articles.content_version import Snapshot
from articles.expressions import RowsBefore
from articles.prepared import PreparedQuery

# How long a count or a boundary may live; the content version makes them
# stale long before that whenever anything changes.
TIMEOUT = 3600


class SeekPage:
    """What the templates use of Django's Page and Paginator, for one seek page."""

    def __init__(self, object_list, number, count, per_page):
        self.object_list = object_list
        self.number = number
        self.count = count
        self.per_page = per_page
        self.num_pages = max(1, math.ceil(count / per_page))

    @property
    def paginator(self):
        return self

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.number < self.num_pages

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.num_pages > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def page_number(value, num_pages):
    """The requested page as an int in 1..num_pages ("last" allowed), or 404."""
    if value == "last":
        return num_pages
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        raise Http404("没有这一页。") from None
    if not 1 <= number <= num_pages:
        raise Http404("没有这一页。")
    return number


def older_than(fields, boundary):
    """Rows after ``boundary`` in (date desc, id desc) order, as one index range.

    The redundant ``date <= d`` gives the planner a range bound; the OR only
    drops the few rows that share the boundary's timestamp.
    """
    date_field, id_field = fields
    date, pk = boundary
    return Q(**{f"{date_field}__lte": date}) & (
        Q(**{f"{date_field}__lt": date}) | Q(**{date_field: date, f"{id_field}__lt": pk})
    )


def count_key(scope):
    return f"finews:list:count:{scope}"


def boundary_key(scope, per_page, number):
    return f"finews:list:seek:{scope}:{per_page}:{number}"


def seek_keys(page, per_page, scope):
    """The cache keys page ``page`` of the list may read (the count, its way in)."""
    keys = [count_key(scope)]
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        return keys
    if number > 1:
        keys.append(boundary_key(scope, per_page, number))
    if number > 2:
        keys.append(boundary_key(scope, per_page, number - 1))
    return keys


def _boundary(rows, fields, number, per_page, scope, shared):
    """(date, id) of the last row of page ``number - 1``; ``rows(q)`` is the ordered list."""
    key = boundary_key(scope, per_page, number)
    boundary = shared.get(key)
    if boundary is not None:
        return boundary
    previous = shared.get(boundary_key(scope, per_page, number - 1)) if number > 2 else None
    if previous is not None:
        keys = rows(older_than(fields, previous)).values_list(*fields)
        row = keys[per_page - 1 : per_page]
    else:
        # One index-only walk per content version; every later request seeks.
        start = (number - 1) * per_page - 1
        row = rows().values_list(*fields)[start : start + 1]
    row = list(row)
    if not row:
        raise Http404("没有这一页。")
    boundary = tuple(row[0])
    shared.set(key, boundary, TIMEOUT)
    return boundary


def seek_paginate(
    queryset,
    page,
    per_page,
    *,
    scope,
    fields=("published_at", "id"),
    where=None,
    count_queryset=None,
    shared=None,
    prepared=None,
):
    """Page ``page`` of ``queryset`` newest first, by seek; 404 for a page that is not there.

    ``scope`` names the list for the caches (one per category, tag, ...);
    ``fields`` are the (date, id) pair the list's index is ordered by;
    ``where`` is a condition on a multi-valued relation that must share one
    join with the seek condition (so both go into one filter() call);
    ``count_queryset``, when given, counts the same rows more cheaply;
    ``shared``, a ``Snapshot`` that read ``seek_keys()`` already (one is made
    otherwise); ``prepared(per_page, boundary)``, when given, reads the page's
    rows instead of ``queryset`` (the same list, compiled once: PreparedSeekList).
    """
    if shared is None:
        shared = Snapshot(seek_keys(page, per_page, scope))

    def rows(condition=None):
        return seek_rows(queryset, fields, where, condition)

    def count_rows():
        if count_queryset is not None:
            counted = count_queryset
        else:
            counted = queryset.filter(where) if where else queryset
        return counted.order_by().count()

    count = shared.get_or_set(count_key(scope), count_rows, TIMEOUT)
    page_obj = SeekPage([], 1, count, per_page)
    page_obj.number = number = page_number(page, page_obj.num_pages)
    boundary = _boundary(rows, fields, number, per_page, scope, shared) if number > 1 else None
    if prepared is not None:
        page_obj.object_list = prepared(per_page, boundary)
    else:
        ordered = rows(older_than(fields, boundary)) if boundary else rows()
        page_obj.object_list = list(ordered[:per_page])
    return page_obj


def seek_rows(queryset, fields, where=None, condition=None):
    """``queryset`` newest first by ``fields``, filtered by ``where`` and ``condition``.

    One filter() call: ``where`` (on a multi-valued relation) and the seek
    condition share one join.
    """
    date_field, id_field = fields
    conditions = [q for q in (where, condition) if q]
    return (queryset.filter(*conditions) if conditions else queryset).order_by(
        f"-{date_field}", f"-{id_field}"
    )


class PreparedSeekList:
    """A list's page query, built and compiled once per process (articles/prepared.py).

    ``build(now, **slots)`` is the list's queryset with the publish gate at
    ``now``, ``where(now, **slots)`` its condition on a multi-valued relation
    (or None): the same functions the view uses, so the list is defined once.
    The page query — first page, or the page after a boundary — is compiled
    once per page size; ``page(per_page, boundary, now=..., **slots)`` runs it
    with this request's values. ``slots`` maps each slot to a model field of its
    value's type; ``fields`` are the list's (date, id) pair and ``seek_types``
    model fields of their types. ``plan_once``: see articles/prepared.py;
    ``row_seek``: later pages are found with ``RowsBefore`` (fields of the
    list's own table only), which a plan made once serves well.
    """

    def __init__(
        self, build, *, fields, seek_types, where=None, plan_once=False, row_seek=False, **slots
    ):
        self.build = build
        self.where = where
        self.plan_once = plan_once
        self.row_seek = row_seek
        self.fields = fields
        self.seek_types = seek_types
        self.slots = slots
        self._queries = {}

    def _page_queryset(self, per_page, first, now, seek_date=None, seek_id=None, **values):
        if first:
            condition = None
        elif self.row_seek:
            condition = RowsBefore(self.fields, (seek_date, seek_id), self.seek_types)
        else:
            condition = older_than(self.fields, (seek_date, seek_id))
        where = self.where(now, **values) if self.where else None
        return seek_rows(self.build(now, **values), self.fields, where, condition)[:per_page]

    def query(self, per_page, first):
        key = (per_page, first)
        query = self._queries.get(key)
        if query is None:
            slots = dict(self.slots, now=self.seek_types[0])
            if not first:
                slots.update(seek_date=self.seek_types[0], seek_id=self.seek_types[1])
            query = PreparedQuery(
                partial(self._page_queryset, per_page, first), plan_once=self.plan_once, **slots
            )
            query = self._queries.setdefault(key, query)
        return query

    def page(self, per_page, boundary, **values):
        if boundary is not None:
            values.update(seek_date=boundary[0], seek_id=boundary[1])
        return list(self.query(per_page, boundary is None).run(**values))


class SeekPaginationMixin:
    """For ListView: replaces COUNT + OFFSET pagination with seek_paginate().

    ``self.shared`` is the request's ``Snapshot``: the list's count and
    boundaries, plus whatever ``shared_keys()`` names (a view adds the key
    of its category or tag), in one cache round trip.
    """

    seek_fields = ("published_at", "id")

    def pagination_scope(self):
        return self.request.path

    def get_seek_where(self):
        """A condition on a multi-valued relation the list is filtered by, or None."""
        return None

    def get_count_queryset(self, queryset):
        """The rows to count for the page total; the list itself by default."""
        return queryset

    def prepared_page(self):
        """``page(per_page, boundary)`` -> the page's rows, from a compiled query; or None."""
        return None

    def requested_page(self):
        return self.request.GET.get(self.page_kwarg) or self.kwargs.get(self.page_kwarg)

    def seek_page_size(self):
        return self.get_paginate_by(None) or settings.ARTICLES_PER_PAGE

    def shared_keys(self):
        """Cache keys this request reads under the content version."""
        return seek_keys(self.requested_page(), self.seek_page_size(), self.pagination_scope())

    @cached_property
    def shared(self):
        return Snapshot(self.shared_keys())

    def paginate_queryset(self, queryset, page_size):
        page_obj = seek_paginate(
            queryset,
            self.requested_page(),
            page_size or settings.ARTICLES_PER_PAGE,
            scope=self.pagination_scope(),
            fields=self.seek_fields,
            where=self.get_seek_where(),
            count_queryset=self.get_count_queryset(queryset),
            shared=self.shared,
            prepared=self.prepared_page(),
        )
        return page_obj, page_obj, page_obj.object_list, page_obj.has_other_pages()
