"""Bulk actions on hundreds of articles: few queries, every article changed and versioned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, TaggedArticle
from tests.factories import make_category
from tests.roles import chief

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:articles_article_changelist")
COUNT = 300
# About a dozen queries whatever the count; SQLite's limit on parameters per
# statement splits the version INSERT into batches (7 for 300), PostgreSQL does one.
MAX_QUERIES = 30


@pytest.fixture
def many():
    category = make_category(name="批量来源")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"批量文章{i}",
            slug=f"bulk-{i}",
            category=category,
            status=Article.Status.DRAFT,
            published_at=now - timedelta(minutes=i) if i % 2 else None,
        )
        for i in range(COUNT)
    )
    return list(Article.objects.values_list("pk", flat=True))


@pytest.fixture
def chief_client(client):
    client.force_login(chief())
    client.get(CHANGELIST_URL)  # session and permission caches warm, as for a real editor
    return client


def post_action(client, name, pks, **extra):
    return client.post(
        CHANGELIST_URL, {"action": name, "_selected_action": pks, "index": "0", **extra}
    )


def versions_of(pks):
    return Article.history.filter(id__in=pks)


def test_publish_300(chief_client, many, django_assert_max_num_queries):
    """Publishing 300 articles takes a bounded number of queries and versions each one."""
    with django_assert_max_num_queries(MAX_QUERIES):
        response = post_action(chief_client, "publish", many)
    assert response.status_code == 302
    assert Article.objects.published().count() == COUNT
    assert versions_of(many).filter(history_change_reason="批量发布").count() == COUNT
    assert Article.objects.filter(updated_by__username="zhubian").count() == COUNT


def test_withdraw_300(chief_client, many, django_assert_max_num_queries):
    """Withdrawing 300 articles: all withdrawn, all versioned, few queries."""
    Article.objects.update(status=Article.Status.PUBLISHED)
    with django_assert_max_num_queries(MAX_QUERIES):
        post_action(chief_client, "withdraw", many)
    assert Article.objects.filter(status=Article.Status.WITHDRAWN).count() == COUNT
    assert Article.objects.published().count() == 0
    assert versions_of(many).filter(history_change_reason="批量撤下").count() == COUNT


def test_change_category_300(chief_client, many, django_assert_max_num_queries):
    """The category action asks first (intermediate page), then moves all 300 in few queries."""
    target = make_category(name="新来源TARGET")
    page = post_action(chief_client, "change_category", many)
    assert page.status_code == 200
    body = page.content.decode()
    assert "新来源TARGET" in body and f"将以下 {COUNT} 篇文章" in body
    assert Article.objects.filter(category=target).count() == 0
    with django_assert_max_num_queries(MAX_QUERIES):
        post_action(chief_client, "change_category", many, apply="1", category=target.pk)
    assert Article.objects.filter(category=target).count() == COUNT
    assert versions_of(many).filter(category_id=target.pk).count() == COUNT


def test_change_category_needs_a_choice(chief_client, many):
    """Applying without choosing a category re-shows the page and changes nothing."""
    response = post_action(chief_client, "change_category", many[:3], apply="1", category="")
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert Article.objects.filter(category__name="批量来源").count() == COUNT


def test_add_tag_300(chief_client, many, django_assert_max_num_queries):
    """Adding tags to 300 articles (one already tagged) links each once, versions record the tag."""
    Article.objects.get(pk=many[0]).tags.add("已有ETF")
    Tag.objects.filter(name="已有ETF").update(name="ETF")
    with django_assert_max_num_queries(MAX_QUERIES):
        post_action(chief_client, "add_tags", many, apply="1", tags="etf、新能源")
    assert Tag.objects.filter(name__iexact="etf").count() == 1
    assert TaggedArticle.objects.filter(tag__name="ETF").count() == COUNT
    assert TaggedArticle.objects.filter(tag__name="新能源").count() == COUNT
    latest = Article.objects.get(pk=many[-1]).history.first()
    assert latest.tag_names == "ETF、新能源"


def test_select_all_across_a_filter(chief_client, many):
    """Select-all on a filtered list changes exactly the filtered articles, via the confirm page."""
    live = Article.objects.filter(pk__in=many[:10])
    live.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    target = make_category(name="只改草稿")
    url = CHANGELIST_URL + "?state=draft"
    data = {"action": "change_category", "_selected_action": many[-1:], "select_across": "1"}
    page = chief_client.post(url, {**data, "index": "0"})
    assert f"将以下 {COUNT - 10} 篇文章" in page.content.decode()
    chief_client.post(url, {**data, "index": "0", "apply": "1", "category": target.pk})
    assert Article.objects.filter(category=target).count() == COUNT - 10
    assert not Article.objects.filter(category=target, pk__in=many[:10]).exists()
