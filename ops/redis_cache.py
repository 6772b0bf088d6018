"""A Redis cache that degrades to a miss when Redis is unreachable.

Selected in settings when REDIS_URL is set. Every caller of
``django.core.cache`` (page cache, sessions, views) gets the fault tolerance
for free: a connection error or timeout is logged (at most once per
``LOG_EVERY`` seconds per process) and the operation answers as if the cache
were empty, so the page is built from the database instead of failing.
The one exception is ``set_or_raise()``, for the content version's token,
whose loss must be known.

After an error the process leaves Redis alone for ``PAUSE_AFTER_ERROR``
seconds (answering misses at once), so a Redis that hangs rather than refuses
costs one socket timeout per pause, not one per cache call.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("finews.cache")

CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY = 10.0
PAUSE_AFTER_ERROR = 5.0


def _degrade(fallback):
    """Wrap a cache method: on a connection error log and return ``fallback(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < ResilientRedisCache._paused_until.get(self._location, 0.0):
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as exc:
                ResilientRedisCache._paused_until[self._location] = (
                    time.monotonic() + PAUSE_AFTER_ERROR
                )
                self._log_error(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty_dict(*args, **kwargs):
    return {}


def _all_keys_failed(data, *args, **kwargs):
    return list(data)


def _delta(key, delta=1, *args, **kwargs):
    return delta


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and each one
    copies redis-py's table of ~170 response callbacks: about a fifth of the
    CPU of a page-cache hit. A ``redis.Redis`` is safe to share between threads
    (connections come from the pool), so one per pool is kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0
    # Per Redis location, shared by every thread's cache instance in the process.
    _paused_until: dict = {}

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._location = str(server)

    def _log_error(self, operation, exc):
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= LOG_EVERY:
            ResilientRedisCache._last_logged = now
            logger.warning(
                "cache unavailable, serving without it (%s): %s: %s",
                operation,
                type(exc).__name__,
                exc,
            )

    get = _degrade(_default)(RedisCache.get)
    set = _degrade(_nothing)(RedisCache.set)
    add = _degrade(_false)(RedisCache.add)
    touch = _degrade(_false)(RedisCache.touch)
    delete = _degrade(_false)(RedisCache.delete)
    has_key = _degrade(_false)(RedisCache.has_key)
    get_many = _degrade(_empty_dict)(RedisCache.get_many)
    set_many = _degrade(_all_keys_failed)(RedisCache.set_many)
    delete_many = _degrade(_nothing)(RedisCache.delete_many)
    incr = _degrade(_delta)(RedisCache.incr)
    clear = _degrade(_false)(RedisCache.clear)

    def set_or_raise(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """``set()`` that raises when Redis cannot be reached, for a write whose loss matters.

        The content version (articles/content_version.py) must know when its new
        token was not stored. During the pause after an error it fails at once.
        """
        if time.monotonic() < ResilientRedisCache._paused_until.get(self._location, 0.0):
            raise RedisConnectionError("Redis left alone after a recent error")
        try:
            return RedisCache.set(self, key, value, timeout, version)
        except CACHE_ERRORS:
            ResilientRedisCache._paused_until[self._location] = time.monotonic() + PAUSE_AFTER_ERROR
            raise
