"""The site's two timestamp styles, both in Beijing time (docs/reader.md, "Timestamps").

- Lists (cards, sidebars, related articles, search results, the live notice's
  cards): ``11-29 18:31`` for this year's news, ``2022-05-19 16:10`` for
  earlier years'.
- Article pages: ``2022年5月19日 16:10``.
"""

from django.utils import timezone


def list_time(moment, now=None):
    """``moment`` as lists show it: ``MM-DD HH:MM`` this year, else ``YYYY-MM-DD HH:MM``."""
    if not moment:
        return ""
    beijing = timezone.get_current_timezone()  # looked up once for both
    this_year = timezone.localtime(now or timezone.now(), beijing).year
    return local_list_time(timezone.localtime(moment, beijing), this_year)


def local_list_time(local, this_year):
    """``list_time`` of a moment already in Beijing time, ``this_year`` being Beijing's year."""
    return local.strftime("%m-%d %H:%M" if local.year == this_year else "%Y-%m-%d %H:%M")


def article_time(moment):
    """``moment`` as the article page shows it: ``2022年5月19日 16:10``."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


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
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""
