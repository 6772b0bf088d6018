"""Date archives: one Beijing-time year, month or day as a range of published_at.

A period is a half-open range [start, end) of aware datetimes, so the page's
query is an index-served range scan on published_at. Dates that cannot exist
(month 13, 30 February) and periods that have not begun yet are 404.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.content_version import Snapshot
from articles.metadata import Crumb
from articles.models import Article
from articles.slug_urls import cached_reverse

# Years outside this range are 404: no news from there, and no date arithmetic
# near datetime's limits.
MIN_YEAR = 1990
MAX_YEAR = 2100
# How long an archive page's calendar may be cached (the content version makes
# it stale as soon as anything changes).
NAVIGATION_TIMEOUT = 3600


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _shift_month(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class ArchivePeriod:
    kind: str  # "year", "month" or "day"
    year: int
    month: int = 1
    day: int = 1

    @classmethod
    def from_url(cls, year, month=None, day=None):
        kind = "day" if day is not None else "month" if month is not None else "year"
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404("这个年份没有新闻。")
        month = 1 if month is None else month
        day = 1 if day is None else day
        try:
            date(year, month, day)
        except ValueError as exc:
            raise Http404("没有这个日期。") from exc
        period = cls(kind, year, month, day)
        if period.start > timezone.now():
            raise Http404("这段时间还没有新闻。")
        return period

    @property
    def first_day(self):
        return date(self.year, self.month, self.day)

    @property
    def start(self):
        return _midnight(self.first_day)

    @property
    def end(self):
        return self.following(1).start

    def following(self, delta):
        """The period ``delta`` years, months or days away (negative: earlier)."""
        if self.kind == "year":
            return ArchivePeriod("year", self.year + delta)
        if self.kind == "month":
            return ArchivePeriod("month", *_shift_month(self.year, self.month, delta))
        day = date.fromordinal(self.first_day.toordinal() + delta)
        return ArchivePeriod("day", day.year, day.month, day.day)

    def _exists(self):
        return MIN_YEAR <= self.year <= MAX_YEAR and self.start <= timezone.now()

    @property
    def previous(self):
        period = self.following(-1)
        return period if period._exists() else None

    @property
    def next(self):
        period = self.following(1)
        return period if period._exists() else None

    @property
    def label(self):
        if self.kind == "year":
            return f"{self.year}年"
        if self.kind == "month":
            return f"{self.year}年{self.month}月"
        return f"{self.year}年{self.month}月{self.day}日"

    @property
    def short_label(self):
        return {"year": f"{self.year}年", "month": f"{self.month}月", "day": f"{self.day}日"}[
            self.kind
        ]

    def get_absolute_url(self):
        # An archive page links to a whole calendar of these: each reversed once.
        if self.kind == "year":
            return cached_reverse("articles:archive_year", self.year)
        if self.kind == "month":
            return cached_reverse("articles:archive_month", self.year, self.month)
        return cached_reverse("articles:archive_day", self.year, self.month, self.day)

    def calendar(self):
        """The months of this year or the days of this month (a day shows its month).

        Each entry is (period, exists, current): future periods do not exist yet.
        """
        if self.kind == "year":
            periods = [ArchivePeriod("month", self.year, m) for m in range(1, 13)]
        else:
            days = calendar.monthrange(self.year, self.month)[1]
            periods = [ArchivePeriod("day", self.year, self.month, d) for d in range(1, days + 1)]
        return [(period, period._exists(), period == self) for period in periods]

    def crumbs(self):
        """Year › month › day, each linking to its own archive page."""
        trail = [ArchivePeriod("year", self.year)]
        if self.kind in {"month", "day"}:
            trail.append(ArchivePeriod("month", self.year, self.month))
        if self.kind == "day":
            trail.append(self)
        return [Crumb(p.short_label, p.get_absolute_url()) for p in trail]


def _as_datetime(value):
    # PostgreSQL returns aware datetimes; SQLite its stored UTC time, naive.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _navigation_query(period, children):
    """One query: does each child period hold news, and when is the news just before and after?"""
    published = Article.objects.published().order_by()
    parts, params = [], []
    for child in children:
        sql, child_params = (
            published.filter(published_at__gte=child.start, published_at__lt=child.end)
            .values("id")[:1]
            .query.sql_with_params()
        )
        parts.append(f"EXISTS ({sql})")
        params.extend(child_params)
    for queryset in (
        published.filter(published_at__lt=period.start).order_by("-published_at"),
        published.filter(published_at__gte=period.end).order_by("published_at"),
    ):
        sql, neighbour_params = queryset.values("published_at")[:1].query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(neighbour_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    *exists, before, after = row
    return [bool(value) for value in exists], _as_datetime(before), _as_datetime(after)


def navigation_key(period):
    return f"finews:archive-nav:{period.kind}:{period.year}:{period.month}:{period.day}"


def archive_navigation(period, shared=None):
    """The calendar and previous/next links of an archive page: only where there is news.

    ``calendar``: (child period, has news, is this page) for the months of a
    year or the days of a month; ``previous``/``next``: the nearest period
    of the same kind holding news before/after this one, or None. One query
    (an EXISTS per child, served by the published_at index), cached under
    the content version (``shared``: the request's ``Snapshot``, which may
    have read it already with the page's count).
    """
    key = navigation_key(period)
    exists, before, after = (shared or Snapshot([key])).get_or_set(
        key,
        lambda: _navigation_query(period, [child for child, _, _ in period.calendar()]),
        NAVIGATION_TIMEOUT,
    )

    def containing(moment):
        if moment is None:
            return None
        day = timezone.localtime(moment).date()
        if period.kind == "year":
            return ArchivePeriod("year", day.year)
        if period.kind == "month":
            return ArchivePeriod("month", day.year, day.month)
        return ArchivePeriod("day", day.year, day.month, day.day)

    calendar = [
        (child, has_news, current)
        for (child, _, current), has_news in zip(period.calendar(), exists, strict=True)
    ]
    return {"calendar": calendar, "previous": containing(before), "next": containing(after)}
