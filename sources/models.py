from datetime import time, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category
from articles.tagging import normalize_tag
from sources.formats import PRESETS

TRADING_OPEN, TRADING_CLOSE = time(9, 30), time(15, 0)


def in_trading_hours(moment):
    """Shanghai trading hours: 09:30–15:00 Beijing time, Monday to Friday."""
    local = timezone.localtime(moment, timezone.get_fixed_timezone(8 * 60))
    return local.weekday() < 5 and TRADING_OPEN <= local.time() < TRADING_CLOSE


class SourceQuerySet(models.QuerySet):
    def claimable(self, now):
        """Enabled, not paused, and not held by a live claim."""
        return self.filter(enabled=True, paused_reason="").filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
        )

    def due(self, now):
        return self.claimable(now).filter(next_poll_at__lte=now)

    def claim(self, pk, now, *, lease, due=True):
        """Take source ``pk`` for one poll, or None when another worker has it (or it is
        not due). One conditional UPDATE: atomic on every database; the claim expires
        after ``lease``, so a worker killed mid-fetch leaves the source pollable again."""
        candidates = self.due(now) if due else self.claimable(now)
        if not candidates.filter(pk=pk).update(claimed_until=now + lease):
            return None
        return self.select_related("category").get(pk=pk)


class Source(models.Model):
    """A feed or JSON API that finews polls itself; its items go through the pipeline."""

    class Format(models.TextChoices):
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        JSON = "json", "JSON"

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField("网址", max_length=1000, help_text="RSS、Atom 或 JSON 接口的地址。")
    format = models.CharField("格式", max_length=10, choices=Format.choices, default=Format.RSS)
    mapping = models.JSONField(
        "JSON 映射",
        default=dict,
        blank=True,
        help_text="仅 JSON 格式：list（列表路径）、fields（字段映射）、source、"
        "body_url（含 {id}）、body_path。可先选预设。",
    )
    preset = models.CharField(
        "预设",
        max_length=40,
        blank=True,
        choices=[(name, name) for name in PRESETS],
        help_text="选择后保存，JSON 映射由预设填入（映射为空时）。",
    )
    publication = models.CharField(
        "发布者",
        max_length=100,
        blank=True,
        help_text="条目未注明出处时用作来源名称；留空则用本来源的名称。",
    )
    category = models.ForeignKey(
        Category,
        verbose_name="分类",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="留空：按条目的发布者归类。",
    )
    tags = models.CharField("默认标签", max_length=500, blank=True, help_text="逗号分隔。")
    kind = models.CharField(
        "条目类型", max_length=10, choices=Article.Kind.choices, default=Article.Kind.ARTICLE
    )
    enabled = models.BooleanField("启用", default=True)
    min_interval = models.PositiveIntegerField(
        "最短间隔（秒）", default=60, validators=[MinValueValidator(30)]
    )
    max_interval = models.PositiveIntegerField(
        "最长间隔（秒）", default=3600, validators=[MinValueValidator(30)]
    )
    silent_minutes = models.PositiveIntegerField(
        "沉默告警（分钟）",
        default=60,
        help_text="交易时段（工作日 9:30–15:00）内超过这么久没有新条目即标记；0 表示不标记。",
    )

    # Health, written by polling.
    poll_interval = models.PositiveIntegerField("当前间隔（秒）", default=300, editable=False)
    next_poll_at = models.DateTimeField("下次抓取", default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField("抓取占用至", null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True, editable=False)
    last_error_status = models.PositiveIntegerField(
        "错误状态码", null=True, blank=True, editable=False
    )
    last_error = models.TextField("最近错误", blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField("连续失败", default=0, editable=False)
    paused_reason = models.CharField("暂停原因", max_length=500, blank=True, editable=False)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    newest_item_at = models.DateTimeField("最新条目", null=True, blank=True, editable=False)
    last_new_items = models.PositiveIntegerField("上次新条目", default=0, editable=False)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "订阅来源"
        verbose_name_plural = "订阅来源"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_interval__lte=models.F("max_interval")),
                name="source_interval_bounds",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.preset and not self.mapping:
            self.mapping = dict(PRESETS[self.preset])
            self.kind = self.mapping.get("kind", self.kind)  # 7×24 items are flash
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:sources_source_change", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.format == self.Format.JSON and not (self.mapping or self.preset):
            raise ValidationError({"mapping": "JSON 来源需要映射：选择一个预设，或填写映射。"})
        if self.mapping and not isinstance(self.mapping, dict):
            raise ValidationError({"mapping": "映射应为 JSON 对象。"})

    @property
    def origin(self):
        """The pipeline's ``origin`` for this source's items."""
        return f"source:{self.pk}"

    def tag_list(self):
        names = [normalize_tag(name) for name in self.tags.replace("，", ",").split(",")]
        return [name for name in names if name]

    # --- health --------------------------------------------------------------------------

    def is_silent(self, now=None):
        """No new item for longer than ``silent_minutes`` during trading hours."""
        now = now or timezone.now()
        if not self.enabled or self.paused_reason or not self.silent_minutes:
            return False
        if not in_trading_hours(now):
            return False
        since = self.newest_item_at or self.created_at
        return since is not None and now - since > timedelta(minutes=self.silent_minutes)

    def health(self, now=None):
        """One word: disabled, paused, failing, silent, new or ok."""
        if not self.enabled:
            return "disabled"
        if self.paused_reason:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.is_silent(now):
            return "silent"
        if self.last_success_at is None:
            return "new"
        return "ok"

    HEALTH_LABELS = {
        "disabled": "停用",
        "paused": "已暂停",
        "failing": "出错",
        "silent": "沉默",
        "new": "未抓取",
        "ok": "正常",
    }

    def health_label(self, now=None):
        return self.HEALTH_LABELS[self.health(now)]


def max_failures():
    return settings.SOURCE_MAX_FAILURES
