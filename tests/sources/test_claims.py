"""Workers share sources through atomic claims: never two polls of one source at once, and a
worker killed mid-fetch leaves its source pollable again once the claim expires."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from articles.models import Article
from sources.models import Source
from sources.polling import lease, poll_due
from tests.sources.conftest import rss
from tests.sources.server import Reply


def feed(n, items=20):
    return rss(
        [
            {
                "title": f"并发来源{n}的第{i}条",
                "guid": f"c{n}-{i}",
                "link": f"http://c.example.cn/{n}/{i}",
            }
            for i in range(items)
        ]
    )


@pytest.mark.django_db
class TestClaims:
    def test_a_claim_is_exclusive(self, make_source):
        source = make_source("http://a.example/feed")
        now = timezone.now()
        assert Source.objects.claim(source.pk, now, lease=lease()) is not None
        assert Source.objects.claim(source.pk, now, lease=lease()) is None
        assert Source.objects.claim(source.pk, now, lease=lease(), due=False) is None

    def test_killed_worker_frees_the_source_when_the_claim_expires(self, server, make_source):
        """A worker claims and dies: nobody polls it until the claim expires, then one does."""
        source = make_source(server.route("/feed", Reply(feed(1, items=2))))
        assert Source.objects.claim(source.pk, timezone.now(), lease=lease()) is not None
        assert poll_due() == []
        with time_machine.travel(timezone.now() + lease() + timedelta(seconds=1), tick=True):
            [outcome] = poll_due()
        assert outcome.ok and outcome.counts["created"] == 2
        source.refresh_from_db()
        assert source.claimed_until is None

    def test_not_due_not_polled(self, server, make_source):
        make_source(
            server.route("/feed", Reply(feed(1))),
            next_poll_at=timezone.now() + timedelta(minutes=5),
        )
        assert poll_due() == []
        assert server.requests == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_poll_each_due_source_once(server, make_source):
    """Two workers (threads) running the schedule at once: each source fetched once, no duplicates."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises all writers")
    for n in range(12):
        make_source(server.route(f"/feed{n}", Reply(feed(n))), name=f"并发来源{n}")
    barrier = threading.Barrier(2)
    polled = {}
    errors = []

    def worker(name):
        try:
            barrier.wait(timeout=10)
            polled[name] = [o.source.name for o in poll_due()]
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    names = polled["甲"] + polled["乙"]
    assert sorted(names) == sorted(f"并发来源{n}" for n in range(12))
    assert Counter(r.path for r in server.requests) == {f"/feed{n}": 1 for n in range(12)}
    assert Article.objects.count() == 12 * 20
    assert Source.objects.filter(consecutive_failures=0, claimed_until__isnull=True).count() == 12
