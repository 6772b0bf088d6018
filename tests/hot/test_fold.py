"""The fold: finished hours into Beijing-day rows, exactly once, published articles only."""

import io
import os
import socket
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
import time_machine
from django.core.management import call_command
from django_q.models import Schedule

from hot import counter as counter_module
from hot.counter import CacheCounter, current_hour
from hot.fold import fold, fold_hour
from hot.models import FoldedHour
from tests.factories import make_article
from tests.hot.helpers import folded, pending_counts, send

pytestmark = pytest.mark.django_db

# 15:xx UTC is 23:xx in Beijing: the next UTC hour is the next Beijing day.
LATE_EVENING = datetime(2026, 3, 9, 15, 59, 30, tzinfo=UTC)


def live_article(**overrides):
    """An article already published when the tests' clock stands at LATE_EVENING."""
    return make_article(published_at=LATE_EVENING - timedelta(days=1), **overrides)


class TestHours:
    def test_nothing_is_folded_while_the_hour_runs(self, client):
        """Reads of the running hour stay in the counters; the fold leaves them."""
        article = live_article()
        with time_machine.travel(LATE_EVENING, tick=False):
            send(client, article.pk)
            assert fold() == (0, 0)
            assert pending_counts() == {article.pk: 1}
        assert folded(article) == {}

    def test_hours_go_to_their_beijing_day(self, client):
        """23:59 and 00:00 Beijing time land on two days; a finished hour is folded once over."""
        article = live_article()
        with time_machine.travel(LATE_EVENING, tick=False) as clock:
            send(client, article.pk, browser=1)
            send(client, article.pk, browser=2)
            clock.shift(timedelta(minutes=1))  # 16:00:30 UTC, 00:00:30 in Beijing
            send(client, article.pk, browser=3)
            assert fold() == (0, 0)  # the 15:00 hour ended 30 s ago: within the grace
            clock.shift(timedelta(minutes=1))
            assert fold() == (1, 2)
            assert folded(article) == {date(2026, 3, 9): 2}
            clock.shift(timedelta(hours=1))
            assert fold() == (1, 1)
            assert pending_counts() == {}
        assert folded(article) == {date(2026, 3, 9): 2, date(2026, 3, 10): 1}

    def test_unknown_and_unpublished_ids_are_dropped(self, client):
        """Counts for unknown, draft, scheduled and withdrawn ids never reach the table."""
        live = live_article()
        draft = live_article(status="draft")
        withdrawn = live_article(status="withdrawn")
        with time_machine.travel(LATE_EVENING, tick=False) as clock:
            scheduled = make_article(published_at=LATE_EVENING + timedelta(days=1))
            for n, pk in enumerate([live.pk, draft.pk, withdrawn.pk, scheduled.pk, 99999]):
                send(client, pk, browser=n)
            clock.shift(timedelta(minutes=2))
            assert fold() == (1, 1)
        assert folded(live) == {date(2026, 3, 9): 1}
        for other in (draft, withdrawn, scheduled):
            assert folded(other) == {}


