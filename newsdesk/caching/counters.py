"""Counting events in a time window, for rate limits: in the cache (Redis) when it can count,
in the database while it cannot, so a Redis outage never switches a limit off."""

from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import WindowCounter
from .redis import CacheUnavailable


def hit(key: str, *, seconds: int) -> int:
    """Count one event in the window `key` (which lasts `seconds` from its first event);
    returns how many the window holds now."""
    try:
        cache.add(key, 0, seconds)
        try:
            return cache.incr(key)
        except CacheUnavailable:
            raise
        except ValueError:  # expired between add and incr
            cache.add(key, 1, seconds)
            return 1
    except CacheUnavailable:
        return database_hit(key, seconds=seconds)


def database_hit(key: str, *, seconds: int) -> int:
    now = timezone.now()
    for _attempt in range(3):
        with transaction.atomic():
            live = WindowCounter.objects.filter(key=key, expires_at__gt=now)
            if live.update(count=F("count") + 1):
                return live.values_list("count", flat=True).get()
            WindowCounter.objects.filter(expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    WindowCounter.objects.create(
                        key=key, count=1, expires_at=now + timedelta(seconds=seconds)
                    )
                return 1
            except IntegrityError:  # another process opened the window first: count in it
                continue
    raise RuntimeError(f"Could not count {key!r} in the database.")
