"""The reader pages' request-scoped shortcut (settings.MIDDLEWARE names it)."""

from django.urls import get_script_prefix, get_urlconf

from articles.slug_urls import URL_SCOPE


class URLScopeMiddleware:
    """Reads the request's URLconf and script prefix once, for ``slug_urls.url_scope()``.

    Last in ``MIDDLEWARE``: by then every other middleware has run its request
    half, so ``request.urlconf``, if one of them set it, is the URLconf Django
    resolves and reverses this request with (django.core.handlers.base
    ``_get_response``); else the one Django set for every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        urlconf = request.urlconf if hasattr(request, "urlconf") else get_urlconf()
        token = URL_SCOPE.set((urlconf, get_script_prefix()))
        try:
            return self.get_response(request)
        finally:
            URL_SCOPE.reset(token)
