"""The anonymous page cache: whole responses stored per URL under the content version.

See articles/content_version.py for the version itself: a page is served from
the cache only while the token it was rendered under is current, and for at
most ``PAGE_CACHE_MAX_AGE`` seconds (a renewal lost to an unreachable cache
cannot keep a page stale for longer).

Nothing a stranger can put in a request makes it skip the cache or fill it
with copies (issue 13 item 5):

- A session cookie bypasses the cache only when its session exists and is
  logged in; any other ``sessionid`` is dropped before the view runs, so the
  page comes from (and goes into) the cache and the cookie is not renewed.
- The query string is cut down to the parameters pages read
  (``PAGE_CACHE_QUERY_PARAMS``, the last value of each, in a fixed order)
  before the view runs: ``?utm_source=…`` or ``?x=<random>`` are ignored and
  share the plain URL's entry.
"""

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from articles.content_version import VERSION_KEY
from articles.content_version import current as current_version

PAGE_PREFIX = "finews:page"


def _excluded(path):
    prefixes = ["/" + settings.ADMIN_PATH, *settings.PAGE_CACHE_EXCLUDE]
    return any(path.startswith(prefix) for prefix in prefixes)


def _is_anonymous(request):
    """True unless the request holds a logged-in session (editors, staff, readers).

    Those get a fresh page, never stored for others. A cookie naming no such
    session is removed from the request: the view and the session middleware
    then see an anonymous visitor (nothing is set or renewed for it).
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if key is None:
        return True
    # One cache read with cached_db sessions (a primary-key query with db ones); for
    # a logged-in visitor the session middleware reads it once more.
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    if session.get(SESSION_KEY) is not None:
        return False
    request.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if name != settings.SESSION_COOKIE_NAME
    }
    return True


def _keep_read_parameters(request):
    """Cut the query string down to the parameters pages read; the view sees only those."""
    if not request.META.get("QUERY_STRING"):
        return
    kept = QueryDict(mutable=True)
    for name in sorted(set(request.GET) & set(settings.PAGE_CACHE_QUERY_PARAMS)):
        kept[name] = request.GET[name]  # the last value: the one .get() gives a view
    query = kept.urlencode()
    if query != request.META["QUERY_STRING"]:
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


def _etag(content):
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


def _not_modified(request, etag):
    return etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))


class PageCacheMiddleware:
    """Caches anonymous GET/HEAD 200 responses by URL under the content version.

    Applies to every public route (pages, feeds, sitemaps, JSON endpoints)
    without the views knowing; the admin and health checks are left out. Each
    answer carries an ETag, and a matching ``If-None-Match`` gets a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.PAGE_CACHE_ENABLED
            or request.method not in ("GET", "HEAD")
            or _excluded(request.path)
            or not _is_anonymous(request)
        ):
            response = self.get_response(request)
            if (
                request.method in ("GET", "HEAD")
                and settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                patch_vary_headers(response, ["Cookie"])
            return response

        _keep_read_parameters(request)
        # One entry per URL, holding the version it was rendered under: one
        # cache round trip answers both "what is current?" and "what is stored?".
        key = ":".join(
            [
                PAGE_PREFIX,
                hashlib.blake2b(request.build_absolute_uri().encode(), digest_size=16).hexdigest(),
            ]
        )
        found = cache.get_many([VERSION_KEY, key])
        version = current_version(found.get(VERSION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            _, status, headers, content = stored
            etag = dict(headers).get("ETag")
            if etag and _not_modified(request, etag):
                return self._not_modified(etag)
            response = self._rebuild(status, headers, content)
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if not self._storable(request, response):
            return response
        patch_vary_headers(response, ["Cookie"])
        if not response.has_header("ETag"):
            response["ETag"] = _etag(response.content)
        # Stored under the version read before rendering: if content changed
        # meanwhile, the entry is already stale and the next request renders.
        cache.set(
            key,
            (version, response.status_code, list(response.items()), response.content),
            settings.PAGE_CACHE_MAX_AGE,
        )
        response["X-Page-Cache"] = "miss"
        if _not_modified(request, response["ETag"]):
            return self._not_modified(response["ETag"])
        return response

    @staticmethod
    def _storable(request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that put a CSRF token in its HTML is someone's, not everyone's.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "no-cache" not in cache_control
        )

    @staticmethod
    def _rebuild(status, headers, content):
        response = HttpResponse(content, status=status)
        # The stored headers were a response's own (already checked and
        # encoded when first set): put them back without checking each again.
        response.headers._store.update((name.lower(), (name, value)) for name, value in headers)
        return response

    @staticmethod
    def _not_modified(etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        patch_vary_headers(response, ["Cookie"])
        return response
