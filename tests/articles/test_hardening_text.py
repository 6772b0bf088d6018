"""Bidi control characters never reach a stored name (issue 13, item 12)."""

import pytest
from taggit.models import Tag

from articles.models import Article, Category
from articles.tagging import parse_tags
from articles.textclean import strip_bidi_controls
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

# Right-to-left override, isolates and embeddings around ordinary text.
RLO, LRE, PDF, RLI, PDI = "\u202e", "\u202a", "\u202c", "\u2067", "\u2069"
BIDI = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def test_strip_bidi_controls_removes_exactly_those_characters():
    """All nine controls go; other invisible or RTL text (a ZWJ emoji, Arabic) stays."""
    assert strip_bidi_controls(f"A{BIDI}股") == "A股"
    assert strip_bidi_controls("👨\u200d💻 مرحبا") == "👨\u200d💻 مرحبا"
    assert strip_bidi_controls(None) is None


class TestOnSave:
    def test_article_title_and_source_name(self):
        """Titles and source names lose their bidi controls on save."""
        article = make_article(title=f"央行{RLO}准降{PDF}", source_name=f"{RLI}大众证券报{PDI}")
        article.refresh_from_db()
        assert article.title == "央行准降"
        assert article.source_name == "大众证券报"

    def test_category_name(self):
        """Category names are cleaned on save and on a queryset update."""
        category = make_category(name=f"{LRE}财经网{PDF}")
        category.refresh_from_db()
        assert category.name == "财经网"
        Category.objects.filter(pk=category.pk).update(name=f"新{RLO}名")
        category.refresh_from_db()
        assert category.name == "新名"

    def test_tags_added_to_an_article(self):
        """A tag added by name is stored without them, and its slug is routable."""
        article = make_article(tags=[f"{RLO}ETF{PDF}"])
        assert [t.name for t in article.tags.all()] == ["ETF"]
        assert Tag.objects.get(name="ETF").slug == "etf"

    def test_tag_with_controls_finds_the_existing_tag(self):
        """Adding ``RLO + ETF`` to an article links the existing tag ETF, no clash, no twin."""
        make_article(tags=["ETF"])
        article = make_article(tags=[f"{RLO}ETF"])
        assert [t.name for t in article.tags.all()] == ["ETF"]
        assert Tag.objects.filter(name__icontains="ETF").count() == 1

    def test_tags_typed_in_the_admin_field(self):
        """The admin's tag field parses them away, so the lookup finds the existing tag."""
        assert parse_tags(f"{RLO}银行{PDF}、 {RLI}银行{PDI}, 保险") == ["银行", "保险"]


class TestBulkWrites:
    def test_bulk_create(self):
        """The importer's path (bulk_create) cleans titles and source names."""
        category = make_category()
        Article.objects.bulk_create(
            [Article(title=f"批量{RLO}标题", source_name=f"来{PDI}源", category=category)]
        )
        assert Article.objects.filter(title="批量标题", source_name="来源").exists()

    def test_bulk_update_and_update(self):
        """Bulk edits (admin actions, upserts) clean them too."""
        article = make_article()
        article.title = f"批改{RLO}标题"
        Article.objects.bulk_update([article], ["title"])
        article.refresh_from_db()
        assert article.title == "批改标题"
        Article.objects.filter(pk=article.pk).update(source_name=f"{LRE}新来源")
        article.refresh_from_db()
        assert article.source_name == "新来源"


def test_reader_pages_show_no_bidi_controls(client):
    """The article page a reader gets carries none of them in title, source, category or tag."""
    category = make_category(name=f"双向{RLO}分类")
    article = make_article(
        title=f"双向{RLO}标题X5",
        source_name=f"{RLI}来源X5",
        category=category,
        tags=[f"标签{RLO}X5"],
    )
    body = client.get(article.get_absolute_url()).content.decode()
    assert "双向标题X5" in body
    assert "标签X5" in body
    assert not any(c in body for c in BIDI)
