"""Date archives: one Beijing-time year, month or day as a range of published_at.

A period is a half-open range [start, end) of aware datetimes, so the page's
query is an index-served range scan on published_at. Dates that cannot exist
(month 13, 30 February) and periods that have not begun yet are 404.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from articles.metadata import Crumb

# Years outside this range are 404: no news from there, and no date arithmetic
# near datetime's limits.
MIN_YEAR = 1990
MAX_YEAR = 2100


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
        if self.kind == "year":
            return reverse("articles:archive_year", args=[self.year])
        if self.kind == "month":
            return reverse("articles:archive_month", args=[self.year, self.month])
        return reverse("articles:archive_day", args=[self.year, self.month, self.day])

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
