"""An editor's article in the admin links the securities it names, as the pipeline's do."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import Article
from stocks.models import ArticleSecurity
from tests.factories import make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.create_superuser("chief-stocks", password="pw-stocks-1"))
    return client


def _form(category, body, **overrides):
    data = {
        "title": "编辑稿：白酒股走强ADMSTK7",
        "category": category.pk,
        "tags": "白酒",
        "summary": "",
        "body": body,
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "slug": "editor-stock-article",
        "author": "",
        "source_name": "",
        "source_url": "",
    }
    data.update(overrides)
    return data


def test_added_article_links_its_securities_and_the_stock_page_lists_it(editor_client):
    category = make_category()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        _form(category, "<p>白酒股走强，贵州茅台(600519)涨逾2%。</p>"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="editor-stock-article")
    assert [s["code"] for s in article.securities] == ["600519"]

    reader = Client()
    page = reader.get(article.get_absolute_url()).content.decode()
    assert 'href="/stock/600519/"' in page
    assert "编辑稿：白酒股走强ADMSTK7" in reader.get("/stock/600519/").content.decode()


def test_an_edit_that_removes_the_mention_unlinks_it(editor_client):
    category = make_category()
    add = reverse("admin:articles_article_add")
    editor_client.post(add, _form(category, "<p>新希望(000876)发布公告。</p>"))
    article = Article.objects.get(slug="editor-stock-article")
    assert ArticleSecurity.objects.filter(article=article).count() == 1

    change = reverse("admin:articles_article_change", args=[article.pk])
    data = _form(category, "<p>公司发布公告，未提及代码。</p>")
    data["published_at_0"], data["published_at_1"] = "2026-11-29", "10:00:00"
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.securities == []
    assert not ArticleSecurity.objects.filter(article=article).exists()
    stock_page = Client().get("/stock/000876/")
    assert stock_page.status_code == 200
    assert "编辑稿：白酒股走强ADMSTK7" not in stock_page.content.decode()
