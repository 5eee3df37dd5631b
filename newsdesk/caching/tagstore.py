"""Purge marks per tag, so that purging a tag costs the same however many pages carry it.

A purge takes the next number of a global sequence and writes it beside each of its tags. A
cached response remembers the sequence number read before it was rendered (its mark) and is
fresh only while none of its tags has a higher purge number: a purge that lands while a page
is being rendered outdates that page too, so a response built from the old state is never
stored as fresh. A hard purge (something taken down) also stops stale copies being served
when the site is failing.

Two stores, chosen by the page cache's backend:

- `CacheTagStore`, in the same shared cache as the pages (Redis): one key per tag.
- `FileTagStore`, for the in-process cache of the embedded default: gunicorn's workers, the
  task worker and management commands each have their own memory, so purges go through a
  small memory-mapped file that all of them share. Tags are hashed into a fixed table; two
  tags sharing a slot only ever cost an extra miss.
"""

import fcntl
import hashlib
import mmap
import os
import secrets
import struct
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

Mark = tuple[int, int]  # (store generation, sequence number)
TAG_TIMEOUT = 3 * 24 * 3600  # longer than any page stays in the cache, stale copies included


class CacheTagStore:
    """Purge numbers in a shared Django cache (Redis): `tag:<name>` and `hard:<name>` keys."""

    SEQUENCE = "tags:sequence"

    def __init__(self, alias: str):
        self.alias = alias

    @property
    def cache(self):
        return caches[self.alias]  # Django's per-thread handle

    def mark(self) -> Mark:
        sequence = self.cache.get(self.SEQUENCE)
        if sequence is None:
            # A new (or flushed) cache: start above any number handed out before, in practice.
            self.cache.add(self.SEQUENCE, time.time_ns() // 1_000_000, timeout=None)
            sequence = self.cache.get(self.SEQUENCE, 0)
        return (0, sequence)

    def fresh(self, tags: Iterable[str], mark: Mark) -> bool:
        keys = [f"tag:{tag}" for tag in tags]
        found = self.cache.get_many(keys)
        # A missing key may have been evicted with a purge in it: not fresh.
        return len(found) == len(keys) and all(value <= mark[1] for value in found.values())

    def servable(self, tags: Iterable[str], mark: Mark) -> bool:
        """No hard purge since `mark`: a stale copy may still be served on errors."""
        found = self.cache.get_many([f"hard:{tag}" for tag in tags])
        return all(value <= mark[1] for value in found.values())

    def prepare(self, tags: Iterable[str], mark: Mark) -> None:
        """Before storing a page: give its never-purged (or evicted) tags a number."""
        keys = [f"tag:{tag}" for tag in tags]
        found = self.cache.get_many(keys)
        for key in keys:
            if key not in found:
                self.cache.add(key, mark[1], timeout=TAG_TIMEOUT)

    def purge(self, tags: Iterable[str], *, hard: bool = False) -> None:
        try:
            sequence = self.cache.incr(self.SEQUENCE)
        except ValueError:
            self.mark()
            sequence = self.cache.incr(self.SEQUENCE)
        values = {f"tag:{tag}": sequence for tag in tags}
        if hard:
            values.update({f"hard:{tag}": sequence for tag in tags})
        self.cache.set_many(values, timeout=TAG_TIMEOUT)


MAGIC = b"NDTAGS1\0"
HEADER = struct.Struct("<8sQQ")  # magic, generation, sequence
HEADER_SIZE = 64
SLOTS = 1 << 17
SLOT = struct.Struct("<Q")
SIZE = HEADER_SIZE + 2 * SLOTS * SLOT.size  # purge numbers, then hard purge numbers
CHECKED_MAX = 4096  # pages remembered as found fresh, per process


@lru_cache(maxsize=1 << 16)
def slot_offset(tag: str) -> int:
    digest = hashlib.blake2b(tag.encode(), digest_size=8).digest()
    return HEADER_SIZE + (int.from_bytes(digest) & (SLOTS - 1)) * SLOT.size


class FileTagStore:
    """Purge numbers in a memory-mapped file shared by every process on the machine."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._pid = 0
        self._fd = -1
        self._map: mmap.mmap | None = None
        self._checked: dict[tuple, int] = {}  # (base, mark, tags): sequence found fresh at

    def _mapped(self) -> mmap.mmap:
        # Reopened after a fork: a lock on an inherited descriptor would be shared.
        if self._map is not None and self._pid == os.getpid():
            return self._map
        with self._lock:
            if self._map is None or self._pid != os.getpid():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size != SIZE or os.pread(fd, 8, 0) != MAGIC:
                        os.ftruncate(fd, 0)
                        os.ftruncate(fd, SIZE)
                        generation = secrets.randbits(63)
                        os.pwrite(fd, HEADER.pack(MAGIC, generation, 1), 0)
                    self._map = mmap.mmap(fd, SIZE)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                self._fd, self._pid = fd, os.getpid()
        return self._map

    def mark(self) -> Mark:
        _, generation, sequence = HEADER.unpack_from(self._mapped(), 0)
        return (generation, sequence)

    def _all_at_most(self, tags: Iterable[str], mark: Mark, base: int) -> bool:
        data = self._mapped()
        _, generation, sequence = HEADER.unpack_from(data, 0)
        if generation != mark[0]:
            return False  # the file was recreated: nothing before it can be trusted
        if sequence == mark[1]:
            return True  # nothing purged since the mark
        # A front page carries 50-odd tags: reading each slot was most of a cache hit. One
        # found fresh at this sequence stays fresh until the next purge moves it on. The
        # sequence is read first and written last by `purge`, so it never runs ahead.
        tags = tuple(tags)
        checked = (base, mark, tags)
        if self._checked.get(checked) == sequence:
            return True
        unpack = SLOT.unpack_from
        if not all(unpack(data, base + slot_offset(tag))[0] <= mark[1] for tag in tags):
            return False
        if len(self._checked) >= CHECKED_MAX:
            self._checked.clear()
        self._checked[checked] = sequence
        return True

    def fresh(self, tags: Iterable[str], mark: Mark) -> bool:
        return self._all_at_most(tags, mark, 0)

    def servable(self, tags: Iterable[str], mark: Mark) -> bool:
        return self._all_at_most(tags, mark, SLOTS * SLOT.size)

    def prepare(self, tags: Iterable[str], mark: Mark) -> None:
        pass

    def purge(self, tags: Iterable[str], *, hard: bool = False) -> None:
        data = self._mapped()
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            magic, generation, sequence = HEADER.unpack_from(data, 0)
            sequence += 1
            for tag in tags:
                SLOT.pack_into(data, slot_offset(tag), sequence)
                if hard:
                    SLOT.pack_into(data, SLOTS * SLOT.size + slot_offset(tag), sequence)
            # The sequence last: a page marked with it was rendered after these purges.
            HEADER.pack_into(data, 0, magic, generation, sequence)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


_stores: dict[tuple, CacheTagStore | FileTagStore] = {}


def get_tag_store() -> CacheTagStore | FileTagStore:
    """The store that goes with the page cache (settings.PAGE_CACHE_ALIAS)."""
    alias = settings.PAGE_CACHE_ALIAS
    path = str(settings.PAGE_CACHE_TAG_FILE)
    key = (alias, path, id(settings.CACHES))  # a new CACHES (tests) gets a new store
    store = _stores.get(key)
    if store is None:
        cache = caches[alias]
        store = FileTagStore(path) if isinstance(cache, LocMemCache) else CacheTagStore(alias)
        _stores[key] = store
    return store
