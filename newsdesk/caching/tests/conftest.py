"""Drive the WSGI stack (page cache in front of Django's handler) inside the test's transaction."""

import io
import sys
import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings

from newsdesk.caching.wsgi import PageCache


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def cache(self) -> str:
        return self.headers.get("X-Cache", "")


def environ(path: str, *, method: str = "GET", host: str = "testserver", scheme: str = "http",
            headers: dict[str, str] | None = None) -> dict:  # fmt: skip
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(app, path: str, **kwargs) -> Answer:
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers

    result = app(environ(path, **kwargs), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(int(started["status"][:3]), dict(started["headers"]), body)


class CountingApp:
    """Django's handler, counting the requests that reach it."""

    def __init__(self):
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture
def keep_connection():
    """Django closes the connection around each request; the test's transaction needs it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=["locmem", "redis"])
def pages_cache(request, settings):
    """The page cache's backend: in process (with the shared tag file) or a real Redis."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        caches_setting = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-pages-{uuid.uuid4().hex[:8]}",
            },
        }
        # A prefix of its own (never clear(): it would flush the whole shared database).
        with override_settings(CACHES=caches_setting):
            yield request.param
    else:
        caches["pages"].clear()
        yield request.param


@pytest.fixture
def stack(pages_cache, keep_connection, settings):
    """The page cache in front of a counting Django handler, as newsdesk/wsgi.py builds it."""
    settings.PAGE_CACHE = True
    django = CountingApp()
    app = PageCache(django)
    app.django = django
    return app
