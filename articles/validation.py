"""Checks on values that arrive from outside (an archive, a crawler), shared by every door.

Each returns an error message for people, or None when the value is fine.
"""

import datetime as dt
from zoneinfo import ZoneInfo

# finews' sources start in the 1990s; an earlier date is a crawler's mistake.
EARLIEST_PUBLISHED_AT = dt.datetime(1990, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
# Clocks drift and sources mislabel their zone; more than this ahead is a mistake.
FUTURE_TOLERANCE = dt.timedelta(days=1)


def check_published_at(value, *, now=None):
    """None when ``value`` is a plausible publication time of news, else why it is not.

    Refused: naive datetimes, times before 1990, more than a day after ``now``
    (default: the current time), and times a database cannot hold once turned
    into UTC (``9999-12-31 23:00 -05:00``, ``0001-01-01 +08:00``).
    """
    if not isinstance(value, dt.datetime):
        return "not a date and time"
    if value.utcoffset() is None:
        return "date has no time zone"
    try:
        in_utc = value.astimezone(dt.UTC)
    except OverflowError:
        return f"date {value.isoformat()} is out of range"
    if now is None:
        now = dt.datetime.now(dt.UTC)
    if in_utc < EARLIEST_PUBLISHED_AT:
        return f"date {value.isoformat()} is before {EARLIEST_PUBLISHED_AT.year}"
    if in_utc > now + FUTURE_TOLERANCE:
        return f"date {value.isoformat()} is more than a day in the future"
    return None
