"""The editor is told when a save could not refresh the cached pages (issue 13 item 6).

A save renews the content version (articles/content_version.py); when the
shared cache cannot be reached that write fails, is logged as an error and is
retried on the next request, but other app hosts may keep serving the old
pages meanwhile (at most PAGE_CACHE_MAX_AGE seconds). Every admin view that
writes (the change form, the list's actions, delete, restore) goes through
``warn_if_not_renewed``, which adds that warning to the editor's messages.
"""

import functools

from django.conf import settings
from django.contrib import messages

from articles import content_version


def stale_warning():
    return (
        "已保存，但未能通知缓存服务器（无法连接）：其他服务器上的读者"
        f"最多 {settings.PAGE_CACHE_MAX_AGE} 秒内可能仍看到修改前的页面。"
        "已记录错误，连接恢复后会自动更新。"
    )


def warn_if_not_renewed(view):
    """Wrap an admin view: warn the editor if the content version failed to renew during it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        before = content_version.failures()
        response = view(request, *args, **kwargs)
        if content_version.failures() > before:
            messages.warning(request, stale_warning())
        return response

    return wrapper


class StaleNoticeMixin:
    """For a ModelAdmin whose saves change what readers see."""

    def changeform_view(self, request, *args, **kwargs):
        return warn_if_not_renewed(super().changeform_view)(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return warn_if_not_renewed(super().changelist_view)(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return warn_if_not_renewed(super().delete_view)(request, *args, **kwargs)
