"""The embedded default's caches: Django's in-process cache, pickling only what could change.

LocMemCache pickles every value it stores and unpickles it on every read, so that a caller
changing what it got cannot change the cache. A value that cannot be changed (a string, a
number, a tuple or frozenset of such: kept HTML with its mark and tags) needs no such copy,
and a page-cache miss reads a dozen of them. `MemoryCache` keeps those as they are and
pickles the rest (model instances, lists); `UnpickledMemoryCache`, the page cache's, keeps
every value as it is: its entries are never changed once stored, and unpickling a whole page
was a fifth of the cost of a hit. Everything else (size limit, culling, expiry, one store per
LOCATION) is LocMemCache's.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

SCALARS = (str, bytes, int, float, complex, type(None))


def immutable(value) -> bool:
    if isinstance(value, SCALARS):
        return True
    if isinstance(value, tuple | frozenset):
        return all(immutable(item) for item in value)
    return False


class Pickled:
    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


class MemoryCache(LocMemCache):
    def encode(self, value):
        return value if immutable(value) else Pickled(pickle.dumps(value, self.pickle_protocol))

    @staticmethod
    def decode(stored):
        return pickle.loads(stored.data) if type(stored) is Pickled else stored  # noqa: S301 - ours

    def validate_key(self, key):
        """No check per character of every key: that is for memcached, which is not used."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        stored = self.encode(value)
        with self._lock:
            if self._has_expired(key):
                self._set(key, stored, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            stored = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return self.decode(stored)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        stored = self.encode(value)
        with self._lock:
            self._set(key, stored, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self.decode(self._cache[key]) + delta
            self._cache[key] = self.encode(value)
            self._cache.move_to_end(key, last=False)
        return value


class UnpickledMemoryCache(MemoryCache):
    def encode(self, value):
        return value
