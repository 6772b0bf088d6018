from django.contrib import admin

from stocks.models import Security


@admin.register(Security)
class SecurityAdmin(admin.ModelAdmin):
    """Securities learned from the news, to look at: every field is derived from the text."""

    list_display = ["code", "name", "market", "updated_at"]
    list_filter = ["market"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "market", "name", "names", "updated_at"]
    fields = ["code", "market", "name", "names", "updated_at"]

    def has_add_permission(self, request):
        return False
