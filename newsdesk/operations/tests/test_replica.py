"""Which database a request reads (operations/replica.py), on both SQLite and PostgreSQL.

The replica here is a second connection to the test database (what `TEST: MIRROR` makes of
it), so a row's `_state.db` says which connection really loaded it. The tests read only and
run outside a transaction: inside one, every read goes to the primary by design. What a real
streaming standby does under lag and outages is in test_replica_standby.py.
"""

import logging
import runpy
import time

import pytest
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import RequestFactory
from wagtail.models import Page

from newsdesk.caching.services import purge_tags
from newsdesk.core.testing import free_port
from newsdesk.operations import replica
from newsdesk.operations.replica import LAST_WRITE_KEY, REPLICA, ReplicaReadsMiddleware
from newsdesk.settings import base as base_settings

router = replica.ReplicaRouter()


@pytest.fixture
def replica_alias(django_db_setup, django_db_blocker, monkeypatch, settings):
    """A "replica" database: another connection to the test database, and the router."""
    monkeypatch.setattr(replica, "_down_until", 0.0)
    settings.DATABASE_ROUTERS = ["newsdesk.operations.replica.ReplicaRouter"]
    configured = connections.settings.get(REPLICA)  # DATABASE_REPLICA_URL set for the run
    connections.settings[REPLICA] = {
        **connections[DEFAULT_DB_ALIAS].settings_dict,
        "TEST": {"MIRROR": DEFAULT_DB_ALIAS},
    }
    try:
        with django_db_blocker.unblock():
            yield connections.settings[REPLICA]
    finally:
        if hasattr(connections._connections, REPLICA):  # opened in this thread
            connections[REPLICA].close()
            del connections[REPLICA]
        if configured is None:
            del connections.settings[REPLICA]
        else:
            connections.settings[REPLICA] = configured


def quiet_since_last_write() -> None:
    """The last noted write is older than the window (no waiting: the note is a time)."""
    caches["default"].set(LAST_WRITE_KEY, time.time() - 3600, timeout=None)


def read_in_request(request) -> str:
    """The database that loaded a page while `request` was served."""
    loaded = {}

    def view(request):
        loaded["db"] = Page.objects.filter(depth=1).get()._state.db
        return None

    ReplicaReadsMiddleware(view)(request)
    return loaded["db"]


def test_an_anonymous_public_read_is_loaded_from_the_replica(replica_alias):
    quiet_since_last_write()
    assert read_in_request(RequestFactory().get("/world/")) == REPLICA
    assert read_in_request(RequestFactory().head("/")) == REPLICA
    # Outside a request (the task worker, commands, migrations): the primary.
    assert Page.objects.filter(depth=1).get()._state.db == DEFAULT_DB_ALIAS


@pytest.mark.parametrize(
    "request_kind",
    ["admin", "django-admin", "signed-in", "authorization", "post", "put"],
)
def test_everything_but_anonymous_public_reads_reads_the_primary(replica_alias, request_kind):
    quiet_since_last_write()
    factory = RequestFactory()
    request = {
        "admin": lambda: factory.get("/admin/pages/"),
        "django-admin": lambda: factory.get("/django-admin/"),
        "signed-in": lambda: factory.get("/world/", headers={"Cookie": "sessionid=abc"}),
        "authorization": lambda: factory.get("/world/", headers={"Authorization": "Bearer x"}),
        "post": lambda: factory.post("/comments/1/", {"body": "Hello"}),
        "put": lambda: factory.put("/world/"),
    }[request_kind]()
    assert read_in_request(request) == DEFAULT_DB_ALIAS


def test_reads_inside_a_transaction_read_the_primary(replica_alias):
    quiet_since_last_write()
    seen = {}

    def view(request):
        with transaction.atomic():
            seen["inside"] = Page.objects.filter(depth=1).get()._state.db
        seen["after"] = Page.objects.filter(depth=1).get()._state.db

    ReplicaReadsMiddleware(view)(RequestFactory().get("/"))
    assert seen == {"inside": DEFAULT_DB_ALIAS, "after": REPLICA}


def test_writes_go_to_the_primary_and_migrations_run_there_only(replica_alias):
    quiet_since_last_write()
    seen = {}

    def view(request):
        root = Page.objects.filter(depth=1).get()
        seen["read"] = root._state.db
        seen["write"] = router.db_for_write(Page, instance=root)
        seen["relation"] = router.allow_relation(root, Page.objects.using("default").get(pk=1))

    ReplicaReadsMiddleware(view)(RequestFactory().get("/"))
    assert seen == {"read": REPLICA, "write": DEFAULT_DB_ALIAS, "relation": True}
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "articles") is True
    assert router.allow_migrate(REPLICA, "articles") is False


