"""Linking at ingestion and over the archive: learned names, name-only matches, idempotence."""

import pytest
from django.core.management import call_command

from articles.models import Article
from ingest import pipeline
from stocks import matcher
from stocks.linking import link_articles
from stocks.models import ArticleSecurity, Security
from tests.factories import make_article
from tests.ingest.conftest import flash

pytestmark = pytest.mark.django_db


def linked_codes(article):
    return sorted(
        ArticleSecurity.objects.filter(article=article).values_list("security__code", flat=True)
    )


class TestIngestionHook:
    def test_pushed_item_with_a_mention_is_on_the_stock_page(self, push, client):
        """A crawler pushes 「欧菲光(002456)…」: the new stock page lists the item."""
        item = flash(1, summary="【欧菲光发布新品】欧菲光(002456)今日发布车载镜头模组。")
        assert push([item]).json()["results"][0]["status"] == "created"
        article = Article.objects.get()
        page = client.get("/stock/002456/")
        assert page.status_code == 200
        assert article.get_absolute_url() in page.content.decode()
        assert article.mentioned_securities()[0]["code"] == "002456"

    def test_updated_item_drops_its_old_security(self):
        """An item updated without its mention loses the link and its sighting."""
        item = flash(1, summary="【快讯】新希望(000876)披露生猪销量。")
        pipeline.ingest([item], origin="test")
        security = Security.objects.get(code="000876")
        assert security.names == {"新希望": 1}
        pipeline.ingest([{**item, "summary": "【快讯】生猪价格回升。"}], origin="test")
        article = Article.objects.get()
        assert linked_codes(article) == []
        assert article.securities == []
        security.refresh_from_db()
        assert security.names == {}

    def test_batch_without_mentions_writes_nothing_for_stocks(self):
        """Flash items naming no security make no Security row and no link."""
        pipeline.ingest([flash(n) for n in range(5)], origin="test")
        assert not Security.objects.exists()
        assert not ArticleSecurity.objects.exists()


class TestNameOnly:
    def test_learned_name_links_later_articles(self):
        """After two sightings with its code, a name alone links an article."""
        for n in range(2):
            link_articles([make_article(body=f"<p>欧菲光(002456)公告第{n}号。</p>")])
        later = make_article(body="<p>A股欧菲光，海目星涨8%。</p>")
        link_articles([later])
        assert linked_codes(later) == ["002456"]
        link = ArticleSecurity.objects.get(article=later)
        assert not link.with_code

    def test_name_seen_once_is_not_matched_alone(self):
        """One sighting is not enough to trust a name."""
        link_articles([make_article(body="<p>欧菲光(002456)公告。</p>")])
        later = make_article(body="<p>A股欧菲光涨8%。</p>")
        link_articles([later])
        assert linked_codes(later) == []

    def test_common_words_and_venues_are_not_matched_alone(self):
        """「平安」「港交所」 learned with codes still need them: 平安夜, 在港交所公告."""
        for _ in range(2):
            link_articles([make_article(body="<p>平安(601318)与港交所(0388.HK)。</p>")])
        later = make_article(body="<p>平安夜前夕，中骏集团在港交所公告销售额。</p>")
        link_articles([later])
        assert linked_codes(later) == []

    def test_security_change_rebuilds_the_automaton(self):
        """A Security saved by an editor with a trusted name is matched from then on."""
        text = "<p>格力电器发布公告称分红。</p>"
        link_articles([first := make_article(body=text)])
        assert linked_codes(first) == []
        Security.objects.create(code="000651", market="SZ", name="格力电器", names={"格力电器": 2})
        link_articles([second := make_article(body=text)])
        assert linked_codes(second) == ["000651"]

    def test_automaton_built_once_per_version(self, django_assert_num_queries):
        """Tagging again under the same names version reads no Security row."""
        link_articles([make_article(body="<p>欧菲光(002456)。</p>")] * 1)
        matcher.current()
        with django_assert_num_queries(0):
            matcher.current()


class TestBackfill:
    def test_command_links_the_archive_and_is_idempotent(self):
        """link_securities twice: the same securities, sightings and links."""
        bodies = ["欧菲光(002456)公告。", "欧菲光(002456)新品。", "A股欧菲光涨8%。", "无关新闻。"]
        articles = [make_article(body=f"<p>{body}</p>") for body in bodies]
        call_command("link_securities", stdout=None)
        first = (
            list(Security.objects.values_list("code", "name", "names")),
            sorted(
                ArticleSecurity.objects.values_list("article_id", "security__code", "with_code")
            ),
        )
        call_command("link_securities", "--batch", "2", stdout=None)
        second = (
            list(Security.objects.values_list("code", "name", "names")),
            sorted(
                ArticleSecurity.objects.values_list("article_id", "security__code", "with_code")
            ),
        )
        assert first == second
        assert first[0] == [("002456", "欧菲光", {"欧菲光": 2})]
        assert [linked_codes(a) for a in articles] == [["002456"], ["002456"], ["002456"], []]


class TestBatchCost:
    def test_queries_do_not_grow_with_the_batch(self):
        """3 items or 30, each naming its own new security: the same statements, one a table."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def run(numbers):
            items = [flash(n, summary=f"【快讯{n}】测试公司{n}(6{n:05d})公告。") for n in numbers]
            with CaptureQueriesContext(connection) as captured:
                pipeline.ingest(items, origin="test")
            assert Security.objects.filter(code=f"6{numbers[0]:05d}").exists()
            # The linking step's own statements (the rest of the pipeline has its tests).
            return [
                q["sql"].split(" ", 1)[0]
                for q in captured
                if "stocks_" in q["sql"]
                or q["sql"].startswith('UPDATE "articles_article" SET "securities"')
            ]

        pipeline.ingest([flash(0)], origin="test")
        matcher.current()
        small, large = run(range(1, 4)), run(range(4, 34))
        assert small == large == ["SELECT", "INSERT", "INSERT", "UPDATE"]
