"""The branded 503 when the database cannot be reached, through Django's own stack.

The database is made unreachable for real: SQLite pointed at a file in a folder that does not
exist, PostgreSQL at a closed port. test_database_faults.py does the same to a real server.
"""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from newsdesk.core.testing import free_port
from newsdesk.core.views import database_unavailable

from .conftest import pointed_at


@pytest.fixture
def unreachable(django_db_setup, django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            target = pointed_at(str(tmp_path / "missing" / "newsdesk.sqlite3"))
        else:
            name = connection.settings_dict["NAME"]
            target = pointed_at(name, HOST="127.0.0.1", PORT=str(free_port()))
        with target:
            yield Client(raise_request_exception=False)


def assert_branded_503(response, *, sending: bool) -> str:
    text = response.content.decode()
    assert response.status_code == 503, text[:2000]
    assert "Back in a moment" in text and "css/newsdesk" in text
    assert ("may not have been saved" in text) == sending
    assert "Traceback" not in text
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] and response["Permissions-Policy"]
    assert not response.cookies
    return text


def test_readers_get_the_branded_503(unreachable):
    for path in ("/", "/world/", "/search/?q=harbour"):
        assert_branded_503(unreachable.get(path), sending=False)


def test_what_is_sent_is_said_to_be_unsaved(unreachable):
    comment = unreachable.post("/comments/1/", {"body": "Hello"}, HTTP_ORIGIN="http://testserver")
    assert_branded_503(comment, sending=True)
    edit = unreachable.post("/admin/pages/1/edit/", {"title": "Changed"})
    assert_branded_503(edit, sending=True)


def test_readiness_says_unavailable(unreachable):
    response = unreachable.get("/readyz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


def test_only_database_outages_are_503s():
    assert database_unavailable(OperationalError("server closed the connection"))
    assert database_unavailable(InterfaceError("connection already closed"))
    try:
        try:
            raise OperationalError("could not connect")
        except OperationalError as exc:
            raise RuntimeError("a template failed") from exc
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(RuntimeError("a bug"))
    assert not database_unavailable(None)
