"""Related articles computed at write time: every write path keeps them as the page would compute them."""

import io
import random
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles import related
from articles.models import Article, TaggedArticle
from articles.views.detail import ARTICLE_PAGE, ArticleDetailView, _tags
from ingest import pipeline
from tests.factories import make_article, make_category
from tests.ingest.conftest import flash

pytestmark = pytest.mark.django_db

T = timezone.now() - timedelta(days=2)


def shown(client, article):
    """Titles of the related articles the article's page shows."""
    return [a.title for a in client.get(article.get_absolute_url()).context["related_articles"]]


def live(article):
    """The related articles as the page computes them when nothing is stored."""
    fresh = Article.objects.prefetch_related("tags").get(pk=article.pk)
    return [a.pk for a in ArticleDetailView.live_related(fresh)]


def stored(article):
    ids = Article.objects.get(pk=article.pk).related_ids
    return None if ids is None else ids[: related.RELATED_COUNT]


class TestWritePaths:
    def test_stored_list_is_what_the_page_would_compute(self):
        """For a random archive, each article's stored list equals the live computation."""
        rng = random.Random(17)
        names = ["银行", "债券", "基金", "芯片", "地产"]
        articles = [
            make_article(
                published_at=T - timedelta(minutes=rng.randrange(0, 300)),
                tags=rng.sample(names, rng.randrange(0, 4)),
            )
            for _ in range(40)
        ]
        for article in articles:
            assert stored(article) == live(article), article.pk

    def test_withdrawn_candidate_is_gone_at_once(self, client):
        """Withdrawing a related article removes it from the page, by save() or update()."""
        current = make_article(title="当前STOREDcur", tags=["银行"], published_at=T)
        one = make_article(
            title="相关一WITHDRAWa", tags=["银行"], published_at=T - timedelta(hours=1)
        )
        two = make_article(
            title="相关二WITHDRAWb", tags=["银行"], published_at=T - timedelta(hours=2)
        )
        assert shown(client, current) == ["相关一WITHDRAWa", "相关二WITHDRAWb"]
        one.status = Article.Status.WITHDRAWN
        one.save()
        assert shown(client, current) == ["相关二WITHDRAWb"]
        Article.objects.filter(pk=two.pk).update(status=Article.Status.WITHDRAWN)
        assert shown(client, current) == []

    def test_withdrawn_candidate_makes_room_for_the_next(self, client):
        """With a related article withdrawn, the page still shows five."""
        current = make_article(tags=["银行"], published_at=T)
        older = [
            make_article(tags=["银行"], published_at=T - timedelta(minutes=i + 1)) for i in range(8)
        ]
        Article.objects.filter(pk=older[0].pk).update(status=Article.Status.DRAFT)
        related_ids = [
            a.pk for a in client.get(current.get_absolute_url()).context["related_articles"]
        ]
        assert related_ids == [a.pk for a in older[1:6]]

    def test_retag_recomputes(self, client):
        """Adding or removing a tag of the article changes its related articles at once."""
        current = make_article(tags=["甲标签"], published_at=T)
        make_article(title="只有乙RETAGb", tags=["乙标签"], published_at=T - timedelta(hours=1))
        assert shown(client, current) == []
        current.tags.add("乙标签")
        assert shown(client, current) == ["只有乙RETAGb"]
        current.tags.remove("乙标签")
        assert shown(client, current) == []
        current.tags.set(["乙标签"])
        assert shown(client, current) == ["只有乙RETAGb"]
        current.tags.clear()
        assert shown(client, current) == []

    def test_candidate_retag_reaches_later_articles(self, client):
        """An older article given a shared tag shows among the later article's related ones."""
        current = make_article(tags=["共享标签"], published_at=T)
        older = make_article(title="后加标签LATERTAGq", published_at=T - timedelta(hours=1))
        assert shown(client, current) == []
        older.tags.add("共享标签")
        assert shown(client, current) == ["后加标签LATERTAGq"]
        TaggedArticle.objects.filter(content_object=older).delete()
        assert shown(client, current) == []

    def test_bulk_tagging_reaches_later_articles(self, client):
        """Tag links made in bulk (admin action, importer) update the related lists."""
        current = make_article(tags=["批量共享"], published_at=T)
        older = make_article(title="批量加标签BULKRELq", published_at=T - timedelta(hours=1))
        tag = current.tags.get()
        TaggedArticle.objects.bulk_create([TaggedArticle(content_object_id=older.pk, tag=tag)])
        assert shown(client, current) == ["批量加标签BULKRELq"]

    def test_publishing_in_bulk_reaches_later_articles(self, client):
        """Drafts published by a bulk update show among later articles' related ones."""
        current = make_article(tags=["发布标签"], published_at=T)
        draft = make_article(
            title="后发布的PUBLISHLATERq",
            tags=["发布标签"],
            status=Article.Status.DRAFT,
            published_at=T - timedelta(hours=1),
        )
        assert stored(draft) is None
        assert shown(client, current) == []
        Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
        assert shown(client, current) == ["后发布的PUBLISHLATERq"]
        assert stored(draft) == []

    def test_moving_an_article_in_time(self, client):
        """A related article moved after the current one leaves its list; moved back, returns."""
        current = make_article(tags=["挪动标签"], published_at=T)
        older = make_article(
            title="挪动MOVEDq", tags=["挪动标签"], published_at=T - timedelta(hours=1)
        )
        assert shown(client, current) == ["挪动MOVEDq"]
        older.published_at = T + timedelta(hours=1)
        older.save()
        assert shown(client, current) == []
        assert [a.title for a in client.get(older.get_absolute_url()).context["related_articles"]]
        Article.objects.filter(pk=older.pk).update(published_at=T - timedelta(minutes=5))
        assert shown(client, current) == ["挪动MOVEDq"]

    def test_deleted_article_leaves_later_lists(self):
        """Deleting an article recomputes the lists of the articles after it."""
        current = make_article(tags=["删除标签"], published_at=T)
        older = make_article(tags=["删除标签"], published_at=T - timedelta(hours=1))
        oldest = make_article(tags=["删除标签"], published_at=T - timedelta(hours=2))
        assert stored(current) == [older.pk, oldest.pk]
        older.delete()
        assert stored(current) == [oldest.pk]
        Article.objects.filter(pk=oldest.pk).delete()
        assert stored(current) == []

    def test_deleted_tag_leaves_the_lists(self, client):
        """Deleting a tag (its links go with it) recomputes the lists it made."""
        current = make_article(tags=["将删标签"], published_at=T)
        make_article(
            title="靠标签相关TAGGONEq", tags=["将删标签"], published_at=T - timedelta(hours=1)
        )
        assert shown(client, current) == ["靠标签相关TAGGONEq"]
        Tag.objects.get(name="将删标签").delete()
        assert shown(client, current) == []

    def test_a_spread_write_is_split_and_still_exact(self, monkeypatch):
        """Places far apart in the publish order are computed in parts, with the same result."""
        monkeypatch.setattr(related, "SPAN_ROWS", 3)
        rng = random.Random(5)
        articles = [
            make_article(
                published_at=T - timedelta(minutes=rng.randrange(0, 100)),
                tags=rng.sample(["甲", "乙", "丙"], rng.randrange(1, 3)),
            )
            for _ in range(20)
        ]
        Article.objects.all().update(related_ids=None)
        related.refresh_related([a.pk for a in articles[::3]], moved=[])
        related.refresh_related([a.pk for a in articles])
        for article in articles:
            assert stored(article) == live(article), article.pk

    def test_ingested_batch_gets_lists(self):
        """Articles that come in through the pipeline have their lists stored, as computed live."""
        make_article(tags=["管道标签"], published_at=timezone.now() - timedelta(hours=3))
        items = [
            flash(
                n,
                published_at=(timezone.now() - timedelta(hours=2, minutes=n)).isoformat(),
                tags=["管道标签"],
            )
            for n in range(3)
        ]
        results = pipeline.ingest(items, origin="test")
        assert [r.status for r in results] == ["created"] * 3
        for result in results:
            assert stored(result.article) is not None
            assert stored(result.article) == live(result.article)


