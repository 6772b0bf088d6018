from django.contrib import admin, messages
from django.utils import timezone

from ingest.models import IngestedItem, IngestToken


@admin.register(IngestToken)
class IngestTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "draft", "created_at", "last_used_at", "items_in", "revoked_at"]
    readonly_fields = ["created_at", "last_used_at", "items_in"]
    fields = ["name", "draft", "revoked_at", *readonly_fields]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, secret = IngestToken.issue(obj.name, draft=obj.draft)
        obj.pk, obj.key_hash = token.pk, token.key_hash
        messages.warning(request, f"新令牌（只显示这一次，请立即保存）：{secret}")
        return None

    @admin.action(description="撤销所选令牌")
    def revoke(self, request, queryset):
        rows = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"已撤销 {rows} 个令牌。")


@admin.register(IngestedItem)
class IngestedItemAdmin(admin.ModelAdmin):
    list_display = ["article", "source", "external_id", "origin", "synced_at"]
    list_select_related = ["article"]
    search_fields = ["external_id", "url_key"]
    list_filter = ["origin"]
    readonly_fields = [f.name for f in IngestedItem._meta.fields]

    def has_add_permission(self, request):
        return False
