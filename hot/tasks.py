"""What the task engine (django-q2) runs for 热门; migration 0002 creates the schedule."""

from hot.fold import fold

SCHEDULE_NAME = "finews: 汇总热门阅读数"


def fold_hot():
    """Fold finished hours of read counters and renew the ranking (the task's result line)."""
    hours, views = fold()
    return f"汇总 {hours} 个小时，{views} 次阅读"
