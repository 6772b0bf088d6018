"""Bulk actions on the article list: a fixed number of queries, whatever the selection."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models.functions import Coalesce, Now
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import history
from articles.admin.forms import CategoryChoiceForm, TagChoiceForm
from articles.models import Article, Story, TaggedArticle
from articles.tagging import tags_for_names


class ArticleActionsMixin:
    """The article admin's actions; ``has_publish_permission`` comes from the admin."""

    actions = [
        "publish",
        "withdraw",
        "unpublish",
        "change_category",
        "add_tags",
        "split_from_story",
        "merge_stories",
    ]

    def _update_selected(self, request, pks, reason, message, **changes):
        """One UPDATE for the selected articles (with who and when), then their versions.

        ``message`` may hold ``{count}``, the number of articles updated.
        """
        count = Article.objects.filter(pk__in=pks).update(
            **changes, updated_by=request.user, updated_at=timezone.now()
        )
        selected = Article.objects.filter(pk__in=pks).prefetch_related("tags")
        history.record_versions(selected, user=request.user, reason=reason)
        self.message_user(request, message.replace("{count}", str(count)), messages.SUCCESS)

    def _bulk_update(self, request, queryset, reason, message, **changes):
        pks = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            self._update_selected(request, pks, reason, message, **changes)

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

    def _ask_then_apply(self, request, queryset, form_class, title, template, apply):
        """The two-step actions: a form on an intermediate page, then one transaction.

        ``apply(pks, cleaned_data)`` does the action's own writes and returns
        the field changes for the UPDATE, the version reason and the message.
        """
        applying = "apply" in request.POST
        form = form_class(request.POST if applying else None)
        if applying and form.is_valid():
            pks = list(queryset.values_list("pk", flat=True))
            with transaction.atomic():
                changes, reason, message = apply(pks, form.cleaned_data)
                self._update_selected(request, pks, reason, message, **changes)
            return None
        queryset = queryset.select_related(None).only("pk", "title")
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
        def apply(pks, data):
            name = data["category"].name
            return (
                {"category": data["category"]},
                f"批量改分类为 {name}",
                f"已将 {{count}} 篇文章的分类改为“{name}”。",
            )

        return self._ask_then_apply(
            request,
            queryset,
            CategoryChoiceForm,
            "更改分类",
            "admin/articles/article/action_change_category.html",
            apply,
        )

    @admin.action(description="给所选文章添加标签…", permissions=["change"])
    def add_tags(self, request, queryset):
        def apply(pks, data):
            tags = tags_for_names(data["tags"])
            TaggedArticle.objects.bulk_create(
                [TaggedArticle(content_object_id=pk, tag=tag) for pk in pks for tag in tags],
                ignore_conflicts=True,
                batch_size=500,
            )
            names = "、".join(tag.name for tag in tags)
            return {}, f"批量添加标签 {names}", f"已给 {{count}} 篇文章添加标签：{names}。"

        return self._ask_then_apply(
            request,
            queryset,
            TagChoiceForm,
            "添加标签",
            "admin/articles/article/action_add_tags.html",
            apply,
        )

    @admin.action(description="将所选文章移出所在报道（分错时）", permissions=["change"])
    def split_from_story(self, request, queryset):
        self._bulk_update(
            request, queryset, "移出报道", "已将 {count} 篇文章移出所在报道。", story=None
        )

    @admin.action(description="合并所选文章所在的报道（同一消息）", permissions=["change"])
    def merge_stories(self, request, queryset):
        """All members of the selected articles' stories, and the selected loose articles,
        become one story: the oldest of those stories, or a new one."""
        selected = list(queryset.values_list("pk", "story_id"))
        story_ids = {story for _, story in selected if story}
        loose = [pk for pk, story in selected if not story]
        if len(story_ids) + len(loose) < 2:
            self.message_user(request, "请选择属于不同报道的至少两篇文章。", messages.WARNING)
            return
        with transaction.atomic():
            target = min(story_ids) if story_ids else Story.objects.create().pk
            pks = [
                *Article.objects.filter(story_id__in=story_ids).values_list("pk", flat=True),
                *loose,
            ]
            self._update_selected(
                request,
                pks,
                "合并报道",
                f"已合并为报道 #{target}（{{count}} 篇文章）。",
                story_id=target,
            )
