"""Requests refused before any view sees them, decided once for every route.

``RejectControlCharactersMiddleware``: a path or query string carrying NUL or
another control character is never a page of this site. PostgreSQL refuses NUL
in text (a lookup would answer 500), XML feeds and sitemaps cannot carry C0
controls, and log lines must not break on them.

``SafeMethodsMiddleware``: public pages are read-only. PUT, DELETE, POST and the
like get 405 Method Not Allowed with an ``Allow`` header instead of the CSRF
failure page (403), which would tell a client nothing true.
"""

import re

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed
from django.views.defaults import page_not_found

from finews.views import bad_request

# C0 controls, DEL and C1 controls. Tab, line feed and carriage return are
# tolerated in query values only (a pasted search may carry them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _has_control_characters(request):
    if _CONTROL.search(request.path):
        return "path"
    if request.META.get("QUERY_STRING"):
        # Decoded values: %00 is a NUL only once unquoted.
        for key, values in request.GET.lists():
            if _CONTROL.search(key) or any(_CONTROL_IN_VALUE.search(v) for v in values):
                return "query"
    return None


class RejectControlCharactersMiddleware:
    """404 for a path, 400 for a query string, with NUL or other control characters.

    Early in MIDDLEWARE (after the request log and the security headers), so
    no cache lookup, session or view ever handles such a request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _has_control_characters(request)
        if where == "path":
            return page_not_found(request, Http404("control character in the path"))
        if where == "query":
            return bad_request(request)
        return self.get_response(request)


def allowed_methods(view_func):
    """The methods a view answers, or None when only the view itself knows (the admin)."""
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        methods = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        return methods
    return ["GET", "HEAD"]


class SafeMethodsMiddleware:
    """405 with ``Allow`` for a method a public view does not answer.

    Placed before CsrfViewMiddleware, whose check would otherwise answer 403
    first. The admin answers its own methods (its forms post); a view that is
    csrf_exempt (a token-authenticated API) decides for itself; a class-based
    view is held to the methods it implements; every other public view
    (function views, feeds, sitemaps, old-URL redirects) is read-only.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or request.path_info.startswith(self.admin_prefix):
            return None
        if getattr(view_func, "csrf_exempt", False):
            return None
        allowed = allowed_methods(view_func)
        if request.method in allowed:
            return None
        return HttpResponseNotAllowed(allowed)
