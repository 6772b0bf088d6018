"""One log line per request, with a request id that is also a response header."""

import json
import logging
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from ops.logging import JsonFormatter, RequestIdFilter
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _boom(request):
    raise ValueError("kaputt-ops-7731")


# The clock RequestLogMiddleware reads, frozen; only the view below moves it.
_clock = [1000.0]


def _takes_a_quarter_second(request):
    _clock[0] += 0.25
    return HttpResponse("langsam-ops-2204")


urlpatterns = [path("boom/", _boom), path("slow/", _takes_a_quarter_second)]
with_boom = override_settings(ROOT_URLCONF="tests.ops.test_logging")


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "finews.request"]


def test_each_request_logs_one_line(client, caplog):
    """A page view logs method, path, status and duration once, under its id."""
    article = make_article()
    logger = logging.getLogger("finews.request")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="finews.request"):
            response = client.get(article.get_absolute_url())
    finally:
        logger.removeHandler(caplog.handler)
    records = _request_records(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.method == "GET"
    assert record.path == article.get_absolute_url()
    assert record.status == 200
    assert response["X-Request-ID"] and len(response["X-Request-ID"]) == 32


@with_boom
def test_duration_is_the_time_the_view_took(client, caplog, monkeypatch):
    """duration_ms is the time spent handling the request, in milliseconds."""
    monkeypatch.setattr("ops.middleware.time", SimpleNamespace(monotonic=lambda: _clock[0]))
    logger = logging.getLogger("finews.request")  # it does not propagate to caplog's root
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="finews.request"):
            response = client.get("/slow/")
    finally:
        logger.removeHandler(caplog.handler)
    assert response.content == b"langsam-ops-2204"
    (record,) = _request_records(caplog)
    assert record.duration_ms == 250.0
    assert record.getMessage() == "GET /slow/ 200 250.0ms"


def test_sane_incoming_request_id_is_kept(client):
    """An X-Request-ID from the proxy is reused, so nginx and app lines match."""
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert response["X-Request-ID"] == "nginx-4f2a9c"


@pytest.mark.parametrize("bad", ["has space", "x" * 200, "a\tb", "<script>", ""])
def test_insane_request_id_is_replaced(client, bad):
    """An id that could forge log lines or headers is replaced by a fresh one."""
    response = client.get("/healthz", headers={"X-Request-ID": bad})
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


@with_boom
def test_error_logged_with_traceback_never_shown(client, caplog):
    """A crashing view: the reader gets the plain 500 page, the log the traceback."""
    client.raise_request_exception = False
    logger = logging.getLogger("django.request")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = client.get("/boom/", headers={"X-Request-ID": "req-boom-1"})
    finally:
        logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page
    assert "kaputt-ops-7731" not in page
    assert "Traceback" not in page
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert errors and errors[0].exc_info
    assert "kaputt-ops-7731" in str(errors[0].exc_info[1])
    # The traceback line carries the request id of the failing request.
    RequestIdFilter().filter(errors[0])
    assert errors[0].request_id == "req-boom-1"


def test_json_format_is_one_object_per_line():
    """LOG_FORMAT=json writes one parseable JSON object with the request fields."""
    record = logging.LogRecord(
        "finews.request", logging.INFO, __file__, 1, "GET %s 200", ("/news/x/",), None
    )
    record.status = 200
    record.path = "/news/x/"
    record.request_id = "abc"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET /news/x/ 200"
    assert entry["status"] == 200
    assert entry["request_id"] == "abc"
    assert entry["level"] == "INFO"


def test_json_format_keeps_the_traceback_inside_the_line():
    """A logged exception stays one line: the traceback is a JSON string field."""
    try:
        raise ValueError("json-trace-5521")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "boom", (), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "json-trace-5521" in json.loads(line)["traceback"]
