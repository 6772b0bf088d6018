"""Failure answers without real outages (the real ones are in test_processes.py)."""

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from ops import redis_cache as ops_cache
from ops.redis_cache import ResilientRedisCache


def _db_down(request):
    raise OperationalError("could not connect to server: db-host-9931 refused")


def _db_gone(request):
    raise InterfaceError("connection already closed")


urlpatterns = [
    path("down/", _db_down),
    path("gone/", _db_gone),
    path("ok/", lambda request: HttpResponse("ok")),
]
handler500 = "finews.views.server_error"


@override_settings(ROOT_URLCONF="tests.ops.test_failure_inprocess")
@pytest.mark.parametrize("url", ["/down/", "/gone/"])
def test_database_errors_become_the_styled_503(client, url):
    """A lost database gives the Chinese 503 page with Retry-After, no traceback."""
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "服务暂时不可用" in page
    assert '<html lang="zh-CN">' in page
    assert "db-host-9931" not in page
    assert "Traceback" not in page


@pytest.fixture(autouse=True)
def _no_cache_pause(monkeypatch):
    monkeypatch.setattr(ResilientRedisCache, "_paused_until", {})


def test_redis_down_gives_misses_not_errors(monkeypatch):
    """With nothing listening, every cache operation answers like an empty cache."""
    monkeypatch.setattr(ops_cache, "PAUSE_AFTER_ERROR", 0.0)
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    assert cache.get("k") is None
    assert cache.get("k", "fallback-7") == "fallback-7"
    assert cache.set("k", "v") is None
    assert cache.add("k", "v") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    assert cache.get_or_set("k", "computed-8") == "computed-8"
    assert cache.touch("k") is False
    cache.delete_many(["a"])
    cache.clear()


def test_after_an_error_redis_is_left_alone_for_a_pause():
    """A failing Redis is not asked again during the pause: misses come at once."""
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    assert cache.get("k") is None  # the real attempt, refused

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"Redis was called during the pause ({name})")

    cache._cache = Untouchable()
    assert cache.get("k", "miss-3318") == "miss-3318"
    assert cache.set("k", "v") is None
    ResilientRedisCache._paused_until.clear()
    with pytest.raises(AssertionError, match="during the pause"):
        cache.get("k")


class _SessionSaveFails:
    """A middleware that loses the database after the view, as a session save would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("server closed the connection unexpectedly 4471")


@override_settings(
    ROOT_URLCONF="tests.ops.test_failure_inprocess",
    MIDDLEWARE=[
        "ops.middleware.RequestLogMiddleware",
        "tests.ops.test_failure_inprocess._SessionSaveFails",
        "ops.middleware.DatabaseUnavailableMiddleware",
    ],
)
def test_database_error_outside_a_view_is_a_503_too(client):
    """A database error raised by a middleware still gives the styled 503, not the 500 page."""
    client.raise_request_exception = False
    response = client.get("/ok/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert "4471" not in response.content.decode()
