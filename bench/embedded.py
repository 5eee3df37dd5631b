"""The embedded default's database for the benchmarks: SQLite, as `make run` has it.

The demo magazine and the long article (pages.py) in var/bench/embedded.sqlite3, made once
by a process of its own (this one's Django is on the bench PostgreSQL database) and migrated
on every run. `python -m bench.embedded` is that process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from .harness import MEDIA, ROOT, migrate_with_demo

DATABASE = ROOT / "var" / "bench" / "embedded.sqlite3"
URL = f"sqlite:///{DATABASE}"


def ensure_embedded(log: Callable[[str], None]) -> str:
    """The SQLite database's URL, made or migrated first. Its images live in MEDIA."""
    if not MEDIA.exists():
        DATABASE.unlink(missing_ok=True)
    if not DATABASE.exists():
        log("  making the embedded default's SQLite database: the demo and the long article")
    env = {**os.environ, "DATABASE_URL": URL}
    subprocess.run([sys.executable, "-m", "bench.embedded"], cwd=ROOT, env=env, check=True)  # noqa: S603
    return URL


def main() -> None:
    import django

    django.setup()
    from .pages import bench_article

    migrate_with_demo()
    bench_article()


if __name__ == "__main__":
    main()
