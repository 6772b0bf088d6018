"""Change-list filters for articles."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from articles.models import Article


class StatusFilter(admin.SimpleListFilter):
    """草稿 / 已排期 / 已发布 / 已撤下, each from the queryset's named piece of the rule."""

    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "草稿"),
            ("scheduled", Article.SCHEDULED_LABEL),
            ("live", "已发布（已上线）"),
            ("withdrawn", "已撤下"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        if value == "withdrawn":
            return queryset.withdrawn()
        return queryset


class ArticleChangeList(ChangeList):
    """The change list, with out-of-range dates in its filters refused like any bad filter.

    Django's date drill-down builds ``datetime(year, month, day)`` and the next
    year, month or day from the query string: ``?published_at__year=9999`` (the
    end falls after year 9999) or a 20-digit number raised ValueError or
    OverflowError, a 500. They now get the admin's answer to a bad filter: the
    list without filters, marked ``?e=1``.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
