"""Error handlers that render the site's own pages without touching the database."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError
from django.template import loader


def _render(template_name, response_class):
    def handler(request, *args, **kwargs):
        body = loader.get_template(template_name).render({"SITE_NAME": settings.SITE_NAME})
        return response_class(body)

    return handler


bad_request = _render("400.html", HttpResponseBadRequest)
permission_denied = _render("403.html", HttpResponseForbidden)
_server_error = _render("500.html", HttpResponseServerError)


def server_error(request, *args, **kwargs):
    """The 500 page; the styled 503 when the error is a lost database connection.

    Views' database errors are answered by ops.middleware.DatabaseUnavailableMiddleware;
    this covers the ones raised outside a view (a middleware saving a session, say).
    """
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        from ops.middleware import service_unavailable

        return service_unavailable(request)
    return _server_error(request, *args, **kwargs)
