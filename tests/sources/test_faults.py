"""Faults are recorded on their source and never stop the other sources in the same run."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from sources.models import Source
from sources.polling import poll_due, reset
from tests.sources.conftest import as_json, rss
from tests.sources.server import Reply, gzip_bomb, stream

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def good_feed(tag="好"):
    # Dated a minute ago: in trading hours a source whose newest item is older
    # than its silent_minutes reads "silent", not "ok" (a fixed date failed on
    # weekday mornings, Beijing time).
    return rss(
        [
            {
                "title": f"正常来源的新闻{tag}",
                "link": f"http://good.example.cn/{tag}.html",
                "pubDate": _rfc(timezone.now() - timedelta(minutes=1)),
            }
        ]
    )


@pytest.fixture
def hanging(server, settings):
    """A route that answers only when the test is over (no sleep racing the clock)."""
    settings.FETCH_TIMEOUT = 0.5
    release = threading.Event()

    def reply(request):
        release.wait(timeout=30)
        return Reply(good_feed("迟到"))

    yield server.route("/hang", reply)
    release.set()


def faults(server, hanging):
    """name -> (url, format, what its last_error must say, its HTTP status)."""
    loop = server.route("/loop", Reply(status=302, headers={"Location": "/loop"}))
    return {
        "500": (server.route("/500", Reply(b"oops", 500)), "rss", "HTTP 500", 500),
        "超时": (hanging, "rss", "超时", None),
        "坏XML": (
            server.route("/bad.xml", Reply(b"<rss><channel><item><title>x</")),
            "rss",
            "XML",
            None,
        ),
        "坏JSON": (
            server.route("/bad.json", Reply(b'{"records": [', content_type="application/json")),
            "json",
            "JSON",
            None,
        ),
        "重定向循环": (loop, "rss", "重定向超过 5 次", None),
        "50MB": (server.route("/big", stream(50 * MB)), "rss", "10 MB", None),
        "gzip炸弹": (
            server.route("/bomb", Reply(gzip_bomb(50 * MB), headers={"Content-Encoding": "gzip"})),
            "rss",
            "10 MB",
            None,
        ),
    }


class TestFaults:
    def test_every_fault_recorded_and_others_still_polled(self, server, make_source, hanging):
        """A run over every kind of fault plus two good sources: each fault on its own source."""
        for name, (url, fmt, _, _) in faults(server, hanging).items():
            make_source(
                url, name=name, format=fmt, preset="eastmoney-7x24" if fmt == "json" else ""
            )
        make_source(server.route("/good1", Reply(good_feed("甲"))), name="好甲")
        make_source(server.route("/good2", Reply(good_feed("乙"))), name="好乙")
        outcomes = {o.source.name: o for o in poll_due()}
        assert len(outcomes) == 9
        assert outcomes["好甲"].ok and outcomes["好乙"].ok
        assert set(Article.objects.values_list("title", flat=True)) == {
            "正常来源的新闻甲",
            "正常来源的新闻乙",
        }
        for name, (_, _, message, status) in faults(server, hanging).items():
            source = Source.objects.get(name=name)
            assert message in source.last_error, (name, source.last_error)
            assert source.last_error_status == status
            assert source.consecutive_failures == 1
            assert source.health() == "failing"
            assert source.claimed_until is None

    def test_redirect_loop_stops_after_five(self, server, make_source):
        """A redirect loop is followed five times, no more."""
        make_source(server.route("/loop", Reply(status=302, headers={"Location": "/loop"})))
        poll_due()
        assert [r.path for r in server.requests] == ["/loop"] * 6

    def test_a_redirect_within_limits_is_followed(self, server, make_source):
        """Two hops to the feed: followed, items stored."""
        server.route("/a", Reply(status=301, headers={"Location": "/b"}))
        server.route("/b", Reply(status=307, headers={"Location": server.url("/feed")}))
        server.route("/feed", Reply(good_feed()))
        make_source(server.url("/a"))
        [outcome] = poll_due()
        assert outcome.ok and outcome.counts["created"] == 1

    def test_gzip_is_asked_for_and_read(self, server, make_source):
        """The fetcher asks for gzip and names itself; a gzipped feed is read."""
        import gzip

        body = gzip.compress(good_feed())
        make_source(server.route("/gz", Reply(body, headers={"Content-Encoding": "gzip"})))
        [outcome] = poll_due()
        assert outcome.counts["created"] == 1
        headers = server.requests[0].headers
        assert "gzip" in headers["accept-encoding"]
        assert headers["user-agent"].startswith("finews-fetcher/")


class TestConditionalGet:
    def test_304_after_etag_stores_nothing_and_counts_as_success(self, server, make_source):
        """The second poll sends the ETag; the 304 stores nothing and resets failures."""

        def reply(request):
            if request.headers.get("If-None-Match") == '"v1"':
                return Reply(status=304, headers={"ETag": '"v1"'})
            return Reply(
                good_feed(),
                headers={"ETag": '"v1"', "Last-Modified": "Fri, 27 Nov 2026 01:00:00 GMT"},
            )

        source = make_source(server.route("/etag", reply))
        poll_due(all_sources=True)
        Source.objects.filter(pk=source.pk).update(consecutive_failures=2)
        [outcome] = poll_due(all_sources=True)
        assert outcome.ok and outcome.not_modified
        second = server.requests[1].headers
        assert second["if-none-match"] == '"v1"'
        assert second["if-modified-since"] == "Fri, 27 Nov 2026 01:00:00 GMT"
        source.refresh_from_db()
        assert source.consecutive_failures == 0
        assert source.last_success_at == source.last_attempt_at
        assert Article.objects.count() == 1


class TestBackoff:
    def test_pauses_after_n_failures_until_reset(self, server, make_source, settings):
        """After SOURCE_MAX_FAILURES failures in a row the source pauses, says why, and waits."""
        settings.SOURCE_MAX_FAILURES = 3
        source = make_source(server.route("/500", Reply(b"oops", 500)))
        for _ in range(3):
            poll_due(all_sources=True)
        source.refresh_from_db()
        assert source.health() == "paused"
        assert "连续 3 次失败" in source.paused_reason and "HTTP 500" in source.paused_reason
        assert poll_due(all_sources=True) == []  # paused: not polled, not even with --all
        server.route("/500", Reply(good_feed()))
        reset(Source.objects.filter(pk=source.pk))
        [outcome] = poll_due()
        assert outcome.ok
        source.refresh_from_db()
        assert source.health() == "ok" and source.paused_reason == ""

    def test_retry_after_is_respected(self, server, make_source):
        """A 429 with Retry-After: 7200 puts the next poll at least two hours away."""
        source = make_source(
            server.route("/busy", Reply(status=429, headers={"Retry-After": "7200"})),
            max_interval=600,
        )
        before = timezone.now()
        poll_due()
        source.refresh_from_db()
        assert source.last_error_status == 429
        assert source.next_poll_at >= before + timedelta(seconds=7200)
        assert poll_due() == []

    def test_failures_back_off_within_bounds(self, server, make_source):
        """Each failure doubles the wait, never past the source's longest interval."""
        source = make_source(
            server.route("/500", Reply(b"", 503)), min_interval=60, max_interval=200
        )
        waits = []
        for _ in range(3):
            poll_due(all_sources=True)
            source.refresh_from_db()
            waits.append(source.poll_interval)
        assert waits == [120, 200, 200]

    def test_busy_feed_polled_often_quiet_feed_less(self, server, make_source):
        """Adaptive interval: a feed with an item a minute → about a minute; a daily one → the max."""
        now = timezone.now()
        busy = rss(
            [
                {"title": f"快{n}", "guid": f"b{n}", "pubDate": _rfc(now - timedelta(minutes=n))}
                for n in range(10)
            ]
        )
        quiet = rss(
            [
                {"title": f"慢{n}", "guid": f"q{n}", "pubDate": _rfc(now - timedelta(days=n + 1))}
                for n in range(5)
            ]
        )
        fast = make_source(
            server.route("/busy", Reply(busy)), name="忙", min_interval=60, max_interval=3600
        )
        slow = make_source(
            server.route("/quiet", Reply(quiet)), name="闲", min_interval=60, max_interval=3600
        )
        outcomes = poll_due()
        assert all(o.counts["created"] for o in outcomes), [str(o) for o in outcomes]
        fast.refresh_from_db()
        slow.refresh_from_db()
        assert fast.poll_interval == 60
        assert slow.poll_interval == 3600


def _rfc(moment):
    from email.utils import format_datetime

    return format_datetime(moment)


def test_json_without_the_list_is_a_clear_error(server, make_source):
    """A JSON answer without the preset's list names the missing path."""
    make_source(
        server.route("/other.json", Reply(as_json({"data": []}), content_type="application/json")),
        format="json",
        preset="eastmoney-media",
    )
    poll_due()
    assert "nodeList" in Source.objects.get().last_error


def test_broken_but_readable_feed_is_read(server, make_source):
    """An unescaped & and a bad end tag: feedparser reads the items anyway."""
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        + "<item><title>能读的条目</title><guid>r1</guid></item>".encode()
        + "<item><title>券商 & 基金</title><guid>r2</guid></itm></channel>".encode()
    )
    make_source(server.route("/broken.xml", Reply(body)))
    [outcome] = poll_due()
    assert outcome.ok and outcome.counts["created"] == 2
