"""Frequent words' windows, written ahead (searchindex/windows.py; PostgreSQL only).

A one-word search for a kept word reads its rows in ``searchindex_window``
instead of walking the entries. What a reader sees must not change: the same
articles, in the same order, on every page, and every write showing at once.
Each test compares the page with the general plan's answer on the same data
(the words' rows deleted in a savepoint) and checks where the page's keys came from.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from articles import search
from articles.models import Article
from searchindex import tasks, windows
from searchindex.models import SearchWord, WordWindow
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only (searchindex_window); set DATABASE_URL=postgres://...",
)

WINDOW = 4

# Rates of several kinds, so that ranks differ: in the title, the summary, the body, repeated.
TEXTS = [
    ("利率决议WWa", "央行公布利率决议。", "<p>市场关注利率走向。</p>"),
    ("港股收评WWb", "恒指收涨。", "<p>内银股走强，利率敏感板块活跃。</p>"),
    ("存款利率下调WWc", "多家银行下调存款利率。", "<p>存款利率再下调，利率市场化。</p>"),
    ("基金周报WWd", "权益基金反弹。", "<p>基金经理关注利率与汇率。</p>"),
]


@pytest.fixture
def window(settings):
    settings.SEARCH_WINDOW = WINDOW
    return WINDOW


@pytest.fixture
def archive(window):
    """Twelve articles with 利率 (of different ranks) among twenty-four; none kept yet."""
    category = make_category()
    now = timezone.now()
    rates = []
    for i in range(12):
        title, summary, body = TEXTS[i % len(TEXTS)]
        rates.append(
            make_article(
                title=f"{title}{i:02d}",
                summary=summary,
                body=body * (1 + i % 3),
                category=category,
                published_at=now - timedelta(hours=i, minutes=i),
            )
        )
    for i in range(12):
        make_article(
            title=f"午间播报WWz{i:02d}",
            summary="两市震荡。",
            body="<p>券商板块午后拉升。</p>",
            category=category,
            published_at=now - timedelta(hours=i, minutes=30),
        )
    return rates


def general(word, window=WINDOW):
    """The general plan's keys for a one-word search: what the page must show.

    Computed with the window rows' trigger and rows out of the way, inside a
    savepoint that is rolled back.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM searchindex_word")
        keys, ahead = search._ranked_window([word], window)
        transaction.set_rollback(True)
    assert ahead is False
    return keys


def shown(client, q):
    """(keys on every page of the search in order, whether they came from rows written ahead)."""
    keys, page = [], 1
    while True:
        response = client.get(reverse("articles:search"), {"q": q, "page": page})
        assert response.status_code == 200
        keys += [a.pk for a in response.context["articles"]]
        if not response.context["page_obj"].has_next():
            return keys, response.context["results"].written_ahead
        page += 1


def trimmed(title):
    """Six more articles with 利率, then two refreshes: the second trims, and sets the floor."""
    category = make_category()
    for i in range(6):
        make_article(title=f"利率新闻{title}{i}", category=category)
    windows.refresh()
    windows.refresh()
    floor = SearchWord.objects.get(word="利率").floor_published_at
    assert floor is not None
    return category, floor


def rows(word):
    return WordWindow.objects.filter(word_id=word).count()


