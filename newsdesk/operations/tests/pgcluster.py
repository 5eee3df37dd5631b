"""A throwaway PostgreSQL cluster of a test's own, which the test may stop, kill and start.

Initialised in a temporary folder (as the postgres user when run as root: initdb refuses
root), on a free loopback port, with `fsync` and `synchronous_commit` on, as production runs
it, so that what a test finds after a crash is what a real server would have kept.

`Cluster(standby_of=primary)` is a streaming standby of a running cluster instead: a copy
taken with `pg_basebackup -R` (which writes the standby's connection to the primary) in a
folder and on a port of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from newsdesk.core.testing import free_port, missing_service


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (PG_BIN if set); CI fails without one."""
    if os.environ.get("PG_BIN"):
        folders = [Path(os.environ["PG_BIN"])]
    else:
        folders = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
        )
        if found := shutil.which("pg_ctl"):
            # Through a link (/usr/local/bin/pg_ctl): the folder holding the other tools too.
            folders.append(Path(found).resolve().parent)
    for folder in reversed(folders):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    missing_service("PostgreSQL's initdb and pg_ctl were not found (apt-get install postgresql).")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Cluster:
    def __init__(self, *, standby_of: Cluster | None = None):
        self.bin = pg_bin()
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="newsdesk-pgfaults-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        if standby_of is None:
            self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                     "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        else:
            # initdb's pg_hba.conf lets loopback replicate; a fast checkpoint starts the copy
            # at once instead of at the next spread-out one.
            self.run("pg_basebackup", "-D", str(self.data), "-h", "127.0.0.1",
                     "-p", str(standby_of.port), "-U", "postgres", "-R", "-X", "stream",
                     "-c", "fast")  # fmt: skip

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            log = self.log.read_text()[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {result.stderr}\n{log}")
        return result

    @property
    def settings(self) -> dict:
        """What to put over a Django database's settings to reach this cluster."""
        return {"HOST": "127.0.0.1", "PORT": str(self.port), "USER": "postgres", "PASSWORD": ""}

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                 "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return self.run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def kill(self) -> None:
        """SIGKILL the whole server at once, postmaster first, as a crash would.

        The postmaster is stopped (SIGSTOP) while its children are listed, so it forks none
        that the list would miss; its children must die too, or the next start finds the old
        shared memory still in use.
        """
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGSTOP)
        children = children_of(pid)
        os.kill(pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):  # exited meanwhile
                os.kill(child, signal.SIGKILL)
        for _ in range(500):
            if not any(alive(p) for p in (pid, *children)):
                break
            time.sleep(0.01)
        else:
            raise RuntimeError(f"PostgreSQL processes {pid} {children} outlived SIGKILL")
        # The dead postmaster lingers as a zombie until whoever inherited it reaps it, and a
        # zombie's pid in a lock file stops the next start: the server is gone, so are its locks.
        for lock in (self.data / "postmaster.pid", self.folder / f".s.PGSQL.{self.port}.lock"):
            lock.unlink(missing_ok=True)

    def sql(self, query: str, *params, database: str = "postgres"):
        """The first column of the first row `query` returns (if any), on a new connection."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(query, params or None)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    def load_test_database(self, name: str) -> None:
        """Database `name` here: a copy of this session's test database (the demo magazine)."""
        from django.db import connection

        from newsdesk.operations import databases

        dump = self.folder / "copy.dump"
        databases.dump(settings_dict=connection.settings_dict, target=dump)
        self.sql(f'CREATE DATABASE "{name}"')  # a test's own name
        target = {**connection.settings_dict, **self.settings, "NAME": name}
        databases.load(settings_dict=target, source=dump)

    def remove(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
