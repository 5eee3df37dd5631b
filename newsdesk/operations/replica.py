"""Public reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL is set.

Only what an anonymous reader's page needs is read from the replica: a GET or HEAD outside
the admin, from a request without a session cookie or Authorization (the page cache's own
test of who is anonymous), outside any transaction. Everything else reads the primary:
editors and signed-in users, forms posted, the admin, the task worker, management commands,
migrations, and anything inside `atomic()`. Writes always go to the primary.

A replica lags its primary a little. After a change that purges pages (publish, unpublish, a
comment approved: everything goes through `caching.services.purge_tags`), the page rendered
again must not come from a replica that has not replayed the change yet, or the page cache
and Varnish would keep the old version as fresh. So every purge notes its time in the shared
cache (Redis) first, and for settings.REPLICA_PRIMARY_AFTER_WRITE seconds after it every
process reads from the primary. A missing note (a flushed cache) counts as a write just now,
and a cache that cannot be read means the primary: when in doubt, the primary.

A replica that cannot be reached is left alone for settings.REPLICA_RETRY_SECONDS (in this
process), and its readers are served from the primary meanwhile.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from newsdesk.caching.wsgi import anonymous
from newsdesk.core.middleware import PRIVATE_PREFIXES

logger = logging.getLogger(__name__)

REPLICA = "replica"
LAST_WRITE_KEY = "replica:last-write"
_public_read: ContextVar[bool] = ContextVar("newsdesk_public_read", default=False)
_down_until = 0.0  # time.monotonic() before which the replica is not tried again
_lock = threading.Lock()


def enabled() -> bool:
    return REPLICA in connections.settings  # DATABASE_REPLICA_URL was set


def note_write() -> None:
    """Read from the primary for a few seconds, in every process: pages are being purged."""
    try:
        caches[settings.REPLICA_CACHE_ALIAS].set(LAST_WRITE_KEY, time.time(), timeout=None)
    except Exception:
        # Readers who cannot read the note either will use the primary.
        logger.exception("Could not note a write for the replica's readers.")


def primary_required() -> bool:
    """Whether a write was noted within REPLICA_PRIMARY_AFTER_WRITE seconds, or may have been."""
    try:
        cache = caches[settings.REPLICA_CACHE_ALIAS]
        last = cache.get(LAST_WRITE_KEY)
        if last is None:
            # Never noted, evicted or flushed (or the cache is down, and this add goes
            # nowhere): a write may have been lost with it, so the window starts now.
            cache.add(LAST_WRITE_KEY, time.time(), timeout=None)
            return True
        return time.time() - last < settings.REPLICA_PRIMARY_AFTER_WRITE
    except Exception:
        logger.exception("Could not read the replica's last-write note: reading the primary.")
        return True


def public_read(request) -> bool:
    """An anonymous reader's GET or HEAD of a public page."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE_PREFIXES)
        and anonymous(request.META)
    )


class ReplicaReadsMiddleware:
    """Lets the router send this request's reads to the replica when it is a public read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(public_read(request) and not primary_required())
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


def replica_reachable() -> bool:
    """The replica answers (connected now, or reconnected); if not, skip it for a while."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()  # once per request, with CONN_HEALTH_CHECKS
        replica.ensure_connection()
    except DatabaseError as error:
        with _lock:
            retry = settings.REPLICA_RETRY_SECONDS
            if time.monotonic() >= _down_until:
                logger.warning(
                    "The read replica cannot be reached (%s): reading the primary for %s s.",
                    str(error).strip(),
                    retry,
                )
            _down_until = time.monotonic() + retry
        return False
    return True


class ReplicaRouter:
    """Public reads to the replica (see the module's docstring), everything else to default."""

    def db_for_read(self, model, **hints):
        # Named, never None: Django would fall back to the database of a hinted instance,
        # which may be the replica's.
        if (
            _public_read.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_reachable()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
