"""The site's two timestamp styles, both in Beijing time (docs/reader.md, "Timestamps").

- Lists (cards, sidebars, related articles, search results, the live notice's
  cards): ``11-29 18:31`` for this year's news, ``2022-05-19 16:10`` for
  earlier years'.
- Article pages: ``2022年5月19日 16:10``.
"""

from django.utils import timezone


def beijing(moment):
    """``moment`` (aware) in the site's time zone, ``TIME_ZONE``: Beijing time.

    What ``timezone.localtime(moment)`` returns, with the zone named: without
    it, Django looks up the *active* zone, an asgiref ``Local`` whose miss
    raises and catches an exception (about 8 µs, a dozen times per page). The
    site never activates another zone (docs/reader.md, "Timestamps"), so the
    active zone is always the default one. A naive moment is refused as
    ``localtime`` refuses it.
    """
    if moment.utcoffset() is None:
        raise ValueError("localtime() cannot be applied to a naive datetime")
    return moment.astimezone(timezone.get_default_timezone())


def beijing_today(now=None):
    """Beijing's calendar day at ``now`` (default: this moment)."""
    return beijing(now or timezone.now()).date()


def list_time(moment, now=None):
    """``moment`` as lists show it: ``MM-DD HH:MM`` this year, else ``YYYY-MM-DD HH:MM``."""
    if not moment:
        return ""
    return local_list_time(beijing(moment), beijing(now or timezone.now()).year)


def local_list_time(local, this_year):
    """``list_time`` of a moment already in Beijing time, ``this_year`` being Beijing's year.

    ``strftime("%m-%d %H:%M")`` (with ``%Y-`` before it for another year),
    written out: strftime builds a time tuple and a C format on every call.
    """
    clock = f"{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
    return clock if local.year == this_year else f"{local.year}-{clock}"


def article_time(moment):
    """``moment`` as the article page shows it: ``2022年5月19日 16:10``."""
    if not moment:
        return ""
    local = beijing(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


WEEKDAYS = "一二三四五六日"


def day_label(day, today):
    """A Beijing calendar day as the 7×24 timeline heads it: 今天, 昨天, ``11月27日 星期五``.

    Days of an earlier year carry the year (``2021年12月8日 星期三``).
    """
    delta = (today - day).days
    if delta == 0:
        return "今天"
    if delta == 1:
        return "昨天"
    label = f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"
    return label if day.year == today.year else f"{day.year}年{label}"


def clock_time(moment):
    """``moment`` as the timeline shows it: ``HH:MM``, Beijing time."""
    if not moment:
        return ""
    local = beijing(moment)
    return f"{local.hour:02d}:{local.minute:02d}"
