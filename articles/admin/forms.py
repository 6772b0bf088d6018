"""The article form and the bulk actions' small forms."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from taggit.forms import TagWidget
from taggit.models import Tag
from tinymce.widgets import AdminTinyMCE

from articles.models import Article, Category
from articles.tagging import parse_tags, tags_for_names

TAG_INPUT_ATTRS = {
    "class": "vTextField",
    "data-suggest-url": reverse_lazy("admin:articles_tag_suggest"),
}
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def clean_tag_names(names):
    """Refuse names the tag table cannot hold, with the editor's words, not a 500."""
    too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
    if too_long:
        raise forms.ValidationError(
            "标签最长 %(limit)d 个字：%(names)s",
            params={
                "limit": TAG_NAME_MAX_LENGTH,
                "names": "、".join(name[:20] + "…" for name in too_long),
            },
            code="tag_too_long",
        )
    return names


class SplitDateTimeWithSeconds(AdminSplitDateTime):
    """Date and time inputs that show the seconds, so a save does not drop them."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M:%S"


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
            "kind", "important", "slug", "author", "source_name", "source_url",
        ]  # fmt: skip
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField article-title"}),
            "body": AdminTinyMCE(attrs={"cols": 80, "rows": 24}),
            "tags": TagWidget(attrs=TAG_INPUT_ATTRS),
            "published_at": SplitDateTimeWithSeconds(),
        }
        help_texts = {
            "tags": "用逗号、顿号（、）或分号分隔，如：银行、ETF；输入时会提示已有标签。",
            "published_at": (
                "北京时间（时:分:秒）。状态为“已发布”且时间在将来，文章即为“已排期”，"
                "到点自动上线；留空则在发布时取当前时间。"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            # A form posted without it (older scripts, bulk tools) keeps the article's kind.
            self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or Article.Kind.ARTICLE

    def clean_tags(self):
        return clean_tag_names(self.cleaned_data.get("tags") or [])

    def clean_published_at(self):
        """The stored time when the editor left it as shown (the form shows whole seconds).

        An unchanged form must not move an article's time: a stored 10:40:56.45
        comes back as 10:40:56 (or 10:40 if typed without seconds).
        """
        value = self.cleaned_data.get("published_at")
        stored = self.instance.published_at if self.instance.pk else None
        if value is None or stored is None:
            return value
        shown = stored.replace(microsecond=0)
        typed_time = self.data.get(self.add_prefix("published_at") + "_1", "")
        if value == shown or (typed_time.count(":") == 1 and value == shown.replace(second=0)):
            return stored
        return value

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

    def _save_m2m(self):
        # Tags by the one identity rule (articles.tagging.tag_key), not taggit's
        # by-name lookup: a name typed in another case or width finds its tag.
        if "tags" in self.cleaned_data:
            self.cleaned_data["tags"] = tags_for_names(self.cleaned_data["tags"])
        super()._save_m2m()


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
        return clean_tag_names(names)
