"""Issue 13 item 4: bulk-created articles (import, demo seed) start with a version."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from tests.jekyll.helpers import Archive, run_import

pytestmark = pytest.mark.django_db


def history_page(client, article):
    return client.get(reverse("admin:articles_article_history", args=[article.pk]))


class TestImportedArticlesHaveHistory:
    def test_each_imported_article_has_its_first_version_with_tags(self, tmp_path, admin_client):
        """An imported article's history shows the import as its first version, tags included."""
        archive = Archive(tmp_path / "site")
        archive.post("1601", title="导入版本甲", tag="版本标签甲")
        archive.post("1602", title="导入版本乙", tag="版本标签乙")
        run_import(archive.root)
        articles = list(Article.objects.order_by("slug"))
        assert len(articles) == 2
        for article in articles:
            (version,) = article.history.all()
            assert version.history_type == "+"
            assert version.history_change_reason == "导入"
            assert version.title == article.title
        assert articles[0].history.get().tag_names == "版本标签甲"
        response = history_page(admin_client, articles[0])
        assert response.status_code == 200
        assert "<td>导入</td>" in response.content.decode()

    def test_a_changed_file_adds_a_version(self, tmp_path):
        """Re-importing a changed file records what the file changed, as a second version."""
        archive = Archive(tmp_path / "site")
        archive.post("1603", title="改动之前的标题")
        run_import(archive.root)
        archive.post("1603", title="改动之后的标题")
        run_import(archive.root)
        article = Article.objects.get()
        titles = list(
            article.history.order_by("history_date", "history_id").values_list(
                "title", "history_change_reason"
            )
        )
        assert titles == [("改动之前的标题", "导入"), ("改动之后的标题", "导入更新")]


def test_seeded_articles_have_their_first_version(admin_client):
    """seed_demo's bulk-written articles each have one version; the history page lists it."""
    call_command("seed_demo", "--articles", "12", stdout=StringIO())
    assert Article.objects.count() == 12
    assert Article.history.filter(history_type="+").count() == 12
    article = Article.objects.order_by("pk").first()
    version = article.history.get()
    assert version.tag_names == "、".join(sorted(article.tags.names()))
    assert history_page(admin_client, article).status_code == 200
