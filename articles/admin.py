from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.db.models.functions import Coalesce, Now

from articles.models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request):
        # One grouped query for the whole change list, not one count per row.
        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description="文章数", ordering="_article_count")
    def article_count(self, obj):
        return obj._article_count


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "published_at", "published_tick"]
    list_filter = ["status", ("category", admin.RelatedOnlyFieldListFilter), "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "source_name", "source_url"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["category", "author"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    # A source URL typed without a scheme is taken as https:// (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # A COUNT(*) over the whole archive on every change-list view is not worth it.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "summary", "body"]}),
        ("发布", {"fields": ["status", "published_at", "slug", "author"]}),
        ("来源", {"fields": ["source_name", "source_url"]}),
        ("时间", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("slug")  # the article's URL never changes once it exists
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    @admin.display(description="已上线", boolean=True)
    def published_tick(self, obj):
        return obj.is_published

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(
            status=Article.Status.PUBLISHED, published_at=Coalesce("published_at", Now())
        )
        self.message_user(request, f"已发布 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"已撤回 {count} 篇文章。", messages.SUCCESS)
