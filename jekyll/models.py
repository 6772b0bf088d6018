from django.db import models

from articles.models import Article, Category


class ImportedPost(models.Model):
    """One post file of the old archive already imported, so re-runs skip it unless it changed."""

    path = models.CharField("文件", max_length=500, unique=True, help_text="相对于 _posts 的路径。")
    size = models.BigIntegerField("大小")
    mtime_ns = models.BigIntegerField("修改时间（纳秒）")
    content_hash = models.CharField("内容摘要", max_length=64, help_text="文件内容的 SHA-256。")
    upstream_id = models.CharField("上游编号", max_length=200, db_index=True)
    article = models.ForeignKey(
        Article,
        verbose_name="文章",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duplicate = models.BooleanField(
        "重复", default=False, help_text="原文链接已属于另一篇文章；旧网址跳转到那篇文章。"
    )
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "已导入的旧站文章"
        verbose_name_plural = "已导入的旧站文章"

    def __str__(self):
        return self.path


class CategoryAlias(models.Model):
    """A category slug of the old site, exactly as written there, and the category it became."""

    old_slug = models.CharField("旧网址别名", max_length=200, unique=True)
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.CASCADE, related_name="jekyll_aliases"
    )

    class Meta:
        verbose_name = "旧站分类别名"
        verbose_name_plural = "旧站分类别名"

    def __str__(self):
        return f"{self.old_slug} → {self.category.slug}"
