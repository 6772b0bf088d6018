import html
import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles import search
from articles.caching import RECOMPUTE, bump_content_version, scheduled_times
from articles.sanitize import sanitize_html
from articles.urlcache import slug_url

# The fields the stored search text is made of.
SEARCHED_FIELDS = frozenset({"title", "summary", "body"})


class CategoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # QuerySet.update() sends no signal; a renamed category changes public pages.
        rows = super().update(**kwargs)
        bump_content_version()
        return rows


class Category(models.Model):
    """A source publication, such as 大众证券报; the old site's categories."""

    name = models.CharField("名称", max_length=100, unique=True)
    slug = models.SlugField(
        "网址别名",
        max_length=100,
        unique=True,
        help_text="小写英文字母、数字或连字符，用在网址中，如 dazhongzhengquanbao。",
    )
    description = models.TextField("简介", blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "分类"
        verbose_name_plural = "分类"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug.lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:category", self.slug)


class TaggedArticleQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Bulk tagging (admin action, importer) skips save(): copy the
        # articles' status and publish time here, in one query.
        objs = list(objs)
        ids = {obj.content_object_id for obj in objs}
        dates = {
            pk: (status, published_at)
            for pk, status, published_at in Article.objects.filter(pk__in=ids).values_list(
                "pk", "status", "published_at"
            )
        }
        for obj in objs:
            if obj.content_object_id in dates:
                obj.status, obj.published_at = dates[obj.content_object_id]
        created = super().bulk_create(objs, *args, **kwargs)
        bump_content_version()
        return created


class TaggedArticle(TaggedItemBase):
    """Tag links with a real foreign key to the article (indexable, joinable)."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    # Copies of the article's status and published_at, so that a tag page is one
    # index range (tag, newest first) instead of a join over every tagged
    # article. Kept in sync by Article.save() and ArticleQuerySet.update() /
    # bulk_update(); the public query still goes through Article.published().
    status = models.CharField(max_length=16, default="draft", editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaggedArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章标签"
        verbose_name_plural = "文章标签"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggedarticle_unique"
            )
        ]
        indexes = [
            # Tag pages: one tag, newest published first.
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                condition=Q(status="published"),
                name="taggedarticle_tag_pub_idx",
            ),
        ]

    def save(self, *args, **kwargs):
        self.copy_article_dates()
        super().save(*args, **kwargs)

    def copy_article_dates(self):
        self.status = self.content_object.status
        self.published_at = self.content_object.published_at

    @classmethod
    def sync_articles(cls, article_ids):
        """Copy status and published_at from the articles onto their tag links."""
        article = Article.objects.filter(pk=models.OuterRef("content_object"))
        ids = list(article_ids)
        for start in range(0, len(ids), 5000):
            cls.objects.filter(content_object__in=ids[start : start + 5000]).update(
                status=models.Subquery(article.values("status")[:1]),
                published_at=models.Subquery(article.values("published_at")[:1]),
            )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one publish gate: published, and due (published_at has come)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def withdrawn(self):
        """Taken off the site on purpose: their URLs answer 410 Gone, showing nothing."""
        return self.filter(status=Article.Status.WITHDRAWN)

    # Bulk paths (importer, seeding, admin actions) send no signals: each one
    # bumps the content version itself so cached pages go stale at once.

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk paths (importer, seeding) skip save(); the sanitizer must not be skipped.
        objs = list(objs)
        for obj in objs:
            obj.prepare_for_save()
        # An upsert (update_conflicts) that rewrites text must rewrite its search text too.
        update_fields = kwargs.get("update_fields")
        if update_fields and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, "search_text"]))
        created = super().bulk_create(objs, *args, **kwargs)
        bump_content_version(due=scheduled_times(created))
        if kwargs.get("update_conflicts") and {"status", "published_at"} & set(update_fields or ()):
            # An upsert may have changed existing articles' status: their tag links follow.
            TaggedArticle.sync_articles(obj.pk for obj in created if obj.pk is not None)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            for obj in objs:
                obj.body = sanitize_html(obj.body)
        if SEARCHED_FIELDS & set(fields):
            for obj in objs:
                obj.update_search_text()
            fields = [*fields, "search_text"] if "search_text" not in fields else fields
        # Django's bulk_update() writes through this queryset's update(), which
        # keeps the tag links in step and renews the content version.
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        ids = None
        if {"status", "published_at"} & kwargs.keys():
            # Taken before the update: the filter may no longer match after it.
            ids = list(self.values_list("pk", flat=True))
        rows = self._update_text_and_search(**kwargs)
        if ids:
            TaggedArticle.sync_articles(ids)
        # A status or date set here (possibly by a database expression) may
        # schedule an article: look the next due time up again.
        bump_content_version(due=RECOMPUTE if ids is not None else ())
        return rows

    update.alters_data = True

    def delete(self):
        result = super().delete()
        bump_content_version()
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def _update_text_and_search(self, **kwargs):
        # A bulk update of title, summary or body would leave the search text stale:
        # re-segment the rows it touched, in the same transaction.
        if not SEARCHED_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        if "body" in kwargs and isinstance(kwargs["body"], str):
            kwargs["body"] = sanitize_html(kwargs["body"])
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = self.model._default_manager.using(self.db)
            for start in range(0, len(pks), 500):
                rows.filter(pk__in=pks[start : start + 500]).rebuild_search_text()
        return count

    def rebuild_search_text(self, batch_size=500):
        """Re-segment the search text of every article in this queryset, batch by batch."""
        done, last_pk = 0, None
        rows = self.order_by("pk").only("pk", "title", "summary", "body")
        while True:
            batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:batch_size])
            if not batch:
                return done
            for obj in batch:
                obj.update_search_text()
            self.model._default_manager.using(self.db).bulk_update(batch, ["search_text"])
            done += len(batch)
            last_pk = batch[-1].pk


class TagSnapshot(models.Model):
    """Extra column of each article version: its tags, as text (tags live in another table)."""

    tag_names = models.TextField("标签", blank=True, default="")

    class Meta:
        abstract = True


def new_article_slug():
    """A short, unique, ASCII key for a new article's URL; never regenerated."""
    return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4)}"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        # Off the site but kept: its URL answers 410 Gone.
        WITHDRAWN = "withdrawn", "已撤下"

    class Kind(models.TextChoices):
        ARTICLE = "article", "文章"
        # A 7×24 flash item: one or two sentences, a time, a source.
        FLASH = "flash", "快讯"

    #: Shown for a published article whose published_at is still ahead.
    SCHEDULED_LABEL = "已排期"

    title = models.CharField("标题", max_length=300)
    slug = models.SlugField(
        "网址键",
        max_length=64,
        unique=True,
        default=new_article_slug,
        help_text="文章网址的一部分，创建后不再改变。",
    )
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager("标签", through=TaggedArticle, blank=True, help_text="以逗号分隔。")
    source_name = models.CharField(
        "来源", max_length=100, blank=True, help_text="原文所在的媒体，如 大众证券报。"
    )
    source_url = models.URLField(
        "原文链接",
        max_length=500,
        blank=True,
        help_text="可选；同一原文链接只能对应一篇文章。",
    )
    summary = models.TextField("摘要", blank=True, help_text="纯文本，显示在列表和搜索结果中。")
    body = models.TextField("正文", blank=True, help_text="HTML；保存时会去除脚本等不安全内容。")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        help_text="北京时间。发布状态的文章在此时刻之后对读者可见；留空则在发布时取当前时间。",
    )
    kind = models.CharField(
        "类型",
        max_length=16,
        choices=Kind.choices,
        default=Kind.ARTICLE,
        # Also in the database: raw writers (seed_demo's COPY) leave it out.
        db_default=Kind.ARTICLE,
        help_text="快讯：7×24 滚动消息，一两句话。",
    )
    important = models.BooleanField(
        "重要", default=False, db_default=False, help_text="重要消息在快讯中以红色标出。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    search_text = models.TextField(
        "检索文本",
        blank=True,
        default="",
        editable=False,
        help_text="标题、摘要、正文分词后的文本，保存时自动生成，供站内搜索使用。",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()
    # Every save keeps a version (who, when, what); see articles/history.py.
    history = HistoricalRecords(
        bases=[TagSnapshot],
        verbose_name="文章版本",
        cascade_delete_history=False,
        # Derived from title, summary and body; rebuilt on every save.
        excluded_fields=["search_text"],
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "文章"
        verbose_name_plural = "文章"
        permissions = [("publish_article", "可以发布、排期、撤下文章")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="articles_article_unique_source_url",
                violation_error_message="已有文章使用这个原文链接。",
            )
        ]
        indexes = [
            # Home page and feeds: newest published first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="article_published_idx",
            ),
            # Category pages: one category, newest published first.
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_category_pub_idx",
            ),
            models.Index(fields=["status", "-published_at"], name="article_status_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "published_at"}
        if update_fields is not None and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        TaggedArticle.objects.filter(content_object=self).exclude(
            status=self.status, published_at=self.published_at
        ).update(status=self.status, published_at=self.published_at)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    @property
    def lead(self):
        """The summary to show above the body, or "" when the body already begins with it.

        Imported posts take their summary from their first paragraph; showing it
        twice, once as the lead and again as the body's start, reads badly.
        """
        summary = " ".join(self.summary.split()).removesuffix("…")
        if not summary:
            return ""
        start = " ".join(html.unescape(strip_tags(self.body[: 4 * len(summary) + 2000])).split())
        if start.replace(" ", "").startswith(summary.replace(" ", "")):
            return ""
        return self.summary

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def status_label(self):
        """草稿 / 已排期 / 已发布 / 已撤下, as editors say it."""
        return self.SCHEDULED_LABEL if self.is_scheduled else self.get_status_display()

    @property
    def source_link(self):
        """``source_url`` when it is an http(s) link, else "": safe to put in an href.

        The admin validates the URL, but other write paths (imports, the ORM) do
        not, and autoescaping does not stop a ``javascript:`` link.
        """
        url = (self.source_url or "").strip()
        return url if url.lower().startswith(("http://", "https://")) else ""

    def prepare_for_save(self):
        """Normalise fields the way every write path must: sanitized body, a date once published."""
        self.body = sanitize_html(self.body)
        self.update_search_text()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def update_search_text(self):
        """Segment title, summary and body into the stored search text (see articles/search.py)."""
        self.search_text = search.document_text(self.title, self.summary, self.body)
