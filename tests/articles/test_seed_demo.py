"""seed_demo builds an archive with the real one's shape, safely, on either database."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from articles import demo_data, demo_texts, textindex
from articles.models import Article, Category, TaggedArticle

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_texts(monkeypatch, tmp_path):
    """Seed from the project's sample texts, one of them carrying a script."""
    monkeypatch.setattr(demo_texts, "CORPUS_POSTS", tmp_path / "no-corpus")
    stories = [
        *demo_data.STORIES,
        ("带脚本的样本SCRIPTq1", "摘要", "<p>正文</p><script>alert('seed-xss')</script>"),
    ]
    monkeypatch.setattr(demo_data, "STORIES", stories)


class TestSeedDemo:
    def test_archive_shape(self, own_texts):
        """Many skewed categories (one with a tenth or more), 1-4 tags each, dates over time."""
        call_command("seed_demo", articles=600, stdout=None)
        assert Article.objects.count() == 600
        sizes = Counter(Article.objects.values_list("category_id", flat=True))
        assert Category.objects.count() == 60
        assert max(sizes.values()) >= 60
        per_article = Counter(TaggedArticle.objects.values_list("content_object_id", flat=True))
        assert len(per_article) == 600
        assert set(per_article.values()) <= {1, 2, 3, 4}
        assert len(set(per_article.values())) >= 3
        dates = Article.objects.values_list("published_at", flat=True)
        assert (max(dates) - min(dates)).days >= 2
        assert Article.objects.filter(status=Article.Status.DRAFT).count() < 30

    def test_bodies_are_sanitized(self, own_texts):
        """Seeded bodies went through the one sanitizer (COPY path included)."""
        call_command("seed_demo", articles=40, stdout=None)
        assert Article.objects.filter(title__startswith="带脚本的样本SCRIPTq1").exists()
        assert not Article.objects.filter(body__icontains="<script").exists()

    def test_tag_links_carry_article_dates(self, own_texts):
        """Links made by the bulk load match their article's status and publish time."""
        call_command("seed_demo", articles=50, stdout=None)
        mismatched = [
            link
            for link in TaggedArticle.objects.select_related("content_object")
            if (link.status, link.published_at)
            != (link.content_object.status, link.content_object.published_at)
        ]
        assert mismatched == []

    def test_search_text_is_what_save_would_store(self, own_texts):
        """Seeded articles are searchable: their search text is what Article.save() writes."""
        call_command("seed_demo", articles=30, stdout=None)
        for article in Article.objects.all():
            assert article.search_text == textindex.document_text(
                article.title, article.summary, article.body
            )

    def test_skips_when_articles_exist_and_adds_with_force(self, own_texts):
        """A second run leaves the archive alone unless --force is given."""
        call_command("seed_demo", articles=30, stdout=None)
        call_command("seed_demo", articles=30, stdout=None)
        assert Article.objects.count() == 30
        call_command("seed_demo", articles=30, force=True, stdout=None)
        assert Article.objects.count() == 60

    def test_corpus_texts_are_used_when_present(self, corpus_dir):
        """With the archive sample beside the project, its titles are what gets seeded."""
        texts = demo_texts.corpus_texts(corpus_dir / "_posts")
        assert len(texts) > 20
        call_command("seed_demo", articles=30, stdout=None)
        titles = set(Article.objects.values_list("title", flat=True))
        assert titles & {t.title for t in texts}

    def test_site_counts_match_after_seed(self, own_texts, client):
        """Seeded articles are visible: the busiest category's page counts them all."""
        call_command("seed_demo", articles=200, stdout=None)
        big = (
            Article.objects.published()
            .values("category")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        category = Category.objects.get(pk=big["category"])
        pages = -(-big["n"] // 20)
        response = client.get(category.get_absolute_url())
        assert f"第 1 / {pages} 页" in response.content.decode()
