from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from sources.models import Source
from sources.polling import poll_now, reset, with_recent_counts

HEALTH_COLOURS = {
    "ok": "#2e7d32",
    "new": "#616161",
    "silent": "#ef6c00",
    "failing": "#c62828",
    "paused": "#c62828",
    "disabled": "#616161",
}


# What the health section shows; none of it is edited by hand.
HEALTH_FIELDS = [
    "health_badge",
    "poll_interval",
    "last_attempt_at",
    "last_success_at",
    "last_error_status",
    "last_error",
    "consecutive_failures",
    "paused_reason",
    "newest_item_at",
    "last_new_items",
    "claimed_until",
]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "format",
        "health_badge",
        "last_success_at",
        "error_summary",
        "consecutive_failures",
        "items_24h",
        "newest_item_at",
        "next_poll_at",
    ]
    list_filter = ["enabled", "format", "kind"]
    search_fields = ["name", "url"]
    actions = ["poll_selected", "reset_selected"]
    autocomplete_fields = ["category"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = HEALTH_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "url", "format", "enabled"]}),
        ("条目", {"fields": ["publication", "category", "tags", "kind"]}),
        ("JSON 接口", {"fields": ["preset", "mapping"], "classes": ["collapse"]}),
        ("抓取", {"fields": ["min_interval", "max_interval", "silent_minutes", "next_poll_at"]}),
        (
            "健康状况",
            {"fields": HEALTH_FIELDS},
        ),
    ]

    def get_queryset(self, request):
        return with_recent_counts(super().get_queryset(request))

    @admin.display(description="状态")
    def health_badge(self, obj):
        if obj.pk is None:
            return "—"
        health = obj.health(timezone.now())
        return format_html(
            '<strong class="source-health source-health-{}" style="color:{}">{}</strong>',
            health,
            HEALTH_COLOURS[health],
            obj.HEALTH_LABELS[health],
        )

    @admin.display(description="最近错误")
    def error_summary(self, obj):
        text = obj.paused_reason or obj.last_error
        if not text:
            return "—"
        status = f"HTTP {obj.last_error_status} · " if obj.last_error_status else ""
        return f"{status}{text[:120]}"

    @admin.display(description="24 小时条目", ordering="items_24h")
    def items_24h(self, obj):
        return getattr(obj, "items_24h", None) or 0

    @admin.action(description="立即抓取所选来源", permissions=["change"])
    def poll_selected(self, request, queryset):
        for source in queryset:
            outcome = poll_now(source)
            if outcome is None:
                self.message_user(request, f"{source}: 正由后台任务抓取，稍后再看。", messages.INFO)
            elif outcome.ok:
                self.message_user(request, str(outcome), messages.SUCCESS)
            else:
                self.message_user(request, str(outcome), messages.ERROR)

    @admin.action(description="重置（恢复暂停的来源并立即排队）", permissions=["change"])
    def reset_selected(self, request, queryset):
        n = reset(queryset)
        self.message_user(request, f"已重置 {n} 个来源。", messages.SUCCESS)