@on_postgresql
class TestChosenAndRead:
    def test_a_frequent_word_is_read_from_its_rows_with_the_same_results(self, client, archive):
        """After a refresh, 利率's window comes from its rows, equal to the general plan's."""
        assert shown(client, "利率")[1] is False
        before = shown(client, "利率")[0]
        result = windows.refresh()
        assert "利率" in set(SearchWord.objects.values_list("word", flat=True))
        assert result.added >= 1 and not result.busy
        keys, ahead = shown(client, "利率")
        assert ahead is True
        assert keys == before == general("利率")
        assert len(keys) == WINDOW

    def test_the_page_html_is_unchanged(self, client, archive):
        """The search page renders byte for byte the same from the rows as from the entries."""
        url = reverse("articles:search")
        before = [client.get(url, {"q": "利率", "page": p}).content for p in (1, 2)]
        windows.refresh()
        after = [client.get(url, {"q": "利率", "page": p}).content for p in (1, 2)]
        assert after == before
        assert "找到超过 4 篇文章".encode() in after[0]

    def test_every_kept_word_agrees_with_the_general_plan(self, archive):
        """For each word chosen, the rows give exactly the general plan's keys and order."""
        windows.refresh()
        words = list(SearchWord.objects.values_list("word", flat=True))
        assert len(words) > 5
        for word in words:
            assert search._ranked_window([word], WINDOW) == (general(word), True), word

    def test_rare_words_and_several_words_take_the_general_plan(self, client, archive):
        """A word not kept (WWa is in three titles) and a two-word query read the entries."""
        windows.refresh()
        assert not SearchWord.objects.filter(word__in=["wwa00", "决议"]).exists()
        assert shown(client, "决议")[1] is False
        keys, ahead = shown(client, "存款 利率")
        assert ahead is False  # several words: the general plan
        assert keys == search._ranked_window(["存款", "利率"], WINDOW)[0]

    def test_a_word_not_read_back_as_itself_is_never_kept(self, window):
        """Only words the parser reads back unchanged are chosen: 'co-op' splits into three."""
        category = make_category()
        for i in range(10):
            make_article(title=f"co-op 合作社WWco{i}", category=category)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM searchindex_entry WHERE search_vector @@ %s::tsquery",
                ["'co-op'"],
            )
            assert cursor.fetchone()[0] == 10
        windows.refresh()
        kept = set(SearchWord.objects.values_list("word", flat=True))
        assert "合作社" in kept
        assert "co-op" not in kept


@on_postgresql
class TestWritesShowAtOnce:
    """The trigger keeps the rows in step: no refresh needed for a publish to show."""

    def test_a_new_article_is_found_at_once(self, client, archive):
        windows.refresh()
        new = make_article(title="利率利率快讯WWnew", summary="利率。", body="<p>利率。</p>")
        keys, ahead = shown(client, "利率")
        assert ahead is True
        assert keys[0] == new.pk
        assert keys == general("利率")

    def test_a_withdrawn_article_is_gone_at_once(self, client, archive):
        windows.refresh()
        first = Article.objects.get(pk=shown(client, "利率")[0][0])
        first.status = Article.Status.WITHDRAWN
        first.save()
        keys, ahead = shown(client, "利率")
        assert ahead is True
        assert first.pk not in keys
        assert keys == general("利率")

    def test_an_edit_that_removes_the_word_is_gone_at_once(self, client, archive):
        windows.refresh()
        first = Article.objects.get(pk=shown(client, "利率")[0][0])
        Article.objects.filter(pk=first.pk).update(
            title="改写后的标题WWedit", summary="无关。", body="<p>无关。</p>"
        )
        keys, _ = shown(client, "利率")
        assert first.pk not in keys
        assert keys == general("利率")

    def test_a_deleted_article_leaves_no_row(self, archive):
        windows.refresh()
        victim = archive[0]
        assert WordWindow.objects.filter(article_id=victim.pk).exists()
        victim.delete()
        assert not WordWindow.objects.filter(article_id=victim.pk).exists()

    def test_a_scheduled_article_is_found_from_its_second(self, client, archive):
        windows.refresh()
        due = timezone.now() + timedelta(hours=2)
        later = make_article(title="利率利率预告WWsched", published_at=due)
        assert later.pk not in shown(client, "利率")[0]
        with time_machine.travel(due + timedelta(seconds=1)):
            keys, ahead = shown(client, "利率")
            assert ahead is True
            assert later.pk in keys
            assert keys == general("利率")


