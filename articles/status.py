"""An article's publication states: ``Article.Status``, also used by its tag links' copy."""

from django.db import models


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    # Off the site but kept: its URL answers 410 Gone.
    WITHDRAWN = "withdrawn", "已撤下"
