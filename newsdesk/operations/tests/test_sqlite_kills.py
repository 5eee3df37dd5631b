"""SQLite as the project configures it (WAL, IMMEDIATE transactions, synchronous=NORMAL)
survives a writer killed (SIGKILL) at random points, 100 times: after every kill
`PRAGMA integrity_check` says ok, every write the writer acknowledged is there, and no article
or page tree is left half-written. PostgreSQL's kills are test_atomic's (publishing)."""

import os
import random
import signal
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection

from newsdesk.core.killing import start_helper

KILLS = 100
HELPER = Path(__file__).with_name("sqlite_writer.py")


def copy_of_test_database(folder: Path) -> Path:
    """A migrated database with the demo magazine, of this test's own."""
    path = folder / "killed.sqlite3"
    source, target = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return path


def check_file(path: Path, acks: dict[str, list]) -> None:
    """The database as a fresh connection finds it after a kill."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []

        def present(table: str, ids: list[int]) -> int:
            marks = ",".join("?" * len(ids))
            query = f"SELECT count(*) FROM {table} WHERE id IN ({marks})"  # noqa: S608
            return db.execute(query, ids).fetchone()[0]

        assert present("comments_comment", acks["comment"]) == len(acks["comment"])
        assert present("wagtailcore_page", acks["page"]) == len(acks["page"])
        published = dict(acks["publish"])  # page -> its last acknowledged revision
        assert present("wagtailcore_revision", list(published.values())) == len(published)
        for page, revision in published.items():
            (live,) = db.execute(
                "SELECT live_revision_id FROM wagtailcore_page WHERE id = ?", [page]
            ).fetchone()
            assert live >= revision, (page, live, revision)  # a later publish may follow
    finally:
        db.close()


def test_sqlite_writer_killed_100_times_leaves_a_sound_database(
    tmp_path, django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            pytest.skip("SQLite's own test (PostgreSQL's kills are test_atomic's).")
        path = copy_of_test_database(tmp_path)
    rng = random.Random(20261129)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings.test",
    }
    helper = start_helper(HELPER, env=env)
    acks: dict[str, list] = defaultdict(list)
    noise: list[str] = []

    def next_line() -> str:
        line = helper.stdout.readline()
        assert line, "the writer's parent died:\n" + "".join(noise)
        if line.startswith("ack "):
            kind, *ids = line.split()[1:]
            acks[kind].append((int(ids[0]), int(ids[1])) if kind == "publish" else int(ids[0]))
        return line

    def read_until(prefix: str) -> str:
        while not (line := next_line()).startswith(prefix):
            if not line.startswith("ack "):
                noise.append(line)
        return line

    started = time.monotonic()
    try:
        read_until("ready")
        for kill in range(KILLS):
            helper.stdin.write(f"{rng.randrange(2**32)}\n")
            helper.stdin.flush()
            pid = int(read_until("pid ").split()[1])
            # Kill at a random moment of the writing, once it has begun (not while it forks).
            line = next_line()
            assert line.startswith("ack "), line + helper.stdout.read()
            time.sleep(rng.uniform(0.0, 0.25))
            os.kill(pid, signal.SIGKILL)
            status = int(read_until("reaped ").split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, noise
            read_until("checked")
            assert not noise, f"after kill {kill + 1}: {''.join(noise)}"
            check_file(path, acks)
    finally:
        helper.stdin.close()
        helper.wait(timeout=60)
    counts = {kind: len(ids) for kind, ids in acks.items()}
    print(f"{KILLS} kills, acknowledged {counts} in {time.monotonic() - started:.1f} s")
    assert all(counts.get(kind) for kind in ("comment", "publish", "page"))
