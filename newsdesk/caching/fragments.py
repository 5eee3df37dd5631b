"""Values built from the database and kept in the cache until a change purges their tags.

Site-wide data that every page shows and that rarely changes (the site and its settings, the
navigation, the sections, view restrictions) and per-article lists (related stories' cards)
would cost queries on every render. `cached()` keeps such a value the way the page cache
keeps pages (`tagstore.py`): the entry remembers the purge mark read before it was built
and its tags (those declared, `all`, and the cards' `page-<id>` tags recorded while it was
built), and is used only while none of them has been purged since. So the purges that
already keep pages correct keep these values correct too, in every process.

A purge waiting for the current transaction's commit counts at once for that transaction's
own reads: whoever makes a change sees it on their next read, before the commit, and nothing
built from uncommitted data is stored. A cache that fails only costs the queries.
"""

import logging
from collections.abc import Callable, Iterable

from django.core.cache import cache

from . import tags as t
from .services import pending_tags
from .tagstore import get_tag_store

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 60 * 60


def cached[T](
    key: str, build: Callable[[], T], *, tags: Iterable[str] = (), timeout: int = DEFAULT_TIMEOUT
) -> T:
    """The value under `key`, or `build()` stored with `tags`, valid until one is purged.

    The response being built gets the value's tags, whether it came from the cache or not.
    """

    def build_one(missing):
        with t.collecting() as collected:
            value = build()
        return {None: (value, {*tags, *collected})}

    return cached_each({None: key}, build_one, timeout=timeout)[None]


def cached_each[K, T](
    keys: dict[K, str],
    build: Callable[[list[K]], dict[K, tuple[T, Iterable[str]]]],
    *,
    timeout: int = DEFAULT_TIMEOUT,
) -> dict[K, T]:
    """`cached()` for many values read at once (one round trip to Redis): those missing are
    built together by `build(missing)`, which gives each its value and its own tags."""
    full = {name: f"newsdesk:fragment:{key}" for name, key in keys.items()}
    pending = pending_tags()
    found: dict[K, T] = {}
    mark = None
    try:
        store = get_tag_store()
        entries = cache.get_many(full.values())
        for name, key in full.items():
            if (entry := entries.get(key)) is None:
                continue
            entry_mark, entry_tags, value = entry
            if not (pending & entry_tags) and store.fresh(entry_tags, entry_mark):
                t.add_tags(*entry_tags)
                found[name] = value
        if len(found) < len(full):
            mark = store.mark()
    except Exception:
        logger.warning(
            "Fragment cache unavailable; building %s", list(full.values()), exc_info=True
        )
    missing = [name for name in full if name not in found]
    if not missing:
        return found
    stored = {}
    for name, (value, value_tags) in build(missing).items():
        entry_tags = frozenset({t.ALL, *value_tags})
        t.add_tags(*entry_tags)
        found[name] = value
        if mark is not None and not (pending & entry_tags):
            stored[full[name]] = (mark, entry_tags, value)
    if stored:
        try:
            store.prepare(frozenset().union(*(tags for _, tags, _ in stored.values())), mark)
            cache.set_many(stored, timeout)
        except Exception:
            logger.warning("Fragment cache unavailable; %s not stored", list(stored), exc_info=True)
    return found
