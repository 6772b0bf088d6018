"""One tag identity rule (tagging.tag_key: NFKC + case fold) for every writer, and the merge."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles.models import Article, TaggedArticle
from articles.tagging import tags_for_names
from tests.factories import make_article
from tests.roles import chief

pytestmark = pytest.mark.django_db

merge_migration = importlib.import_module("articles.migrations.0005_merge_duplicate_tags")


def names_of(article):
    return sorted(article.tags.names())


class TestTagsForNames:
    def test_finds_existing_tags_by_key(self):
        """Full-width, upper/lower case and spacing variants find the one existing tag."""
        etf = Tag.objects.create(name="ETF")
        fund = Tag.objects.create(name="货币 基金")
        found = tags_for_names(["ｅｔｆ", " 货币  基金 ", "Etf"])
        assert [tag.pk for tag in found] == [etf.pk, fund.pk]
        assert Tag.objects.count() == 2

    def test_creates_missing_tags_in_normalised_spelling(self):
        """A new full-width name is stored as its NFKC spelling, once."""
        (tag,) = tags_for_names(["ＡＩ芯片", "ａｉ芯片"])
        assert tag.name == "AI芯片"
        assert tag.slug
        assert list(Tag.objects.values_list("name", flat=True)) == ["AI芯片"]

    def test_empty_names_give_no_tags(self):
        """Blank names create nothing."""
        assert tags_for_names(["", "  "]) == []
        assert not Tag.objects.exists()


class TestAdminWriters:
    def test_add_tags_action_reuses_the_tag_in_another_width(self, client):
        """The bulk action given ＥＴＦ links the existing ETF tag, no second tag."""
        client.force_login(chief())
        etf = Tag.objects.create(name="ETF")
        article = make_article()
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "add_tags",
                "_selected_action": [article.pk],
                "index": "0",
                "apply": "1",
                "tags": "ＥＴＦ、新标签NEWtagX",
            },
        )
        assert response.status_code == 302
        assert names_of(article) == ["ETF", "新标签NEWtagX"]
        assert Tag.objects.filter(name__iexact="etf").get().pk == etf.pk

    def test_add_tags_refuses_a_name_too_long_for_the_table(self, client):
        """A 150-character tag is a form error on the action page, not a server error."""
        client.force_login(chief())
        article = make_article()
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "add_tags",
                "_selected_action": [article.pk],
                "index": "0",
                "apply": "1",
                "tags": "长" * 150,
            },
        )
        assert response.status_code == 200
        assert "标签最长 100 个字" in response.content.decode()
        assert names_of(article) == []

    def test_tag_suggestions_refuse_nul(self, client):
        """A NUL in the typed text is a 400 from the control-character guard, not a 500."""
        client.force_login(chief())
        Tag.objects.create(name="银行")
        response = client.get(reverse("admin:articles_tag_suggest"), {"q": "银\x00行"})
        assert response.status_code == 400
        assert "银行" not in response.content.decode()

    def test_change_form_reuses_the_tag_in_another_width(self, client):
        """Typing ｅｔｆ in the article form links the existing ETF tag."""
        client.force_login(chief())
        etf = Tag.objects.create(name="ETF")
        article = make_article(status=Article.Status.DRAFT, published_at=None)
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            {
                "title": article.title,
                "category": article.category_id,
                "tags": "ｅｔｆ",
                "summary": article.summary,
                "body": article.body,
                "status": article.status,
                "published_at_0": "",
                "published_at_1": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert [tag.pk for tag in article.tags.all()] == [etf.pk]


class TestMergeMigration:
    def test_merges_width_and_case_variants_into_the_oldest(self):
        """ETF, ＥＴＦ and etf become the oldest tag; each article keeps one link; others stay."""
        etf = Tag.objects.create(name="ETF")
        wide = Tag.objects.create(name="ＥＴＦ")
        lower = Tag.objects.create(name="etf")
        bank = Tag.objects.create(name="银行")
        both = make_article(title="两个变体都有BOTHvar")
        both.tags.add(etf, wide, bank)
        two_others = make_article(title="两个后来的变体TWOlater")
        two_others.tags.add(wide, lower)
        only_lower = make_article(title="只有小写ONLYlower")
        only_lower.tags.add(lower)

        merge_migration.merge_duplicate_tags(apps, None)

        assert sorted(Tag.objects.values_list("pk", "name")) == [(etf.pk, "ETF"), (bank.pk, "银行")]
        assert names_of(both) == ["ETF", "银行"]
        assert names_of(two_others) == ["ETF"]
        assert names_of(only_lower) == ["ETF"]
        assert TaggedArticle.objects.filter(tag=etf).count() == 3

    def test_single_full_width_tag_takes_its_normalised_spelling(self):
        """A lone ＥＴＦ基金 is kept (same id, slug, links) and renamed ETF基金."""
        tag = Tag.objects.create(name="ＥＴＦ基金")
        article = make_article()
        article.tags.add(tag)
        merge_migration.merge_duplicate_tags(apps, None)
        tag.refresh_from_db()
        assert tag.name == "ETF基金"
        assert names_of(article) == ["ETF基金"]

    def test_generic_tag_links_move_too(self):
        """Links in taggit's own table (other models) follow the kept tag, without duplicates."""
        keep = Tag.objects.create(name="Bank")
        dup = Tag.objects.create(name="ＢＡＮＫ")
        owner = ContentType.objects.get_for_model(Tag)
        TaggedItem.objects.create(tag=keep, content_type=owner, object_id=1)
        TaggedItem.objects.create(tag=dup, content_type=owner, object_id=1)
        TaggedItem.objects.create(tag=dup, content_type=owner, object_id=2)
        merge_migration.merge_duplicate_tags(apps, None)
        assert sorted(TaggedItem.objects.values_list("tag_id", "object_id")) == [
            (keep.pk, 1),
            (keep.pk, 2),
        ]
