"""Search: Chinese words found in title, summary and body of published articles only."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search, textindex
from articles.models import Article
from searchindex.models import SearchEntry
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only (tsvector, GIN index, ranking); set DATABASE_URL=postgres://...",
)

ZHENGZHOU = "郑州银行零售业务部线上办理理财业务ZZBKx1"
INTERBANK = "银行间市场利率继续走低IBRx2"
EPIDEMIC = "疫情反复拖累一季度社会消费EPDx3"
UNRELATED = "新能源汽车月销量再创新高NEVx4"


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def own_texts():
    """The project's own always-present texts (no corpus needed)."""
    category = make_category(name="检索测试来源", slug="searchsrc")
    return {
        "zhengzhou": make_article(
            title=ZHENGZHOU,
            summary="郑州银行零售业务部在疫情期间把服务搬到线上。",
            body="<p>疫情期间，郑州银行零售业务部启动应急预案，储蓄、理财、基金等业务均实现线上办理。</p>",
            category=category,
            published_at=hours_ago(30),
        ),
        "interbank": make_article(
            title=INTERBANK,
            summary="资金面宽松，隔夜利率下行。",
            body="<p>银行间市场资金面保持宽松，隔夜与七天回购利率双双下行。</p>",
            category=category,
            published_at=hours_ago(20),
        ),
        "epidemic": make_article(
            title=EPIDEMIC,
            summary="社会消费品零售总额同比下降。",
            body="<p>受疫情影响，一季度社会消费品零售总额同比下降，餐饮收入降幅最大。</p>",
            category=category,
            published_at=hours_ago(10),
        ),
        "unrelated": make_article(
            title=UNRELATED,
            summary="新能源车渗透率提升。",
            body="<p>乘用车市场新能源渗透率继续提升。</p>",
            category=category,
            published_at=hours_ago(5),
        ),
    }


def titles(response):
    return [a.title for a in response.context["articles"]]


def get_search(client, q, **params):
    return client.get(reverse("articles:search"), {"q": q, **params})


class TestUrls:
    def test_search_url_is_pinned(self):
        """The search page lives at /search/."""
        assert reverse("articles:search") == "/search/"

    @pytest.mark.parametrize("page", ["/", "/category/", "/search/?q=银行"])
    def test_header_has_a_plain_search_form(self, client, page):
        """Every page's header has a GET form to /search/ with a q field (no JavaScript needed)."""
        body = client.get(page).content.decode()
        header = body[body.index('<header class="site-header">') : body.index("</header>")]
        assert '<form class="site-search" role="search" action="/search/" method="get">' in header
        assert 'name="q"' in header

    def test_header_box_keeps_the_query(self, client):
        """On the search page the header box shows the query, escaped."""
        body = client.get("/search/", {"q": '银行"><b>'}).content.decode()
        header = body[body.index('<header class="site-header">') : body.index("</header>")]
        assert 'value="银行&quot;&gt;&lt;b&gt;"' in header


class TestFinding:
    def test_two_character_word_in_body_and_summary(self, client, own_texts):
        """疫情 finds the articles that mention it anywhere, and not the others."""
        response = get_search(client, "疫情")
        assert response.status_code == 200
        assert set(titles(response)) == {ZHENGZHOU, EPIDEMIC}

    def test_word_in_title_and_body(self, client, own_texts):
        """银行 finds both bank articles and neither of the others."""
        found = titles(get_search(client, "银行"))
        assert set(found) == {ZHENGZHOU, INTERBANK}

    def test_phrase_without_spaces_is_segmented(self, client, own_texts):
        """郑州银行零售 (no spaces) finds the Zhengzhou Bank article and only it."""
        assert titles(get_search(client, "郑州银行零售")) == [ZHENGZHOU]

    def test_every_word_must_match(self, client, own_texts):
        """Words are ANDed: 银行 疫情 finds the one article containing both."""
        assert titles(get_search(client, "银行 疫情")) == [ZHENGZHOU]

    def test_latin_words_ignore_case(self, client, own_texts):
        """A Latin-letter word matches whatever its case (nevx4 finds NEVx4)."""
        assert titles(get_search(client, "nevx4")) == [UNRELATED]

    def test_word_absent_everywhere_finds_nothing(self, client, own_texts):
        """A word no article contains gives the empty answer, not everything."""
        response = get_search(client, "比特币")
        assert titles(response) == []
        assert "没有找到包含“比特币”的文章" in response.content.decode()

    def test_part_of_a_longer_word_is_found(self, client):
        """A short word inside a compound (人民 in 中华人民共和国) is found."""
        make_article(title="中华人民共和国成立纪念日休市安排PRCx5")
        assert titles(get_search(client, "人民")) == ["中华人民共和国成立纪念日休市安排PRCx5"]

    def test_only_published_articles_are_found(self, client, own_texts):
        """Drafts and future articles containing the word are never found."""
        make_article(title="银行草稿DRAFTbk7", status=Article.Status.DRAFT)
        make_article(title="银行明天FUTUREbk8", published_at=timezone.now() + timedelta(hours=2))
        body = get_search(client, "银行").content.decode()
        assert "DRAFTbk7" not in body
        assert "FUTUREbk8" not in body
        assert "IBRx2" in body


