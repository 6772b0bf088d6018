"""The hourly read counters behind 热门, in Redis or, without it, in Django's cache.

A counted read is one Redis round trip: a Lua script (atomic, run by its
SHA) checks the address's rate, sets the (browser, article) key with
``SET NX EX`` and, only if it was new, ``HINCRBY``s the article in the hash of
the current hour (hours since the epoch, UTC; each hour lies inside one
Beijing day), renews that hash's expiry and notes the hour in a set the fold
reads. Nothing here touches the database: unknown or unpublished article ids
are dropped by the fold (hot/fold.py), which checks them in bulk.

Without ``REDIS_URL`` the same steps use the cache (``add`` and ``incr``,
atomic on Redis, memcached and local memory). The local-memory cache belongs
to one process: counts reach the fold only when it runs in that process or
when ``CACHE_URL`` names a shared cache.
"""

import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("finews.hot")

PREFIX = "finews:hot"
HOURS_KEY = f"{PREFIX}:hours"

# KEYS: rate, seen, hour hash, hours set. ARGV: limit, article, dedup s, bucket s, hour.
COUNT_SCRIPT = """
local limit = tonumber(ARGV[1])
if limit > 0 then
  local n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('EXPIRE', KEYS[1], 60) end
  if n > limit then return -1 end
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[5])
return 1
"""

# Outcomes of record().
COUNTED, DUPLICATE, LIMITED = 1, 0, -1


def current_hour(now=None):
    return int((time.time() if now is None else now) // 3600)


def bucket_key(hour):
    return f"{PREFIX}:h:{hour}"


class RedisCounter:
    def __init__(self, url):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.script = self.client.register_script(COUNT_SCRIPT)

    def record(self, article_id, browser, address):
        hour = current_hour()
        keys = [
            f"{PREFIX}:rl:{address}:{int(time.time() // 60)}",
            f"{PREFIX}:seen:{browser}:{article_id}",
            bucket_key(hour),
            HOURS_KEY,
        ]
        args = [
            settings.HOT_BEACON_RATE_PER_MINUTE,
            article_id,
            settings.HOT_DEDUP_SECONDS,
            settings.HOT_BUCKET_SECONDS,
            hour,
        ]
        return int(self.script(keys=keys, args=args))

    def hours(self):
        return sorted(int(h) for h in self.client.smembers(HOURS_KEY))

    def read(self, hour):
        return _parse_counts(self.client.hgetall(bucket_key(hour)).items())

    def drop(self, hour):
        pipe = self.client.pipeline()
        pipe.delete(bucket_key(hour))
        pipe.srem(HOURS_KEY, hour)
        pipe.execute()


class CacheCounter:
    """The same counters in Django's cache: a counter per (hour, article) and a list of ids."""

    def record(self, article_id, browser, address):
        limit = settings.HOT_BEACON_RATE_PER_MINUTE
        if limit > 0:
            rate_key = f"{PREFIX}:rl:{address}:{int(time.time() // 60)}"
            cache.add(rate_key, 0, 120)
            if _incr(rate_key) > limit:
                return LIMITED
        if not cache.add(f"{PREFIX}:seen:{browser}:{article_id}", 1, settings.HOT_DEDUP_SECONDS):
            return DUPLICATE
        hour = current_hour()
        ttl = settings.HOT_BUCKET_SECONDS
        count_key = f"{PREFIX}:c:{hour}:{article_id}"
        if cache.add(count_key, 1, ttl):
            # First read of this article this hour: append it to the hour's list.
            cache.add(f"{PREFIX}:n:{hour}", 0, ttl)
            slot = _incr(f"{PREFIX}:n:{hour}")
            cache.set(f"{PREFIX}:i:{hour}:{slot}", article_id, ttl)
        else:
            _incr(count_key)
        return COUNTED

    def hours(self):
        now = current_hour()
        span = range(now - settings.HOT_BUCKET_SECONDS // 3600 - 1, now + 1)
        found = cache.get_many([f"{PREFIX}:n:{hour}" for hour in span])
        return sorted(int(key.rsplit(":", 1)[1]) for key in found)

    def _ids(self, hour):
        size = cache.get(f"{PREFIX}:n:{hour}") or 0
        slots = [f"{PREFIX}:i:{hour}:{n}" for n in range(1, size + 1)]
        return slots, set(cache.get_many(slots).values())

    def read(self, hour):
        _, ids = self._ids(hour)
        found = cache.get_many([f"{PREFIX}:c:{hour}:{a}" for a in ids])
        return _parse_counts((key.rsplit(":", 1)[1], n) for key, n in found.items())

    def drop(self, hour):
        slots, ids = self._ids(hour)
        cache.delete_many([f"{PREFIX}:n:{hour}", *slots, *(f"{PREFIX}:c:{hour}:{a}" for a in ids)])


def _incr(key):
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.add(key, 1, 120)
        return 1


def _parse_counts(pairs):
    """{article id: count} from stored pairs; anything malformed is left out."""
    counts = {}
    for article, n in pairs:
        try:
            article, n = int(article), int(n)
        except (TypeError, ValueError):
            continue
        if article > 0 and n > 0:
            counts[article] = n
    return counts


_redis_counters = {}


def counter():
    """The counter store of this configuration (one Redis client per URL and process)."""
    url = settings.REDIS_URL
    if not url:
        return CacheCounter()
    found = _redis_counters.get(url)
    if found is None:
        found = _redis_counters[url] = RedisCounter(url)
    return found