class TestExactlyOnce:
    def test_an_hour_folded_twice_counts_once(self):
        """Folding the same hour's counts again adds nothing."""
        article = live_article()
        hour = current_hour() - 3
        assert fold_hour(hour, {article.pk: 4}) == 4
        assert fold_hour(hour, {article.pk: 4}) is None
        assert sum(folded(article).values()) == 4

    def test_crash_between_fold_and_drop_does_not_double_count(self, client):
        """Counters left behind by a fold that died before dropping them are dropped, not re-added."""
        article = live_article()
        with time_machine.travel(LATE_EVENING, tick=False) as clock:
            send(client, article.pk)
            hour = current_hour()
            clock.shift(timedelta(minutes=2))
            fold_hour(hour, CacheCounter().read(hour))  # the crash: counters still there
            assert pending_counts() == {article.pk: 1}
            assert fold() == (0, 0)
            assert pending_counts() == {}
        assert folded(article) == {date(2026, 3, 9): 1}
        assert FoldedHour.objects.get(hour=hour).views == 1

    def test_later_hours_of_a_day_add_up(self):
        """Two hours of one Beijing day add to one row."""
        article = live_article()
        base = int(LATE_EVENING.timestamp() // 3600) - 5
        fold_hour(base, {article.pk: 2})
        fold_hour(base + 1, {article.pk: 3})
        assert folded(article) == {date(2026, 3, 9): 5}


class TestCommandAndSchedule:
    def test_fold_hot_command(self, client):
        """manage.py fold_hot folds by hand and says what it did."""
        article = live_article()
        with time_machine.travel(LATE_EVENING, tick=False) as clock:
            send(client, article.pk)
            clock.shift(timedelta(hours=1))
            out = io.StringIO()
            call_command("fold_hot", stdout=out)
        assert "汇总 1 个小时，1 次阅读" in out.getvalue()

    def test_task_engine_schedule_exists(self):
        """The migration registers the periodic fold with django-q2."""
        schedule = Schedule.objects.get(func="hot.tasks.fold_hot")
        assert schedule.schedule_type == Schedule.MINUTES and schedule.repeats == -1


TEST_REDIS_URL = os.environ.get("HOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


def _redis_up():
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_store(settings):
    if not _redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379 (HOT_TEST_REDIS_URL)")
    client = redis.Redis.from_url(TEST_REDIS_URL)

    def wipe():
        keys = list(client.scan_iter(f"{counter_module.PREFIX}:*"))
        if keys:
            client.delete(*keys)

    wipe()
    settings.REDIS_URL = TEST_REDIS_URL
    yield client
    wipe()


class TestRedisStore:
    def test_beacons_fold_through_redis(self, client, redis_store):
        """With REDIS_URL: one hash per hour, deduplicated, expiring, folded and dropped."""
        article = live_article()
        with time_machine.travel(LATE_EVENING, tick=False) as clock:
            send(client, article.pk, browser=1)
            send(client, article.pk, browser=1)
            send(client, article.pk, browser=2)
            hour = current_hour()
            key = f"{counter_module.PREFIX}:h:{hour}"
            assert redis_store.hgetall(key) == {str(article.pk).encode(): b"2"}
            assert 0 < redis_store.ttl(key) <= 2 * 24 * 3600
            clock.shift(timedelta(minutes=2))
            assert fold() == (1, 2)
            assert fold() == (0, 0)
        assert folded(article) == {date(2026, 3, 9): 2}
        assert not redis_store.exists(key)

    def test_rate_limit_in_redis(self, client, redis_store, settings):
        """The address limit holds in the Redis script too."""
        settings.HOT_BEACON_RATE_PER_MINUTE = 2
        with time_machine.travel(LATE_EVENING.replace(second=0), tick=False):
            for n in range(5):
                send(client, 500 + n, browser=n)
            hour = current_hour()
        assert len(redis_store.hgetall(f"{counter_module.PREFIX}:h:{hour}")) == 2

    def test_redis_down_still_answers_204(self, client, settings):
        """An unreachable Redis loses the read; the reader's page is not affected."""
        settings.REDIS_URL = "redis://127.0.0.1:1/0"
        assert send(client, 5).status_code == 204


class TestRunningHourInRanking:
    def test_running_hour_is_ranked_before_it_is_folded(self, client):
        """The fold's ranking includes the running hour's reads (published ids only)."""
        article = live_article(title="本小时刚被读的消息")
        draft = live_article(title="本小时被读的草稿", status="draft")
        with time_machine.travel(LATE_EVENING - timedelta(minutes=30), tick=False):
            send(client, article.pk, browser=1)
            send(client, article.pk, browser=2)
            send(client, draft.pk, browser=3)
            assert fold() == (0, 0)
            html = client.get("/hot/").content.decode()
        assert "本小时刚被读的消息" in html and "2 次阅读" in html
        assert "本小时被读的草稿" not in html