class TestRelevance:
    def test_title_match_ranks_before_body_match(self, client):
        """The word in the title ranks before a newer article with it only in the body."""
        make_article(title="央行宣布降准0.5个百分点RRRa1", published_at=hours_ago(9))
        make_article(
            title="周一市场综述RRRb2",
            body="<p>午后传出央行降准消息，股指小幅回升。</p>",
            published_at=hours_ago(1),
        )
        expected = ["央行宣布降准0.5个百分点RRRa1", "周一市场综述RRRb2"]
        assert titles(get_search(client, "降准")) == expected

    def test_equal_relevance_newest_first(self, client):
        """Articles that match equally are shown newest first."""
        for hours, mark in [(3, "OLDc1"), (1, "NEWc2"), (2, "MIDc3")]:
            make_article(title=f"国债期货全线收涨{mark}", published_at=hours_ago(hours))
        assert titles(get_search(client, "国债期货")) == [
            "国债期货全线收涨NEWc2",
            "国债期货全线收涨MIDc3",
            "国债期货全线收涨OLDc1",
        ]

    @on_postgresql
    def test_more_mentions_rank_higher_on_postgresql(self, client):
        """On PostgreSQL an older article about the word ranks above a newer passing mention."""
        make_article(
            title="市场观察OBSd1",
            body="<p>" + "黄金价格走强，黄金ETF增持，黄金矿业股上涨。" * 3 + "</p>",
            published_at=hours_ago(10),
        )
        make_article(
            title="晚间要闻EVEd2",
            body="<p>美元走弱，原油下跌，黄金持平，债市平静，股市震荡，汇市波动，" * 3 + "</p>",
            published_at=hours_ago(1),
        )
        assert titles(get_search(client, "黄金")) == ["市场观察OBSd1", "晚间要闻EVEd2"]


class TestSnippets:
    def test_matched_words_are_marked(self, client, own_texts):
        """Titles and snippets show the matched word inside <mark>."""
        body = get_search(client, "疫情").content.decode()
        assert "<mark>疫情</mark>反复拖累一季度社会消费EPDx3" in body
        assert "受<mark>疫情</mark>影响" in body

    def test_markup_in_text_is_escaped_before_marking(self, client):
        """Markup in a title stays text; only the finder's own <mark> is markup."""
        make_article(
            title="<b>银行</b>与<script>alert('xss')</script>SNIPe1",
            body="<p>a &amp; b 银行</p>",
        )
        body = get_search(client, "银行").content.decode()
        assert "&lt;b&gt;<mark>银行</mark>&lt;/b&gt;与&lt;script&gt;" in body
        assert "<script>alert" not in body
        assert "<b>" not in body

    def test_query_is_escaped_when_shown(self, client, own_texts):
        """The query echoed on the page is escaped."""
        body = get_search(client, "<img src=x onerror=alert(1)>银行").content.decode()
        assert "<img src=x" not in body
        assert "&lt;img src=x onerror=alert(1)&gt;银行" in body

    def test_highlight_does_not_mark_inside_entities(self):
        """Escape first, then mark: a word never lands inside an HTML entity."""
        assert search.highlight("AT&T amp", ["amp"]) == "AT&amp;T <mark>amp</mark>"


