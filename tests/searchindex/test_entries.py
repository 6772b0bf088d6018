"""The narrow search table follows every write path, and search keeps the publish gate.

The search page is checked on both databases (SQLite matches the articles'
search text; PostgreSQL reads ``searchindex_entry``). The table itself, its
trigger and its order against the former ranking query are PostgreSQL-only.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import demo_data, demo_texts, search
from articles.models import Article
from ingest import pipeline
from tests.factories import BEIJING, make_article, make_category
from tests.jekyll.helpers import Archive, run_import

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only (searchindex_entry); set DATABASE_URL=postgres://...",
)

DUE = datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING)


def found(client, q):
    """Titles on the search page for ``q`` (every page of it); the count shown must agree."""
    titles, page = [], 1
    while True:
        response = client.get(reverse("articles:search"), {"q": q, "page": page})
        assert response.status_code == 200
        titles += [a.title for a in response.context["articles"]]
        if not response.context["page_obj"].has_next():
            break
        page += 1
    if titles:
        assert f"共找到 {len(titles)} 篇文章" in response.content.decode()
    return titles


def out_of_step():
    """Articles whose entry is missing or differs from them, and entries without an article."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM articles_article a
            FULL JOIN searchindex_entry e ON e.article_id = a.id
            WHERE a.id IS NULL OR e.article_id IS NULL
               OR a.status <> e.status
               OR a.published_at IS DISTINCT FROM e.published_at
               OR a.search_vector <> e.search_vector
            """
        )
        return cursor.fetchone()[0]


class TestPublishGate:
    """Search finds published, due articles only, however their state changed."""

    def test_draft_is_never_found(self, client):
        """A draft containing the word is not found."""
        make_article(title="可转债草稿GATEa1", status=Article.Status.DRAFT)
        make_article(title="可转债上市GATEa2")
        assert found(client, "可转债") == ["可转债上市GATEa2"]
        assert out_of_step() == 0

    def test_withdrawn_by_save_is_gone(self, client):
        """An article withdrawn in the admin (save) is no longer found."""
        article = make_article(title="可转债撤稿GATEb1")
        assert found(client, "可转债") == ["可转债撤稿GATEb1"]
        article.status = Article.Status.WITHDRAWN
        article.save()
        assert found(client, "可转债") == []
        assert out_of_step() == 0

    def test_unpublished_by_queryset_update_is_gone(self, client):
        """A bulk unpublish (QuerySet.update of status) removes the article from search."""
        article = make_article(title="可转债批量GATEc1")
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        assert found(client, "可转债") == []
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        assert found(client, "可转债") == ["可转债批量GATEc1"]
        assert out_of_step() == 0

    def test_bulk_update_of_status_is_followed(self, client):
        """bulk_update of status (an admin action's path) is followed by search."""
        article = make_article(title="可转债动作GATEd1")
        article.status = Article.Status.WITHDRAWN
        Article.objects.bulk_update([article], ["status"])
        assert found(client, "可转债") == []
        assert out_of_step() == 0

    def test_redated_into_the_future_is_hidden(self, client):
        """Moving the publish time into the future hides the article until then."""
        article = make_article(title="可转债改期GATEe1")
        article.published_at = timezone.now() + timedelta(days=1)
        article.save(update_fields=["published_at"])
        assert found(client, "可转债") == []
        assert out_of_step() == 0

    def test_scheduled_is_found_once_due(self, client):
        """A scheduled article is not found before its time, and is from that second on."""
        with time_machine.travel(DUE - timedelta(hours=1), tick=False):
            make_article(title="可转债定时GATEf1", published_at=DUE)
        with time_machine.travel(DUE - timedelta(seconds=1), tick=False):
            assert found(client, "可转债") == []
        with time_machine.travel(DUE, tick=False):
            assert found(client, "可转债") == ["可转债定时GATEf1"]

    def test_deleted_articles_are_gone(self, client):
        """Deleting an article (one, or a queryset) removes it and its entry."""
        one = make_article(title="可转债删除GATEg1")
        make_article(title="可转债删除GATEg2")
        one.delete()
        assert found(client, "可转债") == ["可转债删除GATEg2"]
        Article.objects.filter(title__endswith="GATEg2").delete()
        assert found(client, "可转债") == []
        assert out_of_step() == 0


class TestWritePaths:
    """Articles written by each path are findable at once, and their entries match them."""

    def test_pipeline(self, client):
        """An item from the ingestion pipeline is found by a word of its title."""
        pipeline.ingest(
            [
                {
                    "title": "北向资金尾盘加速流入PIPEh1",
                    "summary": "北向资金全天净买入。",
                    "body_html": "<p>正文段落</p>",
                    "url": "https://www.example.com/news/pipe-h1.html",
                    "source": "大众证券报",
                    "published_at": "2021-12-08 10:46:18",
                }
            ],
            origin="test",
        )
        assert found(client, "北向资金") == ["北向资金尾盘加速流入PIPEh1"]
        assert out_of_step() == 0

    def test_jekyll_importer(self, client, tmp_path):
        """A post imported from a Jekyll archive is found by a word of its body."""
        archive = Archive(tmp_path / "site")
        archive.post(7001, title="周末要闻IMPi1", body="创业板注册制改革稳步推进。")
        _out, err, code = run_import(archive.root)
        assert code == 0, err
        assert found(client, "注册制") == ["周末要闻IMPi1"]
        assert out_of_step() == 0

    def test_seed_demo(self, client, monkeypatch, tmp_path):
        """seed_demo (COPY on PostgreSQL) leaves every seeded article searchable."""
        monkeypatch.setattr(demo_texts, "CORPUS_POSTS", tmp_path / "no-corpus")
        monkeypatch.setattr(demo_data, "STORIES", demo_data.STORIES[:3])
        call_command("seed_demo", articles=40, stdout=None)
        assert out_of_step() == 0
        word = search.query_words(demo_data.STORIES[0][0])[0]
        expected = Article.objects.published().filter(search_text__contains=f" {word} ").count()
        assert expected > 0
        assert len(found(client, word)) == expected


@on_postgresql
class TestEntryTable:
    def test_window_reads_the_narrow_table(self):
        """The window query is answered from searchindex_entry, not the articles' wide rows."""
        make_article(title="银行")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = search._entries("银行").values("pk")[:10].explain()
        assert "searchindex_entry" in plan
        assert "articles_article" not in plan

    def test_unrelated_update_keeps_the_entry(self):
        """Changing what search does not read (here: important) leaves the entry row alone."""
        article = make_article(title="无关改动KEEPj1")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xmin::text FROM searchindex_entry WHERE article_id = %s", [article.pk]
            )
            before = cursor.fetchone()[0]
            Article.objects.filter(pk=article.pk).update(important=True)
            cursor.execute(
                "SELECT xmin::text FROM searchindex_entry WHERE article_id = %s", [article.pk]
            )
            assert cursor.fetchone()[0] == before


