"""Change-list filters for articles."""

from django.contrib import admin

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
