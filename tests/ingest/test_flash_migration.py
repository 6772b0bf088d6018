"""Migration 0006 marks the already imported 7×24 posts as flash items."""

import importlib

import pytest
from django.apps import apps

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0006_article_kind_important")


def test_emnews_and_rolling_news_tag_become_flash():
    """Category emnews or tag 东财滚动新闻: flash; other articles stay articles."""
    emnews = make_category(name="东财滚动", slug="emnews")
    by_category = make_article(category=emnews)
    by_tag = make_article(tags=["东财滚动新闻"])
    other = make_article(tags=["大众证券报新闻"])
    migration.mark_flash_items(apps, None)
    kinds = dict(Article.objects.values_list("pk", "kind"))
    assert kinds[by_category.pk] == "flash"
    assert kinds[by_tag.pk] == "flash"
    assert kinds[other.pk] == "article"