REFERENCE = """
WITH doc AS (
    SELECT id, published_at,
        setweight(to_tsvector('simple', split_part(search_text, E'\\n', 1)), 'A')
        || setweight(to_tsvector('simple', split_part(search_text, E'\\n', 2)), 'B')
        || setweight(to_tsvector('simple', split_part(search_text, E'\\n', 3)), 'D') AS v
    FROM articles_article
    WHERE status = 'published' AND published_at <= %s
)
SELECT id FROM doc, plainto_tsquery('simple', %s) q
WHERE v @@ q
ORDER BY ts_rank(v, q, 1) DESC, published_at DESC, id DESC
"""


@on_postgresql
class TestSameResults:
    """On a fixed set smaller than the window, the order is the one ranking every match gives."""

    @pytest.fixture
    def fixed_set(self):
        category = make_category()
        texts = [
            (
                "央行降准释放长期资金",
                "银行体系流动性合理充裕。",
                "<p>央行决定下调存款准备金率。</p>",
            ),
            ("银行理财子公司扩容", "理财产品净值化转型。", "<p>多家银行理财子公司获批开业。</p>"),
            ("午间快讯", "两市震荡。", "<p>银行板块午后拉升，券商跟涨。</p>"),
            ("郑州银行零售业务", "零售转型。", "<p>郑州银行零售业务部线上办理。</p>"),
            ("存款利率下调", "多家银行下调存款利率。", "<p>银行存款利率再下调，银行息差承压。</p>"),
            ("港股收评", "恒指收涨。", "<p>内银股走强，银行股领涨。</p>"),
            ("基金周报", "权益基金反弹。", "<p>基金经理加仓银行与券商。</p>"),
        ]
        articles = []
        for i in range(42):
            title, summary, body = texts[i % len(texts)]
            articles.append(
                make_article(
                    title=f"{title}SAME{i:02d}",
                    summary=summary,
                    body=body * (1 + i % 3),
                    category=category,
                    published_at=timezone.now() - timedelta(hours=i % 17, minutes=i),
                )
            )
        make_article(title="银行草稿SAMEdraft", status=Article.Status.DRAFT, category=category)
        return articles

    @pytest.mark.parametrize("q", ["银行", "郑州银行零售", "存款 利率", "理财", "券商", "不存在词"])
    def test_order_matches_ranking_every_match(self, client, fixed_set, q):
        """Every page in order equals ts_rank over all published matches (rank, date, id)."""
        with connection.cursor() as cursor:
            cursor.execute(REFERENCE, [timezone.now(), " ".join(search.query_words(q))])
            expected = [row[0] for row in cursor.fetchall()]
        pages, page = [], 1
        while True:
            response = client.get(reverse("articles:search"), {"q": q, "page": page})
            pages += [a.pk for a in response.context["articles"]]
            if not response.context["page_obj"].has_next():
                break
            page += 1
        assert pages == expected
        assert (len(expected) > 20) is (q == "银行")
