"""The source publications (``Category``); re-exported by articles/models.py."""

from django.db import models

from articles.querysets import CategoryQuerySet
from articles.slug_urls import slug_url
from articles.textclean import strip_bidi_controls


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
        self.name = strip_bidi_controls(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:category", self.slug)