class TestBackfill:
    def test_backfill_fills_and_is_idempotent(self):
        """compute_related stores every published article's list; a second run writes nothing."""
        articles = [
            make_article(tags=["回填标签"], published_at=T - timedelta(minutes=i)) for i in range(6)
        ]
        draft = make_article(tags=["回填标签"], status=Article.Status.DRAFT)
        Article.objects.all().update(related_ids=None)
        call_command("compute_related", "--batch-size", "2", stdout=io.StringIO())
        for article in articles:
            assert stored(article) == live(article)
        assert stored(draft) is None
        with CaptureQueriesContext(connection) as ctx:
            call_command("compute_related", stdout=io.StringIO())
        assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]

    def test_seeded_demo_has_its_lists(self):
        """seed_demo (COPY on PostgreSQL) leaves every published article with its list stored."""
        call_command("seed_demo", articles=80, stdout=io.StringIO())
        published = list(Article.objects.published())
        assert published
        for article in published:
            assert stored(article) == live(article), article.pk

    def test_page_without_a_stored_list_computes_it(self, client, django_assert_num_queries):
        """An article not backfilled yet still shows its related articles (one more query)."""
        current = make_article(tags=["未回填"], published_at=T)
        make_article(
            title="未回填的相关NOTFILLEDq", tags=["未回填"], published_at=T - timedelta(hours=1)
        )
        Article.objects.filter(pk=current.pk).update(related_ids=None)
        # The article with its tags and links, then the related articles computed now.
        with django_assert_num_queries(2):
            assert shown(client, current) == ["未回填的相关NOTFILLEDq"]

    def test_page_reads_only_the_first_five_until_one_is_gone(
        self, client, django_assert_num_queries
    ):
        """The first five stored are read with the article; a gone one makes the page read on.

        The stored list is written by hand: a draft first, the category's
        older neighbour (read with the article anyway) after the sixth, so
        that only reading on gives the right five, in stored order.
        """
        category = make_category()
        current = make_article(category=category, published_at=T)
        neighbour = make_article(
            title="上一篇NEIGHBOURn", category=category, published_at=T - timedelta(minutes=1)
        )
        others = [
            make_article(title=f"相关{i}READONr", published_at=T - timedelta(hours=i + 1))
            for i in range(6)
        ]
        draft = make_article(published_at=T - timedelta(hours=9))
        Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
        published = [a.pk for a in others]
        Article.objects.filter(pk=current.pk).update(
            related_ids=[*published[:5], *published[5:], neighbour.pk]
        )
        with django_assert_num_queries(1):
            assert shown(client, current) == [a.title for a in others[:5]]
        Article.objects.filter(pk=current.pk).update(
            related_ids=[draft.pk, *published[:4], published[4], neighbour.pk, published[5]]
        )
        with django_assert_num_queries(2):
            assert shown(client, current) == [a.title for a in others[:5]]
        Article.objects.filter(pk=current.pk).update(
            related_ids=[draft.pk, *published[:4], neighbour.pk, published[4]]
        )
        with django_assert_num_queries(2):
            assert shown(client, current) == [*(a.title for a in others[:4]), "上一篇NEIGHBOURn"]