class TestOddInput:
    @pytest.mark.parametrize(
        "q",
        [
            "",
            "   ",
            "银" * 1000,
            "银行 " * 500,
            '"银行"',
            "'银行'",
            "%",
            "%银行%",
            "\\",
            "银行\\",
            "'; drop table articles_article; --",
            "银行 & | ! :* <-> ()",
            "\u200b\ufeff银行",
            "🙂📈",
            "a" * 1000,
        ],
    )
    def test_no_error_for_odd_queries(self, client, own_texts, q):
        """Odd queries get the search page (200), never a server error."""
        response = get_search(client, q)
        assert response.status_code == 200
        assert '<h1 class="section-title">搜索</h1>' in response.content.decode()

    @pytest.mark.parametrize("q", ["\x00银行", "\x01\x02\x1b[31m银行"])
    def test_control_characters_are_a_bad_request(self, client, own_texts, q):
        """NUL and other control characters are refused as 400 before the search (ops/guards.py)."""
        assert get_search(client, q).status_code == 400

    def test_quotes_and_zero_width_spaces_still_find(self, client, own_texts):
        """Quotes and zero-width spaces around a word still match."""
        for q in ['"银行"', "\u200b银行"]:
            assert set(titles(get_search(client, q))) == {ZHENGZHOU, INTERBANK}, q

    def test_sql_and_wildcards_are_inert(self, client, own_texts):
        """% and \\ are no wildcards and SQL in a query is only text: nothing found or broken."""
        for q in ["%", "\\", "_", "'; drop table articles_article; --"]:
            assert titles(get_search(client, q)) == []
        assert Article.objects.count() == 4

    def test_empty_query_shows_the_form(self, client, own_texts):
        """No query: the search page with its form and a hint, and no results."""
        response = client.get(reverse("articles:search"))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'name="q"' in body
        assert "输入关键词搜索标题、摘要和正文" in body
        assert "ZZBKx1" not in body

    def test_long_query_is_cut(self):
        """A 1,000-character query is cut to MAX_QUERY_CHARS before segmenting."""
        assert len(search.clean_query("银" * 1000)) == search.MAX_QUERY_CHARS


class TestPagination:
    @pytest.fixture
    def many(self):
        category = make_category()
        return Article.objects.bulk_create(
            Article(
                title=f"可转债打新第{i:02d}期PAGx",
                slug=f"page-{i}",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=hours_ago(i + 1),
            )
            for i in range(25)
        )

    def test_twenty_per_page(self, client, many):
        """25 results: 20 on page 1, 5 on page 2, with links that keep the query."""
        first = get_search(client, "可转债")
        second = get_search(client, "可转债", page=2)
        assert len(titles(first)) == 20
        assert titles(second) == [f"可转债打新第{i:02d}期PAGx" for i in range(20, 25)]
        assert "?q=%E5%8F%AF%E8%BD%AC%E5%80%BA&amp;page=2" in first.content.decode()

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1e9", "99999999999999999999", ""])
    def test_bad_page_numbers_show_a_page(self, client, many, page):
        """A page number that is not a page shows the nearest page, not an error."""
        response = get_search(client, "可转债", page=page)
        assert response.status_code == 200
        assert len(titles(response)) in (20, 5)

    @pytest.mark.parametrize("count", [1, 20, 25])
    def test_results_are_read_through_the_publish_gate(self, many, count):
        """A page (prepared query) or more (plain query): published articles only, by key."""
        from articles.views.search_page import load_results

        keys = [article.pk for article in many[:count]]
        Article.objects.filter(pk=keys[-1]).update(status=Article.Status.DRAFT)
        loaded = load_results(keys)
        assert sorted(loaded) == sorted(keys[:-1])
        assert all(
            loaded[key].title == f"可转债打新第{i:02d}期PAGx" for i, key in enumerate(keys[:-1])
        )

    @pytest.mark.parametrize("page", ["1", "2"])
    def test_query_count_is_fixed(self, client, many, page, django_assert_max_num_queries):
        """A page of results costs the ranked window and the page's articles, whatever the page.

        One query for the ranked window on PostgreSQL (the search table), two
        on SQLite (the keys, then their ranks); then the page's articles.
        """
        with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 3):
            assert len(titles(get_search(client, "可转债", page=page))) in (20, 5)


