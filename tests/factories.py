"""Small builders for test data: ``make_article(**overrides)`` and friends."""

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from articles.models import Article, Category

# The site's zone (settings.TIME_ZONE): what readers see, what feeds carry.
BEIJING = ZoneInfo("Asia/Shanghai")

_counter = itertools.count(1)


def make_category(**overrides):
    n = next(_counter)
    fields = {"name": f"测试来源{n}", "slug": f"source{n}"}
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_article(*, tags=(), **overrides):
    """A published article, due a minute ago, unless overrides say otherwise."""
    n = next(_counter)
    fields = {
        "title": f"测试文章{n}",
        "summary": f"测试摘要{n}",
        "body": f"<p>测试正文{n}</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(minutes=1),
    }
    fields.update(overrides)
    if "category" not in fields:
        fields["category"] = make_category()
    article = Article.objects.create(**fields)
    if tags:
        article.tags.add(*tags)
    return article


def article_form_data(**overrides):
    """What the admin's add-article form posts, with a new category; ``overrides`` replace fields."""
    data = {
        "title": "表单测试FORMtitle",
        "category": make_category().pk,
        "tags": "",
        "summary": "",
        "body": "<p>正文</p>",
        "source_name": "",
        "source_url": "",
        "author": "",
        "slug": "form-test",
    }
    data.update(overrides)
    return data
