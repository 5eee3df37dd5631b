"""Request ids on responses and log lines; JSON error lines with enough context to act on;
cached pages answered with the current request's id, never a stored one."""

import json
import logging

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from newsdesk.caching.tests.conftest import call, keep_connection  # noqa: F401
from newsdesk.caching.wsgi import PageCache
from newsdesk.operations.logs import JsonFormatter
from newsdesk.operations.requestids import RequestIdFilter, with_request_ids
from newsdesk.users.models import User

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    """The production handler's filter and formatter, writing into a list."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[dict] = []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.mark.urls("newsdesk.operations.tests.urls_for_logs")
def test_the_response_echoes_a_sane_request_id_and_replaces_a_forged_one(client):
    assert client.get("/logs/", headers={"X-Request-ID": "edge-4f1c.7:2"})["X-Request-ID"] == (
        "edge-4f1c.7:2"
    )
    forged = client.get("/logs/", headers={"X-Request-ID": 'x" level=ERROR'})["X-Request-ID"]
    assert len(forged) == 32 and forged.isalnum()
    generated = {client.get("/logs/")["X-Request-ID"] for _ in range(2)}
    assert len(generated) == 2


@pytest.mark.urls("newsdesk.operations.tests.urls_for_logs")
def test_every_log_record_of_a_request_carries_its_id(client, lines):
    client.get("/logs/", headers={"X-Request-ID": "req-one"})
    client.get("/logs/", headers={"X-Request-ID": "req-two"})
    ours = [r for r in lines.records if r.name == "newsdesk.tests"]
    assert [r.request_id for r in ours] == ["req-one", "req-two"]
    assert lines.lines[-1]["message"] == "Working on /logs/"
    logging.getLogger("newsdesk.tests").warning("outside any request")
    assert lines.records[-1].request_id is None


@pytest.mark.urls("newsdesk.operations.tests.urls_for_logs")
def test_an_exception_is_logged_as_json_with_request_user_and_traceback(lines):
    client = Client(raise_request_exception=False)
    user = User.objects.create_user("night-editor", is_staff=True)
    client.force_login(user)
    response = client.get("/fails/", headers={"X-Request-ID": "req-boom"})
    assert response.status_code == 500 and response["X-Request-ID"] == "req-boom"
    (error,) = [line for line in lines.lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "req-boom"
    assert (error["method"], error["path"], error["status"]) == ("GET", "/fails/", 500)
    assert "RuntimeError: the printer is on fire" in error["exception"]
    # The view never loaded the user: the line does not query for it (user_id None); the
    # admin and anything that looked at request.user give the id.
    assert error["user_id"] is None


@pytest.mark.urls("newsdesk.operations.tests.urls_for_logs")
def test_a_loaded_user_is_named_in_the_error_line(lines, rf):
    from django.contrib.auth.models import AnonymousUser

    user = User.objects.create_user("desk")
    request = rf.get("/fails/")
    request._cached_user = user
    logging.getLogger("django.request").error(
        "boom", extra={"request": request, "status_code": 500}
    )
    assert lines.lines[-1]["user_id"] == user.pk
    request._cached_user = AnonymousUser()
    logging.getLogger("django.request").error(
        "boom", extra={"request": request, "status_code": 500}
    )
    assert lines.lines[-1]["user_id"] is None


def test_cached_pages_get_the_current_request_id_and_never_store_one(
    settings,
    keep_connection,  # noqa: F811
):
    settings.PAGE_CACHE = True
    caches["pages"].clear()
    page_cache = PageCache(WSGIHandler())
    app = with_request_ids(page_cache)
    first = call(app, "/world/", headers={"X-Request-ID": "first-reader"})
    second = call(app, "/world/", headers={"X-Request-ID": "second-reader"})
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert first.headers["X-Request-ID"] == "first-reader"
    assert second.headers["X-Request-ID"] == "second-reader"
    assert "public" in second.headers["Cache-Control"]
    # What the page cache stored has no id of its own to replay.
    stored = call(page_cache, "/world/")
    assert stored.cache == "HIT" and "X-Request-ID" not in stored.headers


def test_an_error_escaping_django_is_logged_and_answered_with_the_id(lines):
    def broken(environ, start_response):
        raise RuntimeError("the error page itself failed")

    answer = call(with_request_ids(broken), "/world/", headers={"X-Request-ID": "req-escaped"})
    assert answer.status == 500 and answer.headers["X-Request-ID"] == "req-escaped"
    assert b"req-escaped" in answer.body
    line = lines.lines[-1]
    assert (line["level"], line["request_id"], line["status"]) == ("ERROR", "req-escaped", 500)
    assert (line["method"], line["path"]) == ("GET", "/world/")
    assert "the error page itself failed" in line["exception"]