class TestWindow:
    """Only the newest SEARCH_WINDOW matches are ranked; a full window reads "more than N"."""

    @pytest.fixture
    def window(self, settings):
        settings.SEARCH_WINDOW = 25
        return 25

    @pytest.fixture
    def thirty(self):
        category = make_category()
        # Newest first: WIN00 is 1 hour old, WIN29 30 hours; only WIN29 has the word in the title.
        return Article.objects.bulk_create(
            Article(
                title=("科创板WIN29" if i == 29 else f"午间快讯WIN{i:02d}"),
                slug=f"window-{i}",
                category=category,
                body="<p>科创板成交活跃。</p>",
                status=Article.Status.PUBLISHED,
                published_at=hours_ago(i + 1),
            )
            for i in range(30)
        )

    def test_older_match_outside_the_window_is_not_shown(self, client, window, thirty):
        """The oldest matches fall outside the window, even the best-ranked one (title match)."""
        found = titles(get_search(client, "科创板")) + titles(get_search(client, "科创板", page=2))
        assert len(found) == 25
        assert found[0] == "午间快讯WIN00"
        assert "科创板WIN29" not in found
        assert "午间快讯WIN25" not in found

    def test_ranking_happens_inside_the_window(self, client, settings, thirty):
        """A title match inside the window ranks above newer body-only matches."""
        settings.SEARCH_WINDOW = 30
        assert titles(get_search(client, "科创板"))[0] == "科创板WIN29"

    def test_full_window_counts_as_more_than(self, client, window, thirty):
        """A full window says "more than 25", not an exact total."""
        body = get_search(client, "科创板").content.decode()
        assert "找到超过 25 篇文章" in body
        assert "共找到 25 篇" not in body

    def test_partial_window_counts_exactly(self, client, settings, thirty):
        """Fewer matches than the window: the exact count, no "more than"."""
        settings.SEARCH_WINDOW = 100
        body = get_search(client, "科创板").content.decode()
        assert "共找到 30 篇文章" in body
        assert "超过" not in body

    @pytest.mark.parametrize("page", ["3", "99"])
    def test_pages_past_the_window_show_the_last_page(self, client, window, thirty, page):
        """Pagination ends with the window: a later page number shows the last page (5 results)."""
        response = get_search(client, "科创板", page=page)
        assert response.status_code == 200
        assert response.context["page_obj"].number == 2
        assert titles(response) == [f"午间快讯WIN{i:02d}" for i in range(20, 25)]


class TestSearchTextIsKeptCurrent:
    def test_save_updates_search_text(self, client):
        """Editing the title through save() makes the new word findable and the old one not."""
        article = make_article(title="沪指收涨OLDf1")
        article.title = "深成指收跌NEWf2"
        article.save()
        assert titles(get_search(client, "深成指")) == ["深成指收跌NEWf2"]
        assert titles(get_search(client, "沪指")) == []

    def test_save_with_update_fields(self, client):
        """save(update_fields=["summary"]) also refreshes the search text."""
        article = make_article(title="周报UPFg1")
        article.summary = "创业板指数周涨幅居前"
        article.save(update_fields=["summary"])
        assert titles(get_search(client, "创业板")) == ["周报UPFg1"]

    def test_bulk_create_sets_search_text(self, client):
        """Articles made by bulk_create (the importer's path) are findable at once."""
        Article.objects.bulk_create(
            [
                Article(
                    title="港股通南向资金净流入BLKh1",
                    slug="bulk-h1",
                    category=make_category(),
                    status=Article.Status.PUBLISHED,
                    published_at=hours_ago(1),
                )
            ]
        )
        assert titles(get_search(client, "南向资金")) == ["港股通南向资金净流入BLKh1"]

    def test_bulk_create_upsert_refreshes_search_text(self, client):
        """An upsert (bulk_create with update_conflicts) re-indexes the new title."""
        category = make_category()

        def upsert(title):
            Article.objects.bulk_create(
                [
                    Article(
                        title=title,
                        slug="upsert-1",
                        category=category,
                        status=Article.Status.PUBLISHED,
                        published_at=hours_ago(1),
                    )
                ],
                update_conflicts=True,
                unique_fields=["slug"],
                update_fields=["title"],
            )

        upsert("旧标题UPSk1")
        upsert("基金经理调仓UPSk2")
        assert titles(get_search(client, "调仓")) == ["基金经理调仓UPSk2"]
        assert titles(get_search(client, "旧标题")) == []

    def test_bulk_update_refreshes_search_text(self, client):
        """bulk_update of the body makes its new words findable."""
        article = make_article(title="早盘速递BLUi1")
        article.body = "<p>光伏板块集体走强</p>"
        Article.objects.bulk_update([article], ["body"])
        assert titles(get_search(client, "光伏")) == ["早盘速递BLUi1"]

    def test_queryset_update_refreshes_search_text(self, client):
        """QuerySet.update() of the title makes the new words findable."""
        article = make_article(title="旧标题UPDj1")
        Article.objects.filter(pk=article.pk).update(title="锂电池产业链调研UPDj2")
        assert titles(get_search(client, "锂电池")) == ["锂电池产业链调研UPDj2"]
        assert titles(get_search(client, "旧标题")) == []

    def test_rebuild_command_restores_the_index(self, client, own_texts):
        """rebuild_search_index re-segments every article (here after the text was wiped)."""
        Article.objects.update(search_text="")
        assert titles(get_search(client, "银行")) == []
        out = io.StringIO()
        call_command("rebuild_search_index", batch_size=3, stdout=out)
        assert "Rebuilt the search index of 4 articles." in out.getvalue()
        assert set(titles(get_search(client, "银行"))) == {ZHENGZHOU, INTERBANK}

    def test_segmenter_loads_once(self):
        """The dictionary is loaded once per process, not per request."""
        textindex.segment("银行")
        textindex.segment("疫情")
        assert textindex._jieba.cache_info().currsize == 1
        assert textindex._jieba.cache_info().misses <= 1


