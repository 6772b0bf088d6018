"""What the task engine (django-q2) runs. The schedule is in the database
(migration 0002 creates it); any number of ``qcluster`` workers may run it."""

from sources.polling import poll_due

SCHEDULE_NAME = "finews: 抓取到期的订阅来源"


def poll_due_sources():
    """Poll every due source; a line per source polled (kept as the task's result)."""
    return "\n".join(str(outcome) for outcome in poll_due()) or "没有到期的来源"
