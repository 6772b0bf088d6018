"""The read beacon: ``POST /hot/beacon/`` with ``a=<article id>&b=<browser id>``.

Sent by static/js/hot.js from the article page (``navigator.sendBeacon``), so
a page served from the page cache still counts. The answer is always quick
and empty: 204 when the input is well formed (counted or not: a bot, a repeat
within ``HOT_DEDUP_SECONDS``, an address over its rate, a counter store that
is down), 400 when it is not, 405 for another method. No database query:
unknown, draft or withdrawn ids are dropped by the fold.

Two doors, one check: ``beacon_app`` is a bare WSGI app that finews/wsgi.py
puts in front of Django for this one path (gunicorn serves thousands a
second per core that way), and ``beacon`` is the same thing as a Django view
(runserver, the test client).
"""

import hashlib
import logging
import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from finews.auth import client_ip
from hot.counter import counter

logger = logging.getLogger("finews.hot")

BEACON_PATH = "/hot/beacon/"
MAX_BODY = 256
ARTICLE_ID = re.compile(r"[1-9][0-9]{0,11}")
BROWSER_ID = re.compile(r"[0-9a-f]{16,64}")
# Crawlers, previewers, headless browsers and HTTP libraries say so in their
# User-Agent; a browser's never contains these words. No User-Agent: not a browser.
BOT_AGENT = re.compile(
    r"bot|spider|crawl|slurp|headless|phantom|lighthouse|preview|externalhit|scrap"
    r"|fetch|monitor|feed|python|curl|wget|java/|go-http|okhttp|libwww|httpclient|axios",
    re.IGNORECASE,
)
NO_STORE = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
_last_error = [0.0]


def is_bot(user_agent):
    return not user_agent or BOT_AGENT.search(user_agent) is not None


def handle(meta, body):
    """Check and count one beacon; the HTTP status to answer (204 or 400)."""
    try:
        fields = parse_qs(body.decode("ascii"), strict_parsing=True, max_num_fields=4)
    except (UnicodeDecodeError, ValueError):
        return 400
    article = fields.get("a", [""])[-1]
    browser = fields.get("b", [""])[-1]
    if not ARTICLE_ID.fullmatch(article) or (browser and not BROWSER_ID.fullmatch(browser)):
        return 400
    agent = meta.get("HTTP_USER_AGENT", "")
    if is_bot(agent):
        return 204
    address = client_ip(SimpleNamespace(META=meta)) or "-"
    if not browser:
        # No storage in this browser: its address and User-Agent stand in for it.
        browser = hashlib.blake2b(f"{address} {agent}".encode(), digest_size=12).hexdigest()
    try:
        counter().record(int(article), browser, address)
    except Exception as exc:  # a counter store that is down loses this read, nothing more
        now = time.monotonic()
        if now - _last_error[0] > 10:
            _last_error[0] = now
            logger.warning("read not counted: %s: %s", type(exc).__name__, exc)
    return 204


def _read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY:
        return None
    return environ["wsgi.input"].read(length) if length else b""


_REASONS = {204: "204 No Content", 400: "400 Bad Request", 405: "405 Method Not Allowed"}


def beacon_app(environ, start_response):
    """The beacon as a bare WSGI app (finews/wsgi.py sends BEACON_PATH here)."""
    headers = list(NO_STORE)
    if environ.get("REQUEST_METHOD") != "POST":
        status = 405
        headers.append(("Allow", "POST"))
    else:
        body = _read_body(environ)
        status = 400 if body is None else handle(environ, body)
    if status != 204:  # a 204 carries no Content-Length (RFC 9110 8.6)
        headers.append(("Content-Length", "0"))
    start_response(_REASONS[status], headers)
    return [b""]


def in_front_of(django_app):
    """A WSGI app answering BEACON_PATH itself and passing every other path to Django."""

    def application(environ, start_response):
        if environ.get("PATH_INFO") == BEACON_PATH:
            return beacon_app(environ, start_response)
        return django_app(environ, start_response)

    return application


@csrf_exempt
def beacon(request):
    """The beacon as a Django view, where finews/wsgi.py is not in front (runserver, tests)."""
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
    else:
        length = request.META.get("CONTENT_LENGTH") or "0"
        too_big = not length.isdigit() or int(length) > MAX_BODY
        response = HttpResponse(status=400 if too_big else handle(request.META, request.body))
    for name, value in NO_STORE:
        response[name] = value
    return response
