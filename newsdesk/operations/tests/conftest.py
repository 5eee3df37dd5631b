"""Scratch instances for the backup tests: databases beside the test database.

A test that backs up and restores works outside pytest-django's transaction (pg_dump runs in
another process and sees only committed rows), on copies, so the shared test database and its
demo magazine stay as they were. `pointed_at()` points Django's default connection at a
scratch database for a while, so the shared factories and the ORM work there unchanged.
"""

import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

from newsdesk.core.testing import missing_service
from newsdesk.operations import databases


@contextmanager
def pointed_at(name: str, **overrides):
    """Django's default connection on another database (and HOST, PORT... if given)."""
    settings_dict = connection.settings_dict
    original = dict(settings_dict)
    connection.close()
    settings_dict.update(NAME=name, **overrides)
    for cache in caches.all():
        cache.clear()  # site roots and renditions of the other database
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(original)
        for cache in caches.all():
            cache.clear()


class Scratch:
    """Creates scratch databases: copies of the test database, or empty ones."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.created: list[str] = []
        self.vendor = connection.vendor

    def copy_of_test_database(self) -> str:
        if self.vendor == "sqlite":
            name = str(self.folder / f"copy-{uuid.uuid4().hex[:8]}.sqlite3")
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(name)
            source.backup(target)
            target.close()
            source.close()
            return name
        return self.create(template=connection.settings_dict["NAME"])

    def empty(self) -> str:
        if self.vendor == "sqlite":
            return str(self.folder / f"empty-{uuid.uuid4().hex[:8]}.sqlite3")
        return self.create(template="template0")

    def create(self, *, template: str) -> str:
        name = f"newsdesk_scratch_{uuid.uuid4().hex[:10]}"
        connection.close()  # CREATE DATABASE ... TEMPLATE needs the template unused
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return name

    def admin(self, sql: str) -> None:
        import psycopg

        args = databases.pg_connect_args({**connection.settings_dict, "NAME": "postgres"})
        with psycopg.connect(**args, autocommit=True) as conn:
            conn.execute(sql)

    def drop_all(self) -> None:
        for name in self.created:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_dump_tools() -> None:
    """pg_dump and pg_restore for the test database's server; CI fails without them."""
    major = databases.server_major(connection.settings_dict)
    for tool in ("pg_dump", "pg_restore"):
        try:
            databases.find_tool(tool, major)
        except databases.ToolMissing as exc:
            missing_service(str(exc))


@contextmanager
def cluster_with_test_database(name: str):
    """A PostgreSQL cluster of a test's own (pgcluster.py), running, holding a copy of this
    session's test database as `name`; removed afterwards. PostgreSQL sessions only."""
    from .pgcluster import Cluster

    if connection.vendor != "postgresql":
        pytest.skip("Tests on a cluster of their own run in the PostgreSQL session (scripts/test).")
    require_dump_tools()
    cluster = Cluster()
    try:
        cluster.start()
        cluster.load_test_database(name)
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def scratch(tmp_path, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            require_dump_tools()
        helper = Scratch(tmp_path)
        try:
            yield helper
        finally:
            connection.close()
            if helper.vendor == "postgresql":
                helper.drop_all()


@pytest.fixture
def media(django_db_setup, tmp_path, settings):
    """A media folder of this test's own, starting as a copy of the demo's."""
    folder = tmp_path / "media"
    shutil.copytree(settings.MEDIA_ROOT, folder)
    settings.MEDIA_ROOT = folder
    return folder
