"""Readiness: can this app server do its work? Answered at /readyz before anything else.

`/healthz` (the process is up) is answered even earlier, by the WSGI wrapper in
newsdesk/caching/wsgi.py, without touching Django. `/readyz` checks the database, every
configured cache and the task worker's heartbeat, and answers 200 or 503 with a JSON body:
`{"status": "ok"}`, `{"status": "degraded"}` (200: a cache the site can do without is down)
or `{"status": "unavailable"}` for everyone, plus each check's result, latency and the
heartbeat's age for signed-in staff. Never cached, never sets a cookie, and with the security
headers of every other response (newsdesk/core/security.py).

The middleware sits at the top of the list, so that no other middleware's query (the site,
the session) can turn a database outage into a 500, and no HTTPS redirect or host check
stands between a load balancer's probe and the answer.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.core.cache import caches
from django.db import connection as default_connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from newsdesk.caching.redis import TolerantRedisCache
from newsdesk.core.security import secured

from .heartbeats import latest_heartbeat

logger = logging.getLogger(__name__)
PATH = "/readyz"
DEFAULT_HEARTBEAT_MAX_AGE = 60  # seconds; the worker beats every 5


@dataclass
class Check:
    name: str
    ok: bool
    latency_ms: float
    detail: str = ""
    required: bool = True  # False: the site works without it, slower (a degraded answer)


def timed(name: str, probe) -> Check:
    """Runs probe(), which returns a detail string or raises; any exception is a failure."""
    started = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # whatever broke, the answer is "not ready", with the reason
        detail, ok = f"{type(exc).__name__}: {exc}".strip()[:300], False
    return Check(name, ok, round((time.perf_counter() - started) * 1000, 1), detail)


def check_database(connection=default_connection) -> Check:
    def probe() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor

    return timed("database", probe)


def check_cache(alias: str) -> Check:
    def probe() -> str:
        cache = caches[alias]
        key, value = "newsdesk:readyz", uuid.uuid4().hex
        cache.set(key, value, timeout=30)
        if cache.get(key) != value:
            raise RuntimeError("a value written was not read back")
        return type(cache).__name__

    check = timed(f"cache:{alias}", probe)
    # The Redis cache rides out an outage (newsdesk/caching/redis.py): taking every app
    # server out of the load balancer because Redis is down would be the outage itself.
    check.required = not isinstance(caches[alias], TolerantRedisCache)
    return check


def check_worker() -> Check:
    max_age = getattr(settings, "WORKER_HEARTBEAT_MAX_AGE", DEFAULT_HEARTBEAT_MAX_AGE)

    def probe() -> str:
        latest = latest_heartbeat()
        if latest is None:
            raise RuntimeError("no heartbeat yet: is `manage.py run_worker` running?")
        age = (timezone.now() - latest).total_seconds()
        if age > max_age:
            raise RuntimeError(f"last heartbeat {age:.0f} s ago (more than {max_age} s)")
        return f"last heartbeat {age:.0f} s ago"

    return timed("worker", probe)


def readiness() -> list[Check]:
    return [check_database(), *(check_cache(alias) for alias in settings.CACHES), check_worker()]


def requester_is_staff(request) -> bool:
    """Signed-in staff, read from the session cookie (the session middleware runs later)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    try:
        user = get_user(request)
    except Exception:  # the session store is down: no details, the plain status still holds
        return False
    return user.is_active and user.is_staff


def readiness_response(request) -> JsonResponse:
    checks = readiness()
    ready = all(check.ok for check in checks if check.required)
    degraded = ready and not all(check.ok for check in checks)
    body: dict = {"status": "degraded" if degraded else "ok" if ready else "unavailable"}
    if requester_is_staff(request):
        body["checks"] = [asdict(check) for check in checks]
    response = JsonResponse(body, status=200 if ready else 503)
    add_never_cache_headers(response)
    if not ready or degraded:
        failures = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.ok)
        logger.warning("%s: %s", "Degraded, still ready" if ready else "Not ready", failures)
        response._has_been_logged = True  # said above with the reasons; not Django's 503 line
    return response


class ReadinessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            # Answered before the security middleware runs: its headers all the same.
            return secured(request, readiness_response(request))
        return self.get_response(request)
