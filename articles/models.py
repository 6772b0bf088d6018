import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from articles import textindex
from articles.category import Category
from articles.mentions import SecurityMentions
from articles.querysets import ARTICLE_NAME_FIELDS, SEARCHED_FIELDS, ArticleWritesQuerySet
from articles.related import refresh_related
from articles.sanitize import sanitize_html
from articles.slug_urls import slug_url
from articles.status import ArticleKind, ArticleStatus
from articles.story import Story, StoryFingerprint, StoryKey  # noqa: F401 (models of this app)
from articles.tag_links import TaggedArticle
from articles.tagging import CleanTagNamesManager
from articles.textclean import html_text, strip_bidi_controls


class ArticleQuerySet(ArticleWritesQuerySet):
    """The publish rule, in named pieces; every public path starts from them."""

    def published_q(self, prefix="", now=None):
        """The publish gate as a condition, for joins and annotations.

        ``prefix`` leads to an article (``articles__``) or to a tag link, which
        keeps copies of its article's status and date (``tagged__``). ``now``
        (default: the current time) is for a query built once and run many
        times with the time of each run (articles/prepared.py).
        """
        return Q(
            **{
                f"{prefix}status": Article.Status.PUBLISHED,
                f"{prefix}published_at__lte": timezone.now() if now is None else now,
            }
        )

    def published(self, now=None):
        """The one publish gate: published, and due (published_at has come)."""
        return self.filter(self.published_q(now=now))

    def withdrawn(self):
        """Taken off the site on purpose: their URLs answer 410 Gone, showing nothing."""
        return self.filter(status=Article.Status.WITHDRAWN)

    def published_or_scheduled(self):
        """Published articles whatever their date: the due ones and the scheduled ones.

        For work done at write time about an article's predecessors (its related
        articles, articles/related.py): every article published before one is
        due whenever that one is, so the gate's date test is the reader's.
        """
        return self.filter(status=Article.Status.PUBLISHED)

    def scheduled(self):
        """Published but not yet due: they go live by themselves at published_at."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    # Bulk paths (importer, seeding, admin actions) send no signals: each one
    # sends content_changed instead (ArticleWritesQuerySet, articles/querysets.py).

    def next_due(self):
        """The publish time of the next scheduled article, or None (for the content version)."""
        return (
            self.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
        )


class TagSnapshot(models.Model):
    """Extra column of each article version: its tags, as text (tags live in another table)."""

    tag_names = models.TextField("标签", blank=True, default="")

    class Meta:
        abstract = True


def new_article_slug():
    """A short, unique, ASCII key for a new article's URL; never regenerated."""
    return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4)}"


class Article(SecurityMentions, models.Model):
    Status = ArticleStatus
    Kind = ArticleKind

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
    tags = TaggableManager(
        "标签",
        through=TaggedArticle,
        blank=True,
        help_text="以逗号分隔。",
        # Cleans the names given to add()/set() as Tag's pre_save cleans a saved name.
        manager=CleanTagNamesManager,
    )
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
    story = models.ForeignKey(
        Story,
        verbose_name="报道",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="members",
        help_text="同一消息的多家来源归为一个报道；在列表中只显示一次。",
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
    related_ids = models.JSONField(
        "相关文章",
        null=True,
        blank=True,
        editable=False,
        help_text="相关新闻的编号（最相关在前），写入文章时计算（articles/related.py）；"
        "空值表示尚未计算。",
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
        # Derived from title, summary and body (search text on every save).
        # related_ids: derived from the tags and the publish order (articles/related.py).
        excluded_fields=["search_text", "securities", "related_ids"],
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
                condition=Q(status=ArticleStatus.PUBLISHED),
                name="article_published_idx",
            ),
            # Category pages: one category, newest published first.
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status=ArticleStatus.PUBLISHED),
                name="article_category_pub_idx",
            ),
            models.Index(fields=["status", "-published_at"], name="article_status_idx"),
            # The 7×24 timeline (/kuaixun/), its feeds and the home page's 7×24 box.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status=ArticleStatus.PUBLISHED, kind=ArticleKind.FLASH),
                name="article_flash_idx",
            ),
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
        moves = update_fields is None or {"status", "published_at"} & set(update_fields)
        old = self._stored_place() if moves and not self._state.adding else None
        super().save(*args, **kwargs)
        TaggedArticle.objects.filter(content_object=self).exclude(
            status=self.status, published_at=self.published_at
        ).update(status=self.status, published_at=self.published_at)
        if moves:
            # Its own related articles, and those of the articles after its old and
            # new places when it moved (appeared, left, or changed its date).
            new = self._place()
            stored = refresh_related([self.pk], moved=[old, new] if old != new else ())
            self.related_ids = stored.get(self.pk, self.related_ids)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def delete(self, *args, **kwargs):
        place = self._place() if self.pk else None
        result = super().delete(*args, **kwargs)
        refresh_related(moved=[place])
        return result

    def _stored_place(self):
        """Its place in the publish order as stored (before this save), or None."""
        row = (
            type(self)
            ._base_manager.filter(pk=self.pk, status=self.Status.PUBLISHED)
            .values_list("published_at", "pk")
            .first()
        )
        return row if row and row[0] is not None else None

    def _place(self):
        """(published_at, id) in the publish order when published (or scheduled), else None."""
        fields = self.__dict__
        if fields.get("status") != self.Status.PUBLISHED or fields.get("published_at") is None:
            return None
        return (self.published_at, self.pk)

    @property
    def lead(self):
        """The summary to show above the body, or "" when the body already begins with it.

        Imported posts take their summary from their first paragraph; showing it
        twice, once as the lead and again as the body's start, reads badly.
        """
        summary = " ".join(self.summary.split()).removesuffix("…")
        if not summary:
            return ""
        start = " ".join(html_text(self.body[: 4 * len(summary) + 2000]).split())
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
        """Normalise fields as every write path must: safe body, clean names, a publish date."""
        self.body = sanitize_html(self.body)
        for name in ARTICLE_NAME_FIELDS:
            setattr(self, name, strip_bidi_controls(getattr(self, name)))
        self.update_search_text()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def update_search_text(self):
        """Segment title, summary and body into the stored search text (articles/textindex.py)."""
        self.search_text = textindex.document_text(self.title, self.summary, self.body)
