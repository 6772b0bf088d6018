"""The anonymous page cache: whole responses stored per URL under the content version.

See articles/content_version.py for the version itself: a page is served from
the cache only while the token it was rendered under is current.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from articles.content_version import VERSION_KEY
from articles.content_version import current as current_version

PAGE_PREFIX = "finews:page"


def _excluded(path):
    prefixes = ["/" + settings.ADMIN_PATH, *settings.PAGE_CACHE_EXCLUDE]
    return any(path.startswith(prefix) for prefix in prefixes)


def _is_anonymous(request):
    # Anyone holding a session (editors, staff) gets a fresh page, and their
    # pages are never stored for others.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


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
            or not _is_anonymous(request)
            or _excluded(request.path)
        ):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not _is_anonymous(request):
                patch_vary_headers(response, ["Cookie"])
            return response

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
        cache.set(key, (version, response.status_code, list(response.items()), response.content))
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
