"""Issue 13 items 5 and 6: the page cache cannot be bypassed or flooded, and a lost renewal is seen.

Item 5: a session cookie that names no logged-in session is served from the
cache (and not renewed); unknown query parameters share the plain URL's entry.
Item 6: when the content version cannot be written (the shared cache
unreachable) the editor is warned, the failure is logged as an error, the
renewal is written on the next request, and no stored page outlives
PAGE_CACHE_MAX_AGE. Two real instances: tests/ops/test_live.py.
"""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from django.utils import timezone

from articles import content_version
from articles.content_version import VERSION_KEY
from articles.models import Article
from ops import redis_cache
from ops.redis_cache import ResilientRedisCache
from tests.factories import make_article
from tests.roles import chief

pytestmark = pytest.mark.django_db

HOME = "/"
CHANGELIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def token():
    state = cache.get(VERSION_KEY)
    return state and state[0]


class TestSessionCookies:
    def test_bogus_session_cookie_is_served_from_the_cache(self, client, settings):
        """sessionid=bogus gets the cached page, and no cookie is set or renewed for it."""
        make_article(title="缓存页面BOGUSq51")
        assert client.get(HOME)["X-Page-Cache"] == "miss"
        client.cookies[settings.SESSION_COOKIE_NAME] = "bogus-session-q51"
        response = client.get(HOME)
        assert response["X-Page-Cache"] == "hit"
        assert "缓存页面BOGUSq51" in response.content.decode()
        assert settings.SESSION_COOKIE_NAME not in response.cookies

    def test_bogus_session_cookie_fills_the_cache_like_anyone(self, client, settings):
        """A first request with a bogus session renders as anonymous and is stored for others."""
        make_article(title="首个请求FIRSTq52")
        client.cookies[settings.SESSION_COOKIE_NAME] = "bogus-session-q52"
        first = client.get(HOME)
        assert first["X-Page-Cache"] == "miss"
        assert settings.SESSION_COOKIE_NAME not in first.cookies
        del client.cookies[settings.SESSION_COOKIE_NAME]
        assert client.get(HOME)["X-Page-Cache"] == "hit"

    def test_logged_in_session_still_bypasses(self, client):
        """A session that exists and is logged in gets a fresh page (never stored)."""
        make_article()
        client.get(HOME)
        client.force_login(chief())
        assert not client.get(HOME).has_header("X-Page-Cache")


class TestQueryParameters:
    @pytest.mark.parametrize("extra", ["utm_source=weixin", "x=r4nd0m-q53", "x=1&x=2&fbclid=z"])
    def test_unknown_parameters_share_the_plain_entry(self, client, extra):
        """?utm_source=… or ?x=<random> is served the plain URL's stored page."""
        make_article(title="同一条目SAMEq53")
        assert client.get(HOME)["X-Page-Cache"] == "miss"
        response = client.get(f"{HOME}?{extra}")
        assert response["X-Page-Cache"] == "hit"
        assert "r4nd0m-q53" not in response.content.decode()

    def test_parameters_pages_read_still_make_their_own_entry(self, client):
        """The search's q keys its page; an extra parameter beside it is ignored."""
        make_article(title="银行新闻BANKq54")
        make_article(title="基金新闻FUNDq54")
        bank = client.get("/search/?q=银行")
        assert bank["X-Page-Cache"] == "miss"
        assert "BANKq54" in bank.content.decode()  # the query words are highlighted
        fund = client.get("/search/?q=基金")
        assert fund["X-Page-Cache"] == "miss"
        assert "BANKq54" not in fund.content.decode()
        again = client.get("/search/?utm_medium=feed&q=银行")
        assert again["X-Page-Cache"] == "hit"
        assert "BANKq54" in again.content.decode()

    def test_repeated_parameter_keeps_the_value_the_page_reads(self, client):
        """?q=a&q=b is the page for b (what the view reads), stored once."""
        make_article(title="基金新闻FUNDq55")
        first = client.get("/search/?q=银行&q=基金")
        assert "FUNDq55" in first.content.decode()
        assert client.get("/search/?q=基金")["X-Page-Cache"] == "hit"


