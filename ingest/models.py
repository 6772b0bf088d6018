import hashlib
import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Article


def hash_token(token):
    """The stored form of a push token: SHA-256 (tokens are long and random, not passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


class IngestTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_token(self, token):
        """The active token matching ``token`` (the secret as sent), or None."""
        return self.active().filter(key_hash=hash_token(token)).first()


class IngestToken(models.Model):
    """A crawler's key to the push API. Only a hash of the secret is stored."""

    name = models.CharField("名称", max_length=100, unique=True, help_text="使用这个令牌的爬虫。")
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    draft = models.BooleanField(
        "存为草稿", default=False, help_text="新条目存为草稿，由编辑审核后发布。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    items_in = models.PositiveBigIntegerField("收到条目", default=0, editable=False)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = IngestTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "推送令牌"
        verbose_name_plural = "推送令牌"

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, name, *, draft=False):
        """Create a token; returns ``(token, secret)``. The secret is not kept anywhere."""
        secret = "fn_" + secrets.token_urlsafe(32)
        return cls.objects.create(name=name, key_hash=hash_token(secret), draft=draft), secret

    def record_use(self, items):
        type(self).objects.filter(pk=self.pk).update(
            last_used_at=timezone.now(), items_in=F("items_in") + items
        )


class IngestedItem(models.Model):
    """The identity an article came in under, and what it last looked like from its source.

    ``synced_at`` is the article's ``updated_at`` as the pipeline wrote it: a later
    ``updated_at`` means an editor changed the article since, and items no longer
    overwrite it.
    """

    article = models.OneToOneField(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="ingested"
    )
    source = models.CharField("来源", max_length=100)
    external_id = models.CharField("来源编号", max_length=200, blank=True)
    url_key = models.CharField(
        "规范化原文链接", max_length=500, blank=True, help_text="忽略协议、www、跟踪参数。"
    )
    content_hash = models.CharField("内容摘要", max_length=64)
    origin = models.CharField("渠道", max_length=100, help_text="推送令牌名称、导入等。")
    synced_at = models.DateTimeField("同步时间")

    class Meta:
        verbose_name = "接入记录"
        verbose_name_plural = "接入记录"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id", "source"],
                condition=~Q(external_id=""),
                name="ingest_item_source_external_id",
            ),
            models.UniqueConstraint(
                fields=["url_key"], condition=~Q(url_key=""), name="ingest_item_url_key"
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.external_id or self.url_key}"