class TestNeighboursFresh:
    def test_new_article_is_the_newer_link_at_once(self, client):
        """A new article of the category is 下一篇 of the previous newest at once."""
        category = make_category()
        current = make_article(category=category, published_at=T)
        assert client.get(current.get_absolute_url()).context["newer_article"] is None
        newer = make_article(category=category, published_at=T + timedelta(hours=1))
        assert client.get(current.get_absolute_url()).context["newer_article"].pk == newer.pk

    def test_scheduled_article_becomes_the_newer_link_when_due(self, client):
        """A scheduled article is 下一篇 from its publish time on, without any write."""
        category = make_category()
        now = timezone.now()
        current = make_article(category=category, published_at=now - timedelta(hours=1))
        scheduled = make_article(category=category, published_at=now + timedelta(hours=1))
        assert client.get(current.get_absolute_url()).context["newer_article"] is None
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        with time_machine.travel(now + timedelta(hours=1, minutes=1), tick=False):
            assert (
                client.get(current.get_absolute_url()).context["newer_article"].pk == scheduled.pk
            )
            assert client.get(scheduled.get_absolute_url()).status_code == 200


class TestPreparedQueries:
    def test_tags_come_with_the_article(self):
        """The article's row carries its tags: those prefetch_related("tags") reads, by id."""
        article = make_article(tags=["甲", "乙", "丙"])
        expected = Article.objects.prefetch_related("tags").get(pk=article.pk).tags.all()
        with CaptureQueriesContext(connection) as queries:
            found = ARTICLE_PAGE.run(slug=article.slug, now=timezone.now())[0]
        assert len(queries) == 1
        tags = _tags(found.tag_rows)
        assert [(t.pk, t.name, t.slug) for t in tags] == sorted(
            (t.pk, t.name, t.slug) for t in expected
        )
        assert sorted(t.name for t in tags) == ["丙", "乙", "甲"]

    def test_each_run_uses_its_own_values(self):
        """The compiled lookup finds each slug with the time it is given (the publish gate's)."""
        now = timezone.now()
        first = make_article(published_at=now - timedelta(hours=1))
        later = make_article(published_at=now + timedelta(hours=1))
        assert [a.pk for a in ARTICLE_PAGE.run(slug=first.slug, now=now)] == [first.pk]
        assert list(ARTICLE_PAGE.run(slug=later.slug, now=now)) == []
        found = ARTICLE_PAGE.run(slug=later.slug, now=now + timedelta(hours=2))
        assert [a.pk for a in found] == [later.pk]
        assert found[0].category.name == later.category.name  # select_related kept
