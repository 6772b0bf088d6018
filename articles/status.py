"""An article's choices: ``Article.Status`` (also its tag links' copy) and ``Article.Kind``."""

from django.db import models


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    # Off the site but kept: its URL answers 410 Gone.
    WITHDRAWN = "withdrawn", "已撤下"


class ArticleKind(models.TextChoices):
    ARTICLE = "article", "文章"
    # A 7×24 flash item: one or two sentences, a time, a source.
    FLASH = "flash", "快讯"
