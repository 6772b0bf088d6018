from django.contrib import admin

from jekyll.models import CategoryAlias, ImportedPost


@admin.register(CategoryAlias)
class CategoryAliasAdmin(admin.ModelAdmin):
    """Where each old category slug's URLs lead; editors may point one at another category."""

    list_display = ["old_slug", "category"]
    list_select_related = ["category"]
    search_fields = ["old_slug", "category__name", "category__slug"]
    autocomplete_fields = ["category"]


@admin.register(ImportedPost)
class ImportedPostAdmin(admin.ModelAdmin):
    """What import_jekyll has read; kept by the importer, read-only here."""

    list_display = ["path", "upstream_id", "article", "duplicate", "imported_at"]
    list_filter = ["duplicate"]
    search_fields = ["path", "upstream_id"]
    raw_id_fields = ["article"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
