"""The per-request shortcuts (prebuilt CSP header, shared Redis client, remembered static
URLs) change no answer."""

import json
import socket
import uuid

import pytest
from csp.constants import NONE, SELF
from csp.utils import build_policy
from django.conf import settings
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from finews.storage import ManifestStaticStorage
from ops.redis_cache import ResilientRedisCache
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_page_carries_django_csp_policy(client):
    """Every page's Content-Security-Policy is exactly the policy django-csp builds from settings."""
    make_article(slug="csp-check")
    for url in ("/", "/news/csp-check/", "/robots.txt"):
        assert client.get(url)["Content-Security-Policy"] == build_policy()


def test_changed_policy_is_sent_at_once(client):
    """A changed CONTENT_SECURITY_POLICY setting is used from the next response on, not the old string."""
    client.get("/")
    strict = {"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF, "https://img.example"]}}
    with override_settings(CONTENT_SECURITY_POLICY=strict):
        header = client.get("/")["Content-Security-Policy"]
    assert "img.example" in header and "script-src" not in header
    assert "img.example" not in client.get("/")["Content-Security-Policy"]


def test_cache_hit_carries_the_policy(client, settings):
    """A page served from the page cache carries the Content-Security-Policy too."""
    settings.PAGE_CACHE_ENABLED = True
    client.get("/")
    hit = client.get("/")
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Security-Policy"] == build_policy()


def _redis_up():
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_redis_client_is_reused_and_works():
    """One redis.Redis per connection pool serves every call, and values round-trip."""
    # A prefix of this run's own: CI runs the SQLite and PostgreSQL suites side by side.
    prefix = f"finews-test-fast-{uuid.uuid4().hex}"
    cache = ResilientRedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": prefix})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    cache.set("k", {"v": "值"})
    assert cache.get("k") == {"v": "值"}
    assert cache.get_many(["k", "missing"]) == {"k": {"v": "值"}}
    cache.delete("k")
    assert cache.get("k") is None


def test_cache_hit_has_the_miss_headers(client, settings):
    """A page served from the page cache carries every header the rendered page had."""
    settings.PAGE_CACHE_ENABLED = True
    make_article(slug="hit-headers")
    miss = client.get("/news/hit-headers/")
    hit = client.get("/news/hit-headers/")
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    skip = {"x-page-cache", "x-request-id"}
    assert {k: v for k, v in miss.items() if k.lower() not in skip} == {
        k: v for k, v in hit.items() if k.lower() not in skip
    }
    assert hit.content == miss.content
    assert hit["Content-Type"] == "text/html; charset=utf-8"


def test_request_id_is_kept_or_made(client):
    """A sane incoming X-Request-ID is echoed back; a forged one is replaced."""
    assert client.get("/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    forged = client.get("/", HTTP_X_REQUEST_ID="bad id\nX-Evil: 1")["X-Request-ID"]
    assert forged != "bad id\nX-Evil: 1" and len(forged) == 32


def _manifest_storage(tmp_path, paths):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": paths, "hash": "x"}), encoding="utf-8"
    )
    return ManifestStaticStorage(location=str(tmp_path), base_url="/static/")


def test_static_url_is_the_manifest_url_every_time(tmp_path, settings):
    """The production storage gives the hashed URL WhiteNoise's storage gives, asked once or often."""
    settings.DEBUG = False
    paths = {"css/site.css": "css/site.0123abcd.css", "js/a b.js": "js/a b.99.js"}
    storage = _manifest_storage(tmp_path, paths)
    plain = CompressedManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    for name in (*paths, *paths):
        assert storage.url(name) == plain.url(name)
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_static_url_of_a_missing_file_still_fails(tmp_path, settings):
    """A name missing from the manifest raises each time, as WhiteNoise's storage does."""
    settings.DEBUG = False
    storage = _manifest_storage(tmp_path, {"css/site.css": "css/site.0123abcd.css"})
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_pages_are_chinese_whatever_language_the_browser_asks_for(client, admin_client):
    """One language: an English browser gets the same page, and caches keep one copy."""
    make_article(slug="one-language", title="只有中文ONELANGq")
    chinese = client.get("/news/one-language/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    english = client.get("/news/one-language/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english.status_code == 200
    assert english.content == chinese.content
    assert "只有中文ONELANGq" in english.content.decode()
    assert "Accept-Language" not in english.get("Vary", "")
    admin = admin_client.get(f"/{settings.ADMIN_PATH}", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert (
        "内容管理" in admin.content.decode() and "Site administration" not in admin.content.decode()
    )


@pytest.mark.parametrize(
    ("method", "kept"), [("get", False), ("head", False), ("post", True), ("delete", True)]
)
def test_history_sees_the_request_only_when_it_can_change_data(rf, method, kept):
    """simple_history finds the request (who made a change) during a POST or DELETE, never after."""
    from simple_history.models import HistoricalRecords

    from ops.middleware import HistoryRequestMiddleware

    seen = []

    def view(request):
        seen.append(getattr(HistoricalRecords.context, "request", None))
        return "answer"

    request = getattr(rf, method)("/anything/")
    assert HistoryRequestMiddleware(view)(request) == "answer"
    assert seen == [request if kept else None]
    assert getattr(HistoricalRecords.context, "request", None) is None


def test_template_static_urls_follow_a_changed_setting(settings):
    """{{ static() }} remembers a file's URL, and forgets it when the settings change."""
    from finews.jinja2 import static

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.DEBUG = False
    settings.STATIC_URL = "/static-one/"
    assert static("css/site.css") == "/static-one/css/site.css"
    assert static("css/site.css") == "/static-one/css/site.css"
    settings.STATIC_URL = "/static-two/"
    assert static("css/site.css") == "/static-two/css/site.css"
