"""Editors in the admin: writing, sanitizing, publishing, and the lists they work from."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = User.objects.create_superuser("chief", password="pw-admin-1")
    client.force_login(user)
    client.user = user
    return client


def _article_form(category, **overrides):
    data = {
        "title": "编辑新写的文章EDITORq4",
        "category": category.pk,
        "tags": "银行, 大众证券报新闻",
        "summary": "新文章的摘要",
        "body": "<p>正文<script>alert('posted-script-q4')</script></p>",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "slug": "editor-new-article",
        "author": "",
        "source_name": "大众证券报",
        "source_url": "",
    }
    data.update(overrides)
    return data


class TestAddArticle:
    def test_editor_adds_a_published_article_and_readers_see_it(self, editor_client):
        """A POST to the add form stores a sanitized article that is on the site at once."""
        category = make_category(name="大众证券报", slug="dazhongzhengquanbao")
        response = editor_client.post(
            reverse("admin:articles_article_add"), _article_form(category)
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get(slug="editor-new-article")
        assert article.body == "<p>正文</p>"
        assert article.author == editor_client.user
        assert article.published_at is not None
        assert sorted(article.tags.names()) == ["大众证券报新闻", "银行"]

        from django.test import Client

        reader = Client()
        assert "编辑新写的文章EDITORq4" in reader.get("/").content.decode()
        page = reader.get("/news/editor-new-article/").content.decode()
        assert "posted-script-q4" not in page
        assert "<p>正文</p>" in page

    def test_draft_is_not_on_the_site(self, editor_client):
        """Saving as draft keeps the article off the public pages."""
        category = make_category()
        editor_client.post(
            reverse("admin:articles_article_add"), _article_form(category, status="draft")
        )
        from django.test import Client

        assert "编辑新写的文章EDITORq4" not in Client().get("/").content.decode()

    def test_duplicate_source_url_is_refused(self, editor_client):
        """A source URL that another article has is refused with a clear message."""
        category = make_category()
        make_article(source_url="http://example.com/same-story")
        response = editor_client.post(
            reverse("admin:articles_article_add"),
            _article_form(category, source_url="http://example.com/same-story"),
        )
        assert response.status_code == 200
        assert "已有文章使用这个原文链接" in response.content.decode()
        assert not Article.objects.filter(slug="editor-new-article").exists()


class TestBulkActions:
    def test_bulk_publish_and_unpublish(self, editor_client):
        """Selected drafts are published in one action, and taken down in another."""
        drafts = [make_article(status=Article.Status.DRAFT, published_at=None) for _ in range(3)]
        ids = [str(a.pk) for a in drafts]
        url = reverse("admin:articles_article_changelist")
        response = editor_client.post(url, {"action": "publish", "_selected_action": ids})
        assert response.status_code == 302
        published = Article.objects.published().filter(pk__in=ids)
        assert published.count() == 3
        assert all(a.published_at is not None for a in published)

        editor_client.post(url, {"action": "unpublish", "_selected_action": ids[:2]})
        assert Article.objects.published().filter(pk__in=ids).count() == 1

    def test_publish_keeps_an_existing_schedule(self, editor_client):
        """Publishing an article with a future date keeps that date (it stays scheduled)."""
        from datetime import timedelta

        from django.utils import timezone

        when = timezone.now() + timedelta(days=2)
        article = make_article(status=Article.Status.DRAFT, published_at=when)
        editor_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish", "_selected_action": [article.pk]},
        )
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == when
        assert not article.is_published


class TestChangeLists:
    def test_article_list_shows_columns_and_filters(self, editor_client):
        """The article list shows title, category, status and the published tick."""
        make_article(title="列表里的文章LISTz", category=make_category(name="列表来源"))
        response = editor_client.get(reverse("admin:articles_article_changelist"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "列表里的文章LISTz" in body
        assert "列表来源" in body
        assert "icon-yes.svg" in body  # the published tick

    def test_article_list_search_by_source(self, editor_client):
        """Editors can search articles by source name."""
        make_article(title="来源甲的文章SRCa", source_name="甲报")
        make_article(title="来源乙的文章SRCb", source_name="乙报")
        url = reverse("admin:articles_article_changelist") + "?q=甲报"
        body = editor_client.get(url).content.decode()
        assert "来源甲的文章SRCa" in body
        assert "来源乙的文章SRCb" not in body

    def test_category_list_counts_in_one_query(self, editor_client, django_assert_max_num_queries):
        """The category list shows article counts without a query per row."""
        for i in range(10):
            category = make_category(name=f"计数来源{i}")
            for _ in range(i % 3):
                make_article(category=category)
        url = reverse("admin:articles_category_changelist")
        editor_client.get(url)  # warm the session/user lookups
        with django_assert_max_num_queries(6):
            response = editor_client.get(url)
        assert response.status_code == 200
        counts = {c.name: c._article_count for c in response.context["cl"].result_list}
        assert counts["计数来源2"] == 2
        assert counts["计数来源3"] == 0

    def test_category_autocomplete(self, editor_client):
        """The category field is an autocomplete that finds categories by name."""
        make_category(name="大众证券报", slug="dazhongzhengquanbao")
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "term": "大众",
                "app_label": "articles",
                "model_name": "article",
                "field_name": "category",
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["大众证券报"]

    def test_slug_is_read_only_after_creation(self, editor_client):
        """An existing article's URL key cannot be edited."""
        article = make_article(slug="fixed-key-1")
        response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
        assert 'name="slug"' not in response.content.decode()
        assert "fixed-key-1" in response.content.decode()
