"""Test settings: the shipped settings, changing only what tests need."""

from finews.settings import *  # noqa: F403
from finews.settings import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "finews-tests",
    }
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests read response.context, which a page served from the cache does not
# have; the page cache is on in tests/ops/test_page_cache.py, which tests it.
PAGE_CACHE_ENABLED = False
