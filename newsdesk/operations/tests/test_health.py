"""/readyz and /healthz: real failures (no heartbeat, a cache on a closed port, a database
that cannot be reached) give 503; details only for staff; never cached, never a cookie."""

import json
import socket
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from newsdesk.caching.tests.conftest import call
from newsdesk.caching.wsgi import wrap
from newsdesk.operations.heartbeats import record_heartbeat
from newsdesk.operations.models import WorkerHeartbeat
from newsdesk.users.models import User

from .conftest import pointed_at


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readyz(client: Client):
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.cookies
    return response.status_code, json.loads(response.content)


def failed(body: dict) -> dict:
    return {check["name"]: check["detail"] for check in body["checks"] if not check["ok"]}


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("ops", is_staff=True))
    return client


@pytest.mark.django_db
def test_ready_with_a_recent_heartbeat_plain_status_for_readers(client):
    record_heartbeat(worker="test-worker")
    assert readyz(client) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_staff_see_each_check_with_its_latency(staff):
    record_heartbeat(worker="test-worker", now=timezone.now() - timedelta(seconds=3))
    status, body = readyz(staff)
    assert status == 200
    names = [check["name"] for check in body["checks"]]
    assert names == ["database", "cache:default", "cache:pages", "worker"]
    assert all(check["ok"] and check["latency_ms"] >= 0 for check in body["checks"])
    assert body["checks"][-1]["detail"] == "last heartbeat 3 s ago"


@pytest.mark.django_db
def test_no_heartbeat_or_a_stale_one_is_not_ready(staff, caplog):
    assert readyz(Client()) == (503, {"status": "unavailable"})
    assert "Not ready: worker: RuntimeError: no heartbeat yet" in caplog.text
    assert "no heartbeat yet" in failed(readyz(staff)[1])["worker"]

    record_heartbeat(worker="test-worker", now=timezone.now() - timedelta(minutes=5))
    status, body = readyz(staff)
    assert status == 503 and "more than 60 s" in failed(body)["worker"]


@pytest.mark.django_db
def test_the_worker_beats_on_every_pass(client):
    assert not WorkerHeartbeat.objects.exists()
    call_command("run_worker", "--once", verbosity=0)
    assert WorkerHeartbeat.objects.count() == 1
    assert readyz(client)[0] == 200


@pytest.mark.django_db
def test_a_cache_that_cannot_be_reached_is_not_ready(staff, settings):
    record_heartbeat(worker="test-worker")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
    }
    status, body = readyz(staff)
    assert status == 503
    assert set(failed(body)) == {"cache:default"}
    assert "onnection" in failed(body)["cache:default"]  # ConnectionError: ... refused


def test_a_database_that_cannot_be_reached_is_not_ready_but_the_process_is_up(
    django_db_setup, django_db_blocker, tmp_path
):
    if connection.vendor == "sqlite":
        unreachable = {"name": str(tmp_path / "no-such-folder" / "db.sqlite3")}
    else:
        unreachable = {"name": connection.settings_dict["NAME"], "PORT": str(closed_port())}
    with django_db_blocker.unblock(), pointed_at(**unreachable):
        # With a session cookie too: the session cannot be read, so no details, and no 500.
        client = Client(headers={"Cookie": "sessionid=abc"})
        assert readyz(client) == (503, {"status": "unavailable"})
        health = call(wrap(WSGIHandler()), "/healthz")
    assert health.status == 200 and health.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in health.headers
