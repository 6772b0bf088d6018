from collections import Counter
from html.parser import HTMLParser

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce, Now
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from taggit.forms import TagWidget
from tinymce.widgets import AdminTinyMCE

from articles import history
from articles.models import Article, Category, TaggedArticle
from articles.sanitize import sanitize_html
from articles.tagging import parse_tags, tag_key

PUBLISH_PERMISSION = "articles.publish_article"
TAG_INPUT_ATTRS = {
    "class": "vTextField",
    "data-suggest-url": reverse_lazy("admin:articles_tag_suggest"),
}


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


class _TagCounter(HTMLParser):
    """Counts elements and (element, attribute) pairs of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.attributes = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, _value in attrs:
            self.attributes[(tag, name)] += 1

    handle_startendtag = handle_starttag


def removed_markup(before, after):
    """What the sanitizer took out: element names and ``element 的 attribute 属性`` lines."""

    def count(fragment):
        counter = _TagCounter()
        counter.feed(fragment or "")
        counter.close()
        return counter

    old, new = count(before), count(after)
    tags = sorted(old.tags - new.tags)
    attributes = sorted(
        (tag, name) for tag, name in old.attributes - new.attributes if tag not in tags
    )
    return [f"<{tag}>" for tag in tags] + [f"<{tag}> 的 {name} 属性" for tag, name in attributes]


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        formfield_callback = _formfield
        fields = [
            "title", "category", "tags", "summary", "body", "status", "published_at",
            "slug", "author", "source_name", "source_url",
        ]  # fmt: skip
        widgets = {
            "body": AdminTinyMCE(attrs={"cols": 80, "rows": 24}),
            "tags": TagWidget(attrs=TAG_INPUT_ATTRS),
        }
        help_texts = {
            "tags": "用逗号、顿号（、）或分号分隔，如：银行、ETF；输入时会提示已有标签。",
            "published_at": (
                "北京时间。状态为“已发布”且时间在将来，文章即为“已排期”，到点自动上线；"
                "留空则在发布时取当前时间。"
            ),
        }

    def clean_source_url(self):
        url = self.cleaned_data.get("source_url", "")
        if url:
            other = Article.objects.filter(source_url=url).exclude(pk=self.instance.pk).first()
            if other is not None:
                link = reverse("admin:articles_article_change", args=[other.pk])
                raise forms.ValidationError(
                    format_html(
                        '已有文章使用这个原文链接：<a href="{}">{}</a>（编号 {}），请勿重复录入。',
                        link,
                        other.title,
                        other.pk,
                    ),
                    code="duplicate_source_url",
                )
        return url


class StatusFilter(admin.SimpleListFilter):
    """草稿 / 已排期 / 已发布 / 已撤下: scheduled is a published article not yet due."""

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
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        if value == "live":
            return queryset.published()
        if value == "withdrawn":
            return queryset.filter(status=Article.Status.WITHDRAWN)
        return queryset


class CategoryChoiceForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.order_by("name"), label="新分类")


class TagChoiceForm(forms.Form):
    tags = forms.CharField(
        label="要添加的标签",
        max_length=200,
        help_text="可填多个，用逗号、顿号或分号分隔。",
        widget=forms.TextInput(attrs=TAG_INPUT_ATTRS),
    )

    def clean_tags(self):
        names = parse_tags(self.cleaned_data["tags"])
        if not names:
            raise forms.ValidationError("请至少填写一个标签。")
        return names


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "category",
        "state_label",
        "published_tick",
        "published_at",
        "updated_by",
        "preview_link",
    ]
    list_filter = [StatusFilter, ("category", admin.RelatedOnlyFieldListFilter), "published_at"]
    list_select_related = ["category", "updated_by"]
    search_fields = ["title", "source_name", "source_url"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["category", "author"]
    readonly_fields = ["current_state", "created_at", "created_by", "updated_at", "updated_by"]
    actions = ["publish", "withdraw", "unpublish", "change_category", "add_tags"]
    list_per_page = 50
    # "显示全部" lists up to this many, so hundreds can be ticked on one page.
    list_max_show_all = 500
    # A COUNT(*) over the whole archive on every change-list view is not worth it.
    show_full_result_count = False
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "summary", "body"]}),
        ("发布", {"fields": ["current_state", "status", "published_at", "slug", "author"]}),
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

    @admin.display(description="已上线", boolean=True)
    def published_tick(self, obj):
        return obj.is_published

    @admin.display(description="当前状态")
    def current_state(self, obj):
        if obj is None or obj.pk is None:
            return "草稿（新文章）"
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            return f"{Article.SCHEDULED_LABEL}：将于 {when}（北京时间）自动上线"
        return obj.status_label

    @admin.display(description="预览")
    def preview_link(self, obj):
        url = reverse("admin:articles_article_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">预览</a>', url)

    # --- saving ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            original = Article.objects.filter(pk=obj.pk).values("status", "published_at").first()
            if original is None:
                state = {"status": Article.Status.DRAFT, "published_at": None}
            else:
                state = original
            if (obj.status, obj.published_at) != (state["status"], state["published_at"]):
                raise PermissionDenied("只有主编可以发布、排期或撤下文章。")
        if not change:
            obj.created_by = request.user
            if obj.author_id is None:
                obj.author = request.user
        obj.updated_by = request.user
        submitted_body = form.cleaned_data.get("body", obj.body)
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
        super().save_related(request, form, formsets, change)
        article = form.instance
        article._tag_names = list(article.tags.names())
        reason = "修改" if change else "创建"
        changed = [str(form.fields[name].label) for name in form.changed_data]
        if change and changed:
            reason = "修改：" + "、".join(changed)
        history.record_versions([article], user=request.user, reason=reason, created=not change)

    # --- extra views: preview, history, tag suggestions --------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/history/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            path("tag-suggestions/", wrap(self.tag_suggestions_view), name="articles_tag_suggest"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """Any article, as readers will see it, for staff who may change articles.

        The one, explicit exception to the publish gate; admin_view() already
        sends never-cache headers and the login page to anyone not staff.
        """
        article = get_object_or_404(
            Article.objects.select_related("category").prefetch_related("tags"), pk=pk
        )
        if not self.has_change_permission(request, article):
            raise Http404
        response = TemplateResponse(
            request, "articles/article_detail.html", {"article": article, "preview": True}
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def history_view(self, request, object_id, extra_context=None):
        """Versions of one article: who, when, what changed; compare any two; restore."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = list(
            article.history.select_related("history_user", "category", "author").order_by(
                "-history_date", "-history_id"
            )
        )
        for newer, older in zip(versions, [*versions[1:], None], strict=True):
            if older is not None:
                newer.changes = history.changed_fields(older, newer)
            else:
                newer.changes = ["新建"] if newer.history_type == "+" else ["（最早的记录）"]
        by_id = {v.history_id: v for v in versions}
        diff, old, new = None, None, None
        try:
            old = by_id.get(int(request.GET.get("old", "")))
            new = by_id.get(int(request.GET.get("new", "")))
        except ValueError:
            old = new = None
        if old and new:
            if old.history_date > new.history_date:
                old, new = new, old
            diff = history.compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "title": f"版本历史：{article}",
            "subtitle": None,
            "opts": self.opts,
            "object": article,
            "versions": versions,
            "diff": diff,
            "old": old,
            "new": new,
            "can_restore": self.has_change_permission(request, article),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def restore_view(self, request, pk, version_id):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:articles_article_history", pk)
        version = get_object_or_404(article.history.all(), history_id=version_id)
        kept = history.restore(article, version, user=request.user)
        self.message_user(
            request,
            "已恢复到所选版本的内容（标题、分类、标签、摘要、正文、来源）；发布状态未改变。",
            messages.SUCCESS,
        )
        if kept:
            self.message_user(
                request,
                "以下字段保留了现在的值（旧值已不能用：分类已删除或原文链接已属于别的文章）："
                + "、".join(kept),
                messages.WARNING,
            )
        return redirect("admin:articles_article_change", pk)

    def tag_suggestions_view(self, request):
        """Existing tag names starting with (or containing) what is being typed, as JSON."""
        from taggit.models import Tag

        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "")
        names = parse_tags(query)
        term = names[-1] if names else ""
        found = []
        if term:
            found = list(
                Tag.objects.filter(name__istartswith=term)
                .order_by("name")
                .values_list("name", flat=True)[:10]
            )
            if len(found) < 10:
                found += [
                    name
                    for name in Tag.objects.filter(name__icontains=term)
                    .exclude(name__istartswith=term)
                    .order_by("name")
                    .values_list("name", flat=True)[: 10 - len(found)]
                ]
        return JsonResponse({"term": term, "tags": found})

    # --- bulk actions ----------------------------------------------------

    def _after_bulk(self, request, pks, reason):
        """Versions for every article the action touched: three queries, whatever the count."""
        articles = Article.objects.filter(pk__in=pks).prefetch_related("tags")
        history.record_versions(articles, user=request.user, reason=reason)

    def _bulk_update(self, request, queryset, reason, message, **changes):
        """One UPDATE for all selected articles, with versions and who changed them."""
        pks = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = Article.objects.filter(pk__in=pks).update(
                **changes, updated_by=request.user, updated_at=timezone.now()
            )
            self._after_bulk(request, pks, reason)
        self.message_user(request, message.format(count=count), messages.SUCCESS)

    @admin.action(description="发布所选文章（时间在将来的为排期）", permissions=["publish"])
    def publish(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            "批量发布",
            "已发布 {count} 篇文章。",
            status=Article.Status.PUBLISHED,
            published_at=Coalesce("published_at", Now()),
        )

    @admin.action(description="撤下所选文章（从网站下线，保留在后台）", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            "批量撤下",
            "已撤下 {count} 篇文章。",
            status=Article.Status.WITHDRAWN,
        )

    @admin.action(description="改回草稿（从网站下线，继续修改）", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._bulk_update(
            request,
            queryset,
            "批量改回草稿",
            "已将 {count} 篇文章改回草稿。",
            status=Article.Status.DRAFT,
        )

    def _intermediate(self, request, queryset, form, title, template):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "queryset": queryset,
            "count": len(queryset),
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "media": self.media,
        }
        return TemplateResponse(request, template, context)

    @admin.action(description="更改所选文章的分类…", permissions=["change"])
    def change_category(self, request, queryset):
        form = CategoryChoiceForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            category = form.cleaned_data["category"]
            pks = list(queryset.values_list("pk", flat=True))
            with transaction.atomic():
                count = Article.objects.filter(pk__in=pks).update(
                    category=category, updated_by=request.user, updated_at=timezone.now()
                )
                self._after_bulk(request, pks, f"批量改分类为 {category.name}")
            self.message_user(
                request, f"已将 {count} 篇文章的分类改为“{category.name}”。", messages.SUCCESS
            )
            return None
        return self._intermediate(
            request,
            queryset.select_related(None).only("pk", "title"),
            form,
            "更改分类",
            "admin/articles/article/action_change_category.html",
        )

    @admin.action(description="给所选文章添加标签…", permissions=["change"])
    def add_tags(self, request, queryset):
        form = TagChoiceForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            pks = list(queryset.values_list("pk", flat=True))
            with transaction.atomic():
                tags = [_get_or_create_tag(name) for name in form.cleaned_data["tags"]]
                TaggedArticle.objects.bulk_create(
                    [TaggedArticle(content_object_id=pk, tag=tag) for pk in pks for tag in tags],
                    ignore_conflicts=True,
                    batch_size=500,
                )
                Article.objects.filter(pk__in=pks).update(
                    updated_by=request.user, updated_at=timezone.now()
                )
                names = "、".join(tag.name for tag in tags)
                self._after_bulk(request, pks, f"批量添加标签 {names}")
            self.message_user(
                request, f"已给 {len(pks)} 篇文章添加标签：{names}。", messages.SUCCESS
            )
            return None
        return self._intermediate(
            request,
            queryset.select_related(None).only("pk", "title"),
            form,
            "添加标签",
            "admin/articles/article/action_add_tags.html",
        )


def _get_or_create_tag(name):
    """The existing tag with this name (ignoring case and width), or a new one."""
    from taggit.models import Tag

    for tag in Tag.objects.filter(name__iexact=name):
        if tag_key(tag.name) == tag_key(name):
            return tag
    tag = Tag(name=name)
    tag.save()
    return tag
