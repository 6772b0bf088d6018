"""The read beacon: counted from cached pages, once per browser, never for bots, bounded per address."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hot.beacon import BEACON_PATH, in_front_of
from tests.factories import make_article
from tests.hot.helpers import BROWSER_UA, browser_id, pending_counts, send

pytestmark = pytest.mark.django_db


class TestCachedPageCounts:
    def test_cached_article_page_carries_the_beacon_and_it_counts(self, client, settings):
        """A page served from the page cache still has the beacon, and the beacon counts."""
        settings.PAGE_CACHE_ENABLED = True
        article = make_article(slug="hot-cached-page")
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
        hit = client.get(article.get_absolute_url())
        assert hit["X-Page-Cache"] == "hit"
        html = hit.content.decode()
        assert f'data-hot-beacon="/hot/beacon/" data-hot-article="{article.pk}"' in html
        assert "/static/js/hot.js" in html
        assert send(client, article.pk).status_code == 204
        assert send(client, article.pk, browser=2).status_code == 204
        assert pending_counts() == {article.pk: 2}

    def test_beacon_answers_are_never_cached(self, client, settings):
        """The beacon's answer is empty and says no-store, also with the page cache on."""
        settings.PAGE_CACHE_ENABLED = True
        response = send(client, 7)
        assert response.status_code == 204 and response.content == b""
        assert response["Cache-Control"] == "no-store"
        assert "X-Page-Cache" not in response

    def test_staff_preview_has_no_beacon(self, admin_client):
        """A staff preview of a draft sends no read."""
        draft = make_article(slug="hot-draft-preview", status="draft")
        response = admin_client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
        assert response.status_code == 200
        assert "预览" in response.content.decode()
        assert "data-hot-beacon" not in response.content.decode()


class TestDedup:
    def test_same_browser_counts_once_per_half_hour(self, client):
        """Reloading within 30 minutes counts once; after 30 minutes it counts again."""
        start = timezone.now().replace(minute=0, second=5, microsecond=0)
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(3):
                send(client, 41, browser=5)
            assert pending_counts() == {41: 1}
            clock.shift(timedelta(minutes=29))
            send(client, 41, browser=5)
            assert pending_counts() == {41: 1}
            clock.shift(timedelta(minutes=2))
            send(client, 41, browser=5)
            assert pending_counts() == {41: 2}

    def test_each_browser_and_each_article_counts(self, client):
        """Other browsers, and other articles in the same browser, count separately."""
        send(client, 41, browser=5)
        send(client, 41, browser=6)
        send(client, 42, browser=5)
        assert pending_counts() == {41: 2, 42: 1}

    def test_without_a_browser_id_the_address_and_agent_stand_in(self, client):
        """No localStorage id: one address with one User-Agent counts once."""
        send(client, 43, browser=None)
        send(client, 43, browser=None)
        send(client, 43, browser=None, agent=BROWSER_UA + " Edg/126.0")
        assert pending_counts() == {43: 2}


class TestBots:
    @pytest.mark.parametrize(
        "agent",
        [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            "python-requests/2.32.3",
            "curl/8.5.0",
            "",
        ],
    )
    def test_bots_get_204_and_do_not_count(self, client, agent):
        """A crawler, headless browser, HTTP library or empty User-Agent is answered, not counted."""
        assert send(client, 51, agent=agent).status_code == 204
        assert pending_counts() == {}


class TestRateLimit:
    def test_one_address_is_limited_per_minute(self, client, settings):
        """Beyond HOT_BEACON_RATE_PER_MINUTE an address's beacons are answered but not counted."""
        settings.HOT_BEACON_RATE_PER_MINUTE = 3
        with time_machine.travel(timezone.now().replace(second=1), tick=False) as clock:
            for n in range(6):
                assert send(client, 60 + n, browser=n, address="198.51.100.4").status_code == 204
            assert sum(pending_counts().values()) == 3
            send(client, 70, address="198.51.100.5")
            assert pending_counts().get(70) == 1
            clock.shift(timedelta(minutes=1))
            send(client, 71, browser=99, address="198.51.100.4")
            assert pending_counts().get(71) == 1


class TestBadInput:
    @pytest.mark.parametrize(
        "body",
        [
            "",
            "a=",
            "a=abc",
            "a=0",
            "a=-5",
            "a=0012",
            "a=1234567890123",
            "a=5&b=NOT-HEX-ID-NOT-HEX-ID",
            "a=5&b=abc",
            "b=" + browser_id(1),
            "a=5&a=6&a=7&a=8&a=9",
            "a=%E4%B8%AD",
            "x" * 300,
        ],
    )
    def test_malformed_beacons_are_400(self, client, body):
        """Malformed or oversized input is a 400 and counts nothing."""
        assert send(client, None, body=body).status_code == 400
        assert pending_counts() == {}

    def test_non_ascii_body_is_400(self, client):
        """Bytes that are not ASCII are a 400, not a traceback."""
        response = client.post(
            "/hot/beacon/", data="a=5中".encode("gb18030"), content_type="text/plain"
        )
        assert response.status_code == 400

    def test_get_is_405(self, client):
        """The beacon only accepts POST."""
        response = client.get("/hot/beacon/")
        assert response.status_code == 405 and response["Allow"] == "POST"

    def test_unknown_article_is_accepted_without_a_query(self, client, django_assert_num_queries):
        """An id that names no article costs no database query (the fold drops it)."""
        with django_assert_num_queries(0):
            assert send(client, 987654).status_code == 204


WSGI_BODY = b"a=5&b=" + browser_id(3).encode()


def _wsgi(app, method="POST", body=WSGI_BODY, agent=BROWSER_UA, **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": BEACON_PATH,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_USER_AGENT": agent,
        "REMOTE_ADDR": "203.0.113.7",
        **extra,
    }
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


class TestWsgiFrontDoor:
    def test_front_door_counts_without_django(self):
        """finews/wsgi.py answers the beacon path itself, with the same checks."""
        app = in_front_of(lambda environ, start: pytest.fail("Django was called"))
        status, headers, body = _wsgi(app)
        assert (status, body, headers["Cache-Control"]) == ("204 No Content", b"", "no-store")
        assert "Content-Length" not in headers
        assert pending_counts() == {5: 1}
        assert _wsgi(app, body=b"a=oops")[0] == "400 Bad Request"
        assert _wsgi(app, CONTENT_LENGTH="lots")[0] == "400 Bad Request"
        assert _wsgi(app, CONTENT_LENGTH="100000")[0] == "400 Bad Request"
        assert _wsgi(app, method="GET")[0] == "405 Method Not Allowed"
        assert _wsgi(app, agent="Googlebot/2.1", body=b"a=6")[0] == "204 No Content"
        assert pending_counts() == {5: 1}

    def test_other_paths_go_to_django(self):
        """Every other path is passed through untouched."""
        seen = []

        def django_app(environ, start_response):
            seen.append(environ["PATH_INFO"])
            start_response("200 OK", [])
            return [b"page"]

        status, _, body = _wsgi(in_front_of(django_app), method="GET", PATH_INFO="/hot/")
        assert (status, body, seen) == ("200 OK", b"page", ["/hot/"])
