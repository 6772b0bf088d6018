"""Request logging, the answer given while the database is down, lazy message storage."""

import logging
import re
import secrets
import time

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.functional import SimpleLazyObject, empty
from simple_history import middleware as simple_history_middleware

from ops.guards import SAFE_METHODS
from ops.logging import request_id_var

request_logger = logging.getLogger("finews.request")
db_logger = logging.getLogger("finews.ops")

# An incoming X-Request-ID (from nginx or a load balancer) is kept only when it
# cannot forge log lines or headers: short, printable, no spaces.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")

RETRY_AFTER_SECONDS = 30


class RequestLogMiddleware:
    """One log line per request: id, method, path, status, duration.

    Put it first in MIDDLEWARE so the duration covers the whole stack and the
    status is the one the reader got. The id comes from X-Request-ID when sane,
    otherwise it is generated, and it is sent back in X-Request-ID.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not request.headers: that would build a dict of every header per request.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # 32 random hex digits, as uuid4().hex without its UUID object and version bits.
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            status = response.status_code
            level = logging.WARNING if status >= 500 else logging.INFO
            request_logger.log(
                level,
                "%s %s %s %sms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class HistoryRequestMiddleware:
    """django-simple-history's request middleware, for the requests that can change data.

    It keeps the request where ``HistoricalRecords`` finds who made a change
    (an asgiref ``Local``: a set and a delete on every request). A GET, HEAD
    or OPTIONS changes nothing here (ops.guards.SafeMethodsMiddleware keeps
    the public pages read-only; the admin changes data only on POST), so
    those requests skip it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.recording = simple_history_middleware.HistoryRequestMiddleware(get_response)

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        return self.recording(request)


def service_unavailable(request=None):
    """The site's styled 503 page; renders without the database."""
    body = loader.get_template("503.html").render({"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged already as a warning with the cause; Django would add an ERROR line.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers the styled 503, not a 500.

    Connection-level errors only (OperationalError, InterfaceError): the reader
    is told to come back, the log gets one warning line per request, and
    CONN_HEALTH_CHECKS makes the next request open a fresh connection, so the
    site recovers by itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            db_logger.warning(
                "database unavailable for %s %s: %s: %s",
                request.method,
                request.path,
                type(exception).__name__,
                str(exception).strip().splitlines()[0] if str(exception).strip() else "",
            )
            return service_unavailable(request)
        return None


class LazyMessageMiddleware(MessageMiddleware):
    """Django's ``MessageMiddleware``, building a request's message storage when it is used.

    Django builds the storage on every request: a cookie store with its signer
    and a session store, through ``import_string`` and a dozen settings reads.
    Reader pages never add or show a message; the admin does. The storage is
    built the first time something adds or reads a message (``messages.add_message``,
    ``get_messages``, the admin's templates), and saved into the response only then.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if type(messages) is SimpleLazyObject and messages._wrapped is empty:
            return response  # nothing read or added: nothing to store
        return super().process_response(request, response)
