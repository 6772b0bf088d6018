"""The editors' admin: categories and articles.

The article admin is put together from its jobs: forms (forms.py), the status
filter (filters.py), bulk actions (actions.py), its own pages (views.py) and
the warning when a save could not refresh the cached pages (notices.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import history
from articles.admin.actions import ArticleActionsMixin
from articles.admin.filters import ArticleChangeList, StatusFilter
from articles.admin.forms import ArticleAdminForm
from articles.admin.notices import StaleNoticeMixin
from articles.admin.views import ArticleViewsMixin
from articles.models import Article, Category
from articles.sanitize import removed_markup, sanitize_html
from stocks.linking import link_articles

PUBLISH_PERMISSION = "articles.publish_article"
# Times are shown in TIME_ZONE, Beijing time, like everywhere on the site.
TIME_FORMAT = "%Y-%m-%d %H:%M"


@admin.register(Category)
class CategoryAdmin(StaleNoticeMixin, admin.ModelAdmin):
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
class ArticleAdmin(StaleNoticeMixin, ArticleActionsMixin, ArticleViewsMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # The admin's formfield_for_dbfield replaces the form's formfield_callback.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Few, narrow columns: the headline gets the width.
    list_display = [
        "title",
        "category",
        "state_label",
        "published_tick",
        "published_time",
        "preview_link",
    ]
    list_filter = [
        StatusFilter,
        "kind",
        "important",
        ("category", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["category"]
    search_fields = ["title", "source_name", "source_url"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["category", "author"]
    readonly_fields = ["current_state", "created_at", "created_by", "updated_at", "updated_by"]
    list_per_page = 50
    # "显示全部" lists up to this many, so hundreds can be ticked on one page.
    list_max_show_all = 500
    # A COUNT(*) over the whole archive on every change-list view is not worth it.
    show_full_result_count = False
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "summary", "body"]}),
        (
            "发布",
            {
                "fields": [
                    "current_state",
                    "status",
                    "published_at",
                    ("kind", "important"),
                    "slug",
                    "author",
                ]
            },
        ),
        ("来源", {"fields": ["source_name", "source_url"]}),
        (
            "记录",
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        js = ["js/admin-tags.js"]
        css = {"all": ["css/admin-editorial.css"]}

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    # --- permissions -----------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        """Publishing, scheduling and withdrawing: the chief editor's right (主编)."""
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("slug")  # the article's URL never changes once it exists
        if not self.has_publish_permission(request):
            # Editors (编辑) write; the publication state is not theirs to set.
            fields += ["status", "published_at"]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    # --- change list -----------------------------------------------------

    @admin.display(description="状态", ordering="status")
    def state_label(self, obj):
        css = "scheduled" if obj.is_scheduled else obj.status
        return format_html('<span class="state state-{}">{}</span>', css, obj.status_label)

    @admin.display(description="上线", boolean=True)
    def published_tick(self, obj):
        return obj.is_published

    @admin.display(description="发布时间（北京）", ordering="published_at")
    def published_time(self, obj):
        if obj.published_at is None:
            return "—"
        return timezone.localtime(obj.published_at).strftime(TIME_FORMAT)

    @admin.display(description="当前状态")
    def current_state(self, obj):
        if obj is None or obj.pk is None:
            return "草稿（新文章）"
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime(TIME_FORMAT)
            return f"{Article.SCHEDULED_LABEL}：将于 {when}（北京时间）自动上线"
        return obj.status_label

    @admin.display(description="预览")
    def preview_link(self, obj):
        url = reverse("admin:articles_article_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">预览</a>', url)

    # --- saving: only what changed -----------------------------------------

    def _check_publish_rights(self, request, obj):
        if self.has_publish_permission(request):
            return
        original = Article.objects.filter(pk=obj.pk).values("status", "published_at").first()
        state = original or {"status": Article.Status.DRAFT, "published_at": None}
        if (obj.status, obj.published_at) != (state["status"], state["published_at"]):
            raise PermissionDenied("只有主编可以发布、排期或撤下文章。")

    def save_model(self, request, obj, form, change):
        """Save the article unless the form changes nothing; the version follows in save_related.

        What changed is decided by comparing with the stored article (body
        sanitized, tags by key), not by the form's changed_data, which counts
        a re-spaced body or a time shown without its fractions as changes.
        """
        self._check_publish_rights(request, obj)
        submitted_body = form.cleaned_data.get("body", obj.body)
        if change:
            stored = Article.objects.select_related("category", "author").get(pk=obj.pk)
            obj._admin_changes = history.pending_changes(stored, obj, form.cleaned_data.get("tags"))
            if not obj._admin_changes:
                self.message_user(request, "内容没有改动，未保存新版本。", messages.INFO)
                return
        else:
            obj.created_by = request.user
            if obj.author_id is None:
                obj.author = request.user
        obj.updated_by = request.user
        # The version is recorded in save_related(), once the tags are saved too.
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving
        removed = removed_markup(submitted_body, sanitize_html(submitted_body))
        if removed:
            self.message_user(
                request,
                "保存时正文中的以下不安全或不支持的内容已被移除：" + "、".join(removed),
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        article = form.instance
        changes = getattr(article, "_admin_changes", None)
        if change and not changes:
            return  # nothing changed: no tag writes, no version
        super().save_related(request, form, formsets, change)
        article._tag_names = list(article.tags.names())
        reason = "修改：" + "、".join(changes) if change else "创建"
        history.record_versions([article], user=request.user, reason=reason, created=not change)
        # The securities it names, linked as the pipeline links what comes in (stocks/).
        link_articles([article], existing=[article] if change else [])

    def construct_change_message(self, request, form, formsets, add=False):
        if add:
            return super().construct_change_message(request, form, formsets, add)
        changes = getattr(form.instance, "_admin_changes", None) or []
        return [{"changed": {"fields": changes}}] if changes else []

    def log_change(self, request, obj, message):
        # A save that changed nothing leaves no entry in the admin's log either.
        if getattr(obj, "_admin_changes", None) == []:
            return None
        return super().log_change(request, obj, message)