@on_postgresql
class TestPostgreSQL:
    def _vector(self, article):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector::text FROM articles_article WHERE id = %s", [article.pk]
            )
            return cursor.fetchone()[0]

    def test_tsvector_is_stored_and_weighted(self):
        """Each article stores a 'simple' tsvector: title words weigh A, summary B, body D."""
        article = make_article(title="郑州银行", summary="零售业务", body="<p>线上办理</p>")
        vector = self._vector(article)
        assert "'银行':2A" in vector
        assert "'零售':3B" in vector
        assert "'线上':5" in vector

    def test_tsvector_follows_queryset_update(self):
        """The stored tsvector follows a QuerySet.update() of the title."""
        article = make_article(title="旧词OLDk1")
        Article.objects.filter(pk=article.pk).update(title="新词券商")
        assert "'券商'" in self._vector(article)
        assert "旧词" not in self._vector(article)

    def test_gin_index_serves_the_search(self):
        """The word match (search_vector @@ query) is answered by the search table's GIN index."""
        make_article(title="银行")
        # Without the publish gate's date index in play, only the GIN can serve the match.
        queryset = SearchEntry.objects.filter(search_vector=search._tsquery("银行"))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        assert "searchindex_entry_vector_gin" in plan, plan


def parse_post(path):
    """A tiny reader for the archive's Jekyll posts: front-matter title, then the body."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\s*---\s*\n(.*?)\n---\s*\n(.*)", text, re.S)
    if not match:
        return None
    front, body = match.groups()
    title = re.search(r'^title:\s*"?(.*?)"?\s*$', front, re.M)
    return (title.group(1) if title else path.stem), body


class TestRealArchive:
    @pytest.fixture
    def archive(self, corpus_dir):
        category = make_category(name="存档样本", slug="archive")
        files = sorted((corpus_dir / "_posts").glob("*.md"))
        posts = [post for post in map(parse_post, files) if post]
        objs = [
            Article(
                title=title[:300],
                slug=f"archive-{i}",
                category=category,
                body=body,
                status=Article.Status.PUBLISHED,
                published_at=hours_ago(i + 1),
            )
            for i, (title, body) in enumerate(posts)
        ]
        return Article.objects.bulk_create(objs)

    def test_phrase_finds_the_zhengzhou_bank_article_first(self, client, archive):
        """郑州银行零售 puts the real 郑州银行 retail article first."""
        found = titles(get_search(client, "郑州银行零售"))
        assert found
        assert found[0].startswith("郑州银行：零售金融服务有温度")

    @pytest.mark.parametrize("word", ["银行", "疫情", "人民币"])
    def test_word_finds_every_post_that_contains_it(self, client, archive, word):
        """A two- or three-character word finds every real post containing it, and no other."""
        expected = {
            a.title for a in archive if word in a.title or word in search.plain_text(a.body)
        }
        assert expected, f"the sample should contain {word}"
        response = get_search(client, word)
        found = set()
        for page in range(1, response.context["paginator"].num_pages + 1):
            found |= set(titles(get_search(client, word, page=page)))
        assert found == expected
