"""Django's Redis cache, made to ride out a Redis outage (docs/deployment.md, "When Redis is
down").

While Redis cannot be reached, every read is a miss, `add` answers "stored" (so whoever asked
goes on to do the work: count the view, revalidate the page) and other writes are dropped;
readers get pages rendered from the database, a little slower, never an error. After a
failure the cache leaves Redis alone for RETRY_SECONDS (an option, default 5), so a dead or
hung server costs one attempt per interval and not one per call; then it tries again, and
resumes by itself when Redis is back.

`incr` alone cannot pretend: a counter that answers a made-up number would switch rate
limits off, so it raises `CacheUnavailable`, and `newsdesk.caching.counters` counts in the
database instead. `CacheUnavailable` is a `ValueError`, what Django raises for a missing key,
so callers that only handle that still take their missing-key path.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Per server, shared by the threads of a process (Django keeps one cache object per thread).
_down_until: dict[tuple[str, ...], float] = {}
_lock = threading.Lock()


class CacheUnavailable(ValueError):
    """The cache could not count: Redis is down."""


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = tuple(self._servers)

    def _try(self, call, *args, **kwargs):
        """Run `call` on Redis; raises CacheUnavailable while Redis is down."""
        if time.monotonic() < _down_until.get(self._location, 0):
            raise CacheUnavailable(f"Redis at {', '.join(self._location)} is down.")
        try:
            result = call(*args, **kwargs)
        except UNAVAILABLE as error:
            with _lock:
                if self._location not in _down_until:
                    logger.warning(
                        "Redis at %s is unavailable (%s): the cache misses, rate limits count "
                        "in the database, retrying every %s s.",
                        ", ".join(self._location),
                        error,
                        self.retry_seconds,
                    )
                _down_until[self._location] = time.monotonic() + self.retry_seconds
            raise CacheUnavailable(str(error)) from error
        if self._location in _down_until:
            with _lock:
                if _down_until.pop(self._location, None) is not None:
                    logger.warning("Redis at %s is back.", ", ".join(self._location))
        return result

    def _or(self, fallback, call, *args, **kwargs):
        try:
            return self._try(call, *args, **kwargs)
        except CacheUnavailable:
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._or(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        return self._try(super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(False, super().clear)