class FlakyCache(LocMemCache):
    """A local cache that, while ``down``, answers like ops/redis_cache.py with Redis gone."""

    down = False

    def get(self, key, default=None, version=None):
        return default if self.down else super().get(key, default, version)

    def set(self, key, value, timeout=None, version=None, **kwargs):
        if not self.down:
            super().set(key, value, timeout if timeout is not None else 300, version)

    def set_or_raise(self, key, value, timeout=None, version=None):
        if self.down:
            raise ConnectionError("flaky-cache-q6 unreachable")
        super().set(key, value, timeout, version)


@pytest.fixture
def flaky(settings, monkeypatch):
    settings.CACHES = {
        "default": {"BACKEND": "tests.ops.test_hardening_cache.FlakyCache", "LOCATION": "flaky-q6"}
    }
    monkeypatch.setattr(FlakyCache, "down", False)
    # The flag is the process's; this test's failures must not outlive it.
    monkeypatch.setattr(content_version, "_pending", None)
    cache.clear()
    yield FlakyCache
    cache.clear()


class TestLostRenewal:
    def test_withdraw_while_cache_down_warns_logs_and_renews_later(self, client, flaky, caplog):
        """The editor is warned, an error is logged, and the next request renews the version."""
        article = make_article(title="撤下之前WITHDRAWq61")
        content_version.current()
        before = token()
        client.force_login(chief())
        flaky.down = True
        with caplog.at_level(logging.ERROR, logger="finews.cache"):
            response = client.post(
                CHANGELIST_URL,
                {"action": "withdraw", "_selected_action": [article.pk], "index": "0"},
                follow=True,
            )
        page = response.content.decode()
        assert "未能通知缓存服务器" in page
        assert "最多 60 秒" in page
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert "content version not renewed" in errors[0].getMessage()
        assert "flaky-cache-q6 unreachable" in errors[0].getMessage()
        assert content_version.pending()
        article.refresh_from_db()
        assert article.status == Article.Status.WITHDRAWN

        flaky.down = False
        assert token() == before  # the shared version still says nothing changed
        client.logout()
        client.get(HOME)  # any request renews the pending version
        assert token() != before
        assert not content_version.pending()

    def test_save_with_cache_up_gives_no_warning(self, client, flaky):
        """With the cache reachable the editor sees no such warning."""
        article = make_article()
        client.force_login(chief())
        response = client.post(
            CHANGELIST_URL,
            {"action": "withdraw", "_selected_action": [article.pk], "index": "0"},
            follow=True,
        )
        assert "未能通知缓存服务器" not in response.content.decode()
        assert not content_version.pending()

    def test_stale_page_on_another_host_lives_at_most_max_age(self, client, flaky, settings):
        """A host that missed the renewal serves the old page no longer than PAGE_CACHE_MAX_AGE."""
        article = make_article(title="旧页面STALEq62")
        assert "旧页面STALEq62" in client.get(HOME).content.decode()
        flaky.down = True
        article.status = Article.Status.WITHDRAWN
        article.save()
        flaky.down = False
        # Another host: it had no failure of its own, so nothing is pending there.
        content_version._pending = None
        stale = client.get(HOME)
        assert stale["X-Page-Cache"] == "hit"
        assert "旧页面STALEq62" in stale.content.decode()
        later = timezone.now() + timedelta(seconds=settings.PAGE_CACHE_MAX_AGE + 1)
        with time_machine.travel(later, tick=False):
            fresh = client.get(HOME)
        assert fresh["X-Page-Cache"] == "miss"
        assert "旧页面STALEq62" not in fresh.content.decode()


class TestResilientRedisStrictWrite:
    def test_set_or_raise_raises_and_pauses(self, monkeypatch):
        """The version's write raises when Redis is unreachable, and at once during the pause."""
        monkeypatch.setattr(ResilientRedisCache, "_paused_until", {})
        backend = ResilientRedisCache(
            "redis://127.0.0.1:1/0",
            {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
        )
        with pytest.raises(redis_cache.CACHE_ERRORS):
            backend.set_or_raise("k", "v")
        with pytest.raises(redis_cache.CACHE_ERRORS, match="left alone"):
            backend.set_or_raise("k", "v")