@on_postgresql
class TestTrimAndRefill:
    def test_a_trim_keeps_the_newest_rows_and_the_results(self, client, archive):
        """More news comes in; the refresh trims each word to keep() rows and raises the floor."""
        windows.refresh()
        category = make_category()
        for i in range(6):
            make_article(title=f"利率新闻WWmore{i}", category=category)
        assert rows("利率") > windows.keep()
        result = windows.refresh()
        assert result.trimmed > 0
        assert rows("利率") == windows.keep()
        assert SearchWord.objects.get(word="利率").floor_published_at is not None
        keys, ahead = shown(client, "利率")
        assert ahead is True
        assert keys == general("利率")

    def test_too_few_rows_above_the_floor_fall_back_then_refill(self, client, archive):
        """Withdrawals leave less than a window above the floor: the page reads the entries
        (same results), and the next refresh refills the word."""
        trimmed("WWshort")
        newest = shown(client, "利率")[0]
        Article.objects.filter(pk__in=newest[:2]).update(status=Article.Status.WITHDRAWN)
        keys, ahead = shown(client, "利率")
        assert ahead is False
        assert keys == general("利率") and not set(newest[:2]) & set(keys)
        assert windows.refresh().refilled >= 1
        keys, ahead = shown(client, "利率")
        assert ahead is True
        assert keys == general("利率")

    def test_an_article_dated_below_the_floor_is_not_missed(self, client, archive):
        """A back-dated article older than the floor changes nothing; one above it is found."""
        category, floor = trimmed("WWfloor")
        old = make_article(
            title="利率利率旧闻WWold", category=category, published_at=floor - timedelta(days=3)
        )
        assert not WordWindow.objects.filter(article_id=old.pk).exists()
        keys, _ = shown(client, "利率")
        assert old.pk not in keys
        assert keys == general("利率")

    def test_rows_below_the_floor_are_never_read(self, client, archive):
        """Rows a racing write left below the floor do not make up a window.

        After a trim, older matches have no rows. Two withdrawals leave less
        than a window above the floor; two rows of old matches, written below
        the floor as a write racing the trim could, must not fill the gap:
        the page takes the general plan and shows what it shows.
        """
        _, floor = trimmed("WWrace")
        newest = shown(client, "利率")[0]
        Article.objects.filter(pk__in=newest[:2]).update(status=Article.Status.WITHDRAWN)
        below = [a for a in archive if a.published_at < floor][-2:]
        assert len(below) == 2
        with connection.cursor() as cursor:
            for article in below:
                cursor.execute(
                    "INSERT INTO searchindex_window VALUES ('利率', %s, %s, 'published', 1.0)",
                    [article.published_at, article.pk],
                )
        keys, ahead = shown(client, "利率")
        assert ahead is False
        assert keys == general("利率")

    def test_words_no_longer_frequent_are_dropped(self, archive):
        windows.refresh()
        assert rows("利率") > 0
        result = windows.refresh(limit=0)
        assert result.dropped > 0 and result.words == 0
        assert not WordWindow.objects.exists()

    def test_a_small_archive_keeps_no_word(self, settings, archive):
        """Twenty-four articles against a window of 1,000: nothing is slow, nothing is kept."""
        settings.SEARCH_WINDOW = 1000
        assert windows.refresh().words == 0
        assert not SearchWord.objects.exists()

    def test_one_refresh_at_a_time(self, archive):
        """A refresh that finds another one running (another connection's lock) skips."""
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [windows.REFRESH_LOCK])
            result = windows.refresh()
            assert result.busy
            assert str(result) == "另一次刷新正在进行，本次跳过"
            assert not SearchWord.objects.exists()
        finally:
            # Unlocked by hand: with a connection pool, closing keeps the session (and its lock).
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [windows.REFRESH_LOCK])
            other.close()
        assert not windows.refresh().busy


class TestCommandAndTask:
    def test_task_engine_schedule_exists(self):
        """The migration registers the hourly refresh with django-q2."""
        schedule = Schedule.objects.get(func="searchindex.tasks.refresh_search_words")
        assert schedule.schedule_type == Schedule.MINUTES and schedule.repeats == -1
        assert schedule.minutes == 60

    @pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback database")
    def test_nothing_to_do_on_sqlite(self, client, window, archive):
        """SQLite has no word windows: the refresh keeps nothing and search still works."""
        assert tasks.refresh_search_words() == "常用词 0 个：新增 0，移除 0，重填 0，修剪 0 行"
        response = client.get(reverse("articles:search"), {"q": "利率"})
        assert "找到超过 4 篇文章" in response.content.decode()

    @on_postgresql
    def test_the_command_reports_in_chinese(self, archive):
        from io import StringIO

        out = StringIO()
        call_command("refresh_search_words", stdout=out)
        assert "常用词" in out.getvalue() and "新增" in out.getvalue()
        assert SearchWord.objects.filter(word="利率").exists()

    @on_postgresql
    def test_the_task_returns_its_result_line(self, archive):
        assert tasks.refresh_search_words().startswith("常用词")
