"""The article admin's own pages: preview, version history, restore, tag suggestions."""

from itertools import pairwise

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from taggit.models import Tag

from articles import history
from articles.admin.notices import warn_if_not_renewed
from articles.models import Article
from articles.tagging import parse_tags


def _version_id(request, name):
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


class ArticleViewsMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/history/<int:version_id>/restore/",
                wrap(warn_if_not_renewed(self.restore_view)),
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
            request,
            "articles/article_detail.html",
            {"article": article, "article_tags": article.tags.all(), "preview": True},
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def history_view(self, request, object_id, extra_context=None):
        """Versions of one article: who, when, what changed; compare any two; restore.

        An article may have no stored version at all (imported in bulk and
        never saved here): the page then says so.
        """
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
        for newer, older in pairwise(versions):
            newer.changes = history.changed_fields(older, newer)
        if versions:
            oldest = versions[-1]
            oldest.changes = ["新建"] if oldest.history_type == "+" else ["（最早的记录）"]
        by_id = {v.history_id: v for v in versions}
        old = by_id.get(_version_id(request, "old"))
        new = by_id.get(_version_id(request, "new"))
        diff = None
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
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # NUL cannot reach a PostgreSQL query; no tag contains one anyway.
        names = parse_tags(request.GET.get("q", "").replace("\x00", ""))
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
