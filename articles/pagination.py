"""Flat-cost pagination for long lists of articles: ``?page=N`` without OFFSET.

Page links stay the plain, crawlable ``?page=N``. Behind them, page N is
fetched by *seek*: "the 20 newest rows older than the last row of page N-1",
one index range whatever N is. That boundary row, and the list's total count,
are cached under the content version (articles/content_version.py), so they are
computed once per change of content rather than on every request; a boundary
is derived from the previous page's boundary when that one is cached (a crawler
walking the pages pays one short step each time).
"""

import math

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404

from articles.content_version import versioned_key

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


def _boundary(rows, fields, number, per_page, scope):
    """(date, id) of the last row of page ``number - 1``; ``rows(q)`` is the ordered list."""
    key = versioned_key("seek", scope, per_page, number)
    boundary = cache.get(key)
    if boundary is not None:
        return boundary
    previous = cache.get(versioned_key("seek", scope, per_page, number - 1)) if number > 2 else None
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
    cache.set(key, boundary, TIMEOUT)
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
):
    """Page ``page`` of ``queryset`` newest first, by seek; 404 for a page that is not there.

    ``scope`` names the list for the caches (one per category, tag, ...);
    ``fields`` are the (date, id) pair the list's index is ordered by;
    ``where`` is a condition on a multi-valued relation that must share one
    join with the seek condition (so both go into one filter() call);
    ``count_queryset``, when given, counts the same rows more cheaply.
    """
    where = where or Q()
    date_field, id_field = fields

    def rows(condition=None):
        combined = where & condition if condition is not None else where
        return queryset.filter(combined).order_by(f"-{date_field}", f"-{id_field}")

    count_key = versioned_key("count", scope)
    count = cache.get(count_key)
    if count is None:
        counted = queryset.filter(where) if count_queryset is None else count_queryset
        count = counted.order_by().count()
        cache.set(count_key, count, TIMEOUT)
    page_obj = SeekPage([], 1, count, per_page)
    page_obj.number = number = page_number(page, page_obj.num_pages)
    if number > 1:
        boundary = _boundary(rows, fields, number, per_page, scope)
        ordered = rows(older_than(fields, boundary))
    else:
        ordered = rows()
    page_obj.object_list = list(ordered[:per_page])
    return page_obj


class SeekPaginationMixin:
    """For ListView: replaces COUNT + OFFSET pagination with seek_paginate()."""

    seek_fields = ("published_at", "id")

    def pagination_scope(self):
        return self.request.path

    def get_seek_where(self):
        """A condition on a multi-valued relation the list is filtered by, or None."""
        return None

    def get_count_queryset(self, queryset):
        """The rows to count for the page total; the list itself by default."""
        return queryset

    def paginate_queryset(self, queryset, page_size):
        page = self.request.GET.get(self.page_kwarg) or self.kwargs.get(self.page_kwarg)
        page_obj = seek_paginate(
            queryset,
            page,
            page_size or settings.ARTICLES_PER_PAGE,
            scope=self.pagination_scope(),
            fields=self.seek_fields,
            where=self.get_seek_where(),
            count_queryset=self.get_count_queryset(queryset),
        )
        return page_obj, page_obj, page_obj.object_list, page_obj.has_other_pages()
