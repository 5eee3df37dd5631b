"""Counting reads without cookies, and without a database write per page view.

A view is added to a buffer: Redis (HINCRBY on one hash) when REDIS_URL is set, otherwise
a dictionary in this process. `flush()` moves the buffer into `HourlyViews` in one
transaction; web processes call it at most every FLUSH_SECONDS, and the worker on each pass.
"""

import contextlib
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from newsdesk.core.readers import browser_hash

FLUSH_SECONDS = 10
REPEAT_SECONDS = 30 * 60  # a reload within half an hour is the same read
REDIS_KEY = "newsdesk:views:pending"

# Crawlers, link previews, monitors and scripts: none of them is a reader.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|scrap|archiv|preview|fetch|monitor|uptime|pingdom|headless"
    r"|lighthouse|pagespeed|curl|wget|python|java/|go-http|okhttp|axios|node|ruby|perl|php"
    r"|httpclient|facebookexternalhit|embedly|whatsapp|telegram|discord|skype|slack",
    re.IGNORECASE,
)

Key = tuple[int, datetime]


def is_bot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    prefetch = request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE", "")
    return not agent or bool(BOTS.search(agent)) or "prefetch" in prefetch


def current_hour(now: float | None = None) -> datetime:
    stamp = int(now if now is not None else time.time())
    return datetime.fromtimestamp(stamp - stamp % 3600, tz=UTC)


class MemoryBuffer:
    """Per process; up to FLUSH_SECONDS of counts are lost if the process is killed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter[Key] = Counter()

    def add(self, key: Key, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def drain(self) -> Counter[Key]:
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts


class RedisBuffer:
    """Shared by every process; draining renames the hash first, so no count is read twice.

    While Redis is down, views go to this process's memory (as with MemoryBuffer) and the
    next flush writes them to the database, with whatever Redis holds once it is back.
    """

    def __init__(self, url: str):
        import redis

        from newsdesk.caching.redis import UNAVAILABLE

        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
        self.unavailable = UNAVAILABLE
        self.fallback = MemoryBuffer()

    def add(self, key: Key, n: int = 1) -> None:
        article_id, hour = key
        try:
            self.client.hincrby(REDIS_KEY, f"{article_id}:{int(hour.timestamp())}", n)
        except self.unavailable:
            self.fallback.add(key, n)

    def drain(self) -> Counter[Key]:
        counts = self.fallback.drain()
        with contextlib.suppress(self.unavailable):  # Redis keeps its counts till it is back
            counts.update(self.drain_redis())
        return counts

    def drain_redis(self) -> Counter[Key]:
        draining = f"{REDIS_KEY}:{time.time_ns()}"
        try:
            self.client.rename(REDIS_KEY, draining)
        except Exception as error:  # redis.ResponseError: nothing pending
            if "no such key" in str(error).lower():
                return Counter()
            raise
        pipe = self.client.pipeline()
        pipe.hgetall(draining)
        pipe.delete(draining)
        raw, _deleted = pipe.execute()
        counts: Counter[Key] = Counter()
        for field, value in raw.items():
            article_id, stamp = field.decode().split(":")
            counts[(int(article_id), datetime.fromtimestamp(int(stamp), tz=UTC))] += int(value)
        return counts


_buffer = None
_last_flush = time.monotonic()


def buffer():
    global _buffer
    if _buffer is None:
        url = getattr(settings, "REDIS_URL", "")
        _buffer = RedisBuffer(url) if url else MemoryBuffer()
    return _buffer


def record_view(request: HttpRequest, article_id: int) -> bool:
    """Count one read of an article, unless it is a bot or the same browser again."""
    if is_bot(request):
        return False
    seen = f"newsdesk:views:seen:{article_id}:{browser_hash(request)[:32]}"
    if not cache.add(seen, 1, timeout=REPEAT_SECONDS):
        return False
    buffer().add((article_id, current_hour()))
    return True


def flush() -> int:
    """Write buffered counts to the database; returns how many reads were written."""
    from .services import add_views

    global _last_flush
    _last_flush = time.monotonic()
    counts = buffer().drain()
    if counts:
        try:
            add_views(counts)
        except Exception:
            # Put them back so the next flush tries again, then let the error be seen.
            for key, n in counts.items():
                buffer().add(key, n)
            raise
    return sum(counts.values())


def flush_if_due() -> None:
    if time.monotonic() - _last_flush >= FLUSH_SECONDS:
        flush()