def test_a_purge_sends_readers_to_the_primary_for_the_window(replica_alias, settings):
    quiet_since_last_write()
    anonymous = RequestFactory().get("/world/")
    assert read_in_request(anonymous) == REPLICA
    purge_tags({"page-1"})
    noted = caches["default"].get(LAST_WRITE_KEY)
    assert time.time() - noted < settings.REPLICA_PRIMARY_AFTER_WRITE
    assert read_in_request(anonymous) == DEFAULT_DB_ALIAS
    # The window is measured from the note: a note older than it lets the replica back in.
    caches["default"].set(
        LAST_WRITE_KEY, noted - settings.REPLICA_PRIMARY_AFTER_WRITE - 1, timeout=None
    )
    assert read_in_request(anonymous) == REPLICA


def test_a_missing_note_counts_as_a_write_just_now(replica_alias):
    caches["default"].delete(LAST_WRITE_KEY)  # a flushed or evicted cache
    assert read_in_request(RequestFactory().get("/")) == DEFAULT_DB_ALIAS
    assert time.time() - caches["default"].get(LAST_WRITE_KEY) < 60


def test_an_unreadable_cache_means_the_primary(replica_alias, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "newsdesk.caching.redis.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "RETRY_SECONDS": 0},
        },
    }
    settings.REPLICA_CACHE_ALIAS = "down"
    with caplog.at_level(logging.WARNING, logger="newsdesk.caching.redis"):
        for _ in range(2):  # the second time too: a note that failed to store counts for nothing
            assert read_in_request(RequestFactory().get("/")) == DEFAULT_DB_ALIAS
    assert "unavailable" in caplog.text


def test_an_unreachable_replica_is_skipped_for_a_while(replica_alias, tmp_path, caplog):
    quiet_since_last_write()
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        replica_alias["NAME"] = str(tmp_path / "no-such-folder" / "replica.sqlite3")
    else:
        replica_alias["PORT"] = str(free_port())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="newsdesk.operations.replica"):
        assert read_in_request(RequestFactory().get("/")) == DEFAULT_DB_ALIAS
        assert read_in_request(RequestFactory().get("/")) == DEFAULT_DB_ALIAS
    warnings = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(warnings) == 1  # tried once, then left alone for REPLICA_RETRY_SECONDS
    assert replica._down_until > time.monotonic()


def settings_from(monkeypatch, **environ) -> dict:
    """newsdesk/settings/base.py as it reads this environment."""
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(base_settings.__file__)


def test_the_replica_is_configured_by_the_environment_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    plain = settings_from(monkeypatch)
    assert set(plain["DATABASES"]) == {"default"}
    assert "DATABASE_ROUTERS" not in plain
    assert "newsdesk.operations.replica.ReplicaReadsMiddleware" not in plain["MIDDLEWARE"]

    configured = settings_from(
        monkeypatch,
        DATABASE_URL="postgres://news:secret@db1.internal:5432/newsdesk",
        DATABASE_REPLICA_URL="postgres://reader:secret@db2.internal:5433/newsdesk",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    databases = configured["DATABASES"]
    assert (databases["replica"]["HOST"], databases["replica"]["PORT"]) == ("db2.internal", 5433)
    # The same options as the primary's: a replica that does not answer fails fast.
    assert databases["replica"]["OPTIONS"] == databases["default"]["OPTIONS"]
    assert databases["replica"]["OPTIONS"]["connect_timeout"] <= 3
    assert configured["DATABASE_ROUTERS"] == ["newsdesk.operations.replica.ReplicaRouter"]
    middleware = configured["MIDDLEWARE"]
    position = middleware.index("newsdesk.operations.replica.ReplicaReadsMiddleware")
    assert position < middleware.index("newsdesk.core.sites.CachedSiteMiddleware")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_REPLICA_URL": "postgres://db2/newsdesk", "REDIS_URL": "redis://r/0"},
         "needs PostgreSQL for both"),
        ({"DATABASE_URL": "postgres://db1/newsdesk", "DATABASE_REPLICA_URL": "postgres://db2/n"},
         "needs REDIS_URL"),
        ({"DATABASE_URL": "postgres://db1/newsdesk", "DATABASE_REPLICA_URL": "nonsense://x",
          "REDIS_URL": "redis://r/0"}, "DATABASE_REPLICA_URL is not a database URL"),
    ],
)  # fmt: skip
def test_a_replica_that_cannot_work_is_refused_with_a_reason(
    monkeypatch, tmp_path, environ, message
):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_from(monkeypatch, **environ)
