"""The task engine's job for search (django-q2 schedule: migration 0003)."""

from searchindex.windows import refresh

SCHEDULE_NAME = "finews: 刷新搜索常用词窗口"


def refresh_search_words():
    """Choose the frequent words, trim and refill their windows (the task's result line)."""
    return str(refresh())
