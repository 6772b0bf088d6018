"""/kuaixun/: the 7×24 flash-news timeline, newest first, grouped by Beijing day.

``?important=1`` (a plain link) keeps only the important (加红) items;
``?page=N`` is seek-paginated like every list (articles/pagination.py), shown
as an "更早" link. Page 1 carries the live cursor (static/js/live.js).
"""

from django.conf import settings
from django.urls import reverse
from django.views.generic import ListView

from articles.flash import group_by_day, published_flash
from articles.live import live_list_context
from articles.metadata import Crumb
from articles.pagination import SeekPaginationMixin
from articles.story_lists import fold_stories
from articles.views.base import CARD_DEFERRED, home_crumb


def wants_important(request):
    """``?important=1`` asks for important items only; anything else means all."""
    return request.GET.get("important") == "1"


class KuaixunView(SeekPaginationMixin, ListView):
    template_name = "articles/kuaixun.html"
    context_object_name = "items"

    def get_paginate_by(self, queryset):
        return settings.FLASH_PER_PAGE

    def get_queryset(self):
        self.important = wants_important(self.request)
        return (
            published_flash(important=self.important)
            .select_related("category")
            .prefetch_related("tags")
            .defer(*CARD_DEFERRED)
        )

    def pagination_scope(self):
        return f"{self.request.path}?important={int(self.important)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = reverse("articles:kuaixun")
        context.update(
            important=self.important,
            days=group_by_day(fold_stories(context["items"])),
            kuaixun_url=base,
            page_query="important=1&" if self.important else "",
            breadcrumbs=[home_crumb(), Crumb("7×24 快讯", base)],
            live=live_list_context(
                context["items"],
                page_obj=context["page_obj"],
                kind="flash",
                important="1" if self.important else "",
            ),
        )
        return context
