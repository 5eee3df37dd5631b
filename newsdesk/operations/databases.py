"""Database dumps through each database's own tool.

- SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy taken while
  the site runs; restored with the same API into the configured file, in one transaction, so
  readers see the old database or the new one and the WAL stays coherent.
- PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists --single-transaction`, from
  PG_BIN, the server's own version's bin folder (/usr/lib/postgresql/<major>/bin on Debian) or
  the PATH, whichever first has a tool at least as new as the server.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # pg_dump and pg_restore, with argument lists and no shell
from pathlib import Path

DUMP_NAMES = {"sqlite": "newsdesk.sqlite3", "postgresql": "newsdesk.dump"}
TOOL_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


class DatabaseError(Exception):
    """The dump or restore could not be done; the message says what to do."""


class ToolMissing(DatabaseError):
    """pg_dump or pg_restore, at least as new as the server, is not installed."""


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    raise DatabaseError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def dump(*, settings_dict: dict, target: Path) -> None:
    if vendor_of(settings_dict) == "sqlite":
        sqlite_copy(Path(settings_dict["NAME"]), target, must_exist=True)
    else:
        pg_run("pg_dump", settings_dict, ["--format=custom", "--no-owner", f"--file={target}"])


def load(*, settings_dict: dict, source: Path) -> None:
    """Replaces the configured database's content with the dump's."""
    if vendor_of(settings_dict) == "sqlite":
        sqlite_copy(source, Path(settings_dict["NAME"]), must_exist=False)
    else:
        pg_run(
            "pg_restore",
            settings_dict,
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings_dict['NAME']}",
                str(source),
            ],
        )


def sqlite_copy(source: Path, target: Path, *, must_exist: bool) -> None:
    if not source.is_file():
        raise DatabaseError(f"SQLite database {source} does not exist.")
    if must_exist is False:
        target.parent.mkdir(parents=True, exist_ok=True)
    # mode=ro: reading a backup never creates or changes the source.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise DatabaseError(f"SQLite database {source} fails its integrity check: {check}")
        src.backup(dst)  # all pages in one step: one transaction on the target
    except sqlite3.Error as exc:
        raise DatabaseError(f"Could not copy SQLite database {source} to {target}: {exc}") from exc
    finally:
        dst.close()
        src.close()


def pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for the configured database; the password stays out of argv."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def server_major(settings_dict: dict) -> int:
    import psycopg

    try:
        with psycopg.connect(**pg_connect_args(settings_dict), connect_timeout=10) as conn:
            return conn.info.server_version // 10000
    except psycopg.Error as exc:
        raise DatabaseError(
            f"Cannot reach PostgreSQL database {settings_dict['NAME']}: {exc}"
        ) from exc


def pg_connect_args(settings_dict: dict) -> dict:
    args = {
        "dbname": settings_dict["NAME"],
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    return {key: value for key, value in args.items() if value}


def tool_major(path: str) -> int:
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    match = TOOL_VERSION.search(result.stdout)
    return int(match.group(1)) if match else 0


def find_tool(name: str, major: int) -> str:
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(str(Path(os.environ["PG_BIN"]) / name))
    candidates.append(f"/usr/lib/postgresql/{major}/bin/{name}")
    if found := shutil.which(name):
        candidates.append(found)
    for path in candidates:
        if os.access(path, os.X_OK) and tool_major(path) >= major:
            return path
    raise ToolMissing(
        f"{name} for PostgreSQL {major} or newer was not found (looked in PG_BIN, "
        f"/usr/lib/postgresql/{major}/bin and the PATH): install postgresql-client-{major} "
        "or set PG_BIN to the folder holding it."
    )


def pg_run(name: str, settings_dict: dict, args: list[str]) -> None:
    tool = find_tool(name, server_major(settings_dict))
    result = subprocess.run(  # noqa: S603
        [tool, *args], env=pg_env(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DatabaseError(f"{name} failed ({result.returncode}): {result.stderr.strip()}")
