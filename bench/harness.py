"""The benchmark harness: a registry, the bench database, measuring helpers, the results file.

A benchmark is a function registered with ``@benchmark``; it gets a ``Context`` and returns a
``Report`` (tables of rows and notes). ``python -m bench`` prepares Django and the database
once, runs the benchmarks asked for, prints their tables and rewrites their sections of
``bench/RESULTS.md``, leaving the sections of benchmarks that did not run as they were.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import secrets
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BENCH_DATABASE = "newsdesk_bench"
HOST = "localhost"
MEDIA = ROOT / "var" / "bench" / "media"  # MEDIA_ROOT in newsdesk/settings/bench.py


# Reports ------------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""

    def add(self, *cells) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"**{self.title}**", ""] if self.title else []
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.columns) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)

    def text(self) -> str:
        """Aligned columns for the terminal."""
        table = [self.columns, *self.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = [self.title] if self.title else []
        for n, row in enumerate(table):
            lines.append(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
            if n == 0:
                lines.append("  ".join("-" * width for width in widths))
        return "\n".join(lines)


@dataclass
class Report:
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Missing(Exception):
    """Something a benchmark needs is not installed; the message says how to install it."""


@dataclass
class Benchmark:
    name: str
    title: str
    run: Callable[[Context], Report]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, title: str):
    """Register `function(context) -> Report` as the benchmark `name`."""

    def register(function: Callable[[Context], Report]):
        BENCHMARKS[name] = Benchmark(name, title, function)
        return function

    return register


@dataclass
class Context:
    articles: int  # the corpus size asked for
    corpus: dict  # what bench.corpus.ensure_corpus reported
    log: Callable[[str], None] = print

    def client(self):
        from django.test import Client

        return Client(HTTP_HOST=HOST)


# Measuring ------------------------------------------------------------------------------------


def median_time(function: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of `function` in seconds, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(function: Callable[[], object]) -> int:
    """The most Python memory `function` held at once above what was held before (bytes).

    tracemalloc sees every Python allocation (the database driver's row buffers included) and
    slows the code down, so memory is measured in its own pass, never together with time.
    """
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        function()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def count_queries(function: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1024 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    return ""


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:,.1f}x" if fast else "-"


# The database and Django ------------------------------------------------------------------------


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, or the throwaway server of scripts/services with our own database."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        result = subprocess.run(
            [str(ROOT / "scripts" / "services"), "postgres-url"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(
                "The benchmarks need PostgreSQL: install it (apt-get install postgresql) or set "
                f"BENCH_DATABASE_URL.\n{result.stderr.strip()}"
            )
        url = result.stdout.strip().splitlines()[-1]
        url = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url!r}.")
    return url


def create_database(url: str, *, recreate: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if recreate:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(log: Callable[[str], None] = print) -> str:
    """Point Django at the bench database, migrate it and load the demo once. Returns the URL."""
    url = bench_database_url()
    # The demo's images live in var/bench/media (newsdesk/settings/bench.py); if they are
    # gone (make clean), a database that refers to them is of no use: start again.
    create_database(url, recreate=not MEDIA.exists())
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings.bench"
    # Production settings refuse to start without a key; this one lives for one run.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))

    import django

    django.setup()
    migrate_with_demo(log)
    return url


def migrate_with_demo(log: Callable[[str], None] = print) -> None:
    """Migrate Django's database and load the demo into it once."""
    from django.core.management import call_command

    from newsdesk.demo.loader import is_loaded, load_demo

    call_command("migrate", verbosity=0, interactive=False)
    if not is_loaded():
        started = time.perf_counter()
        log("Loading the demo magazine into the bench database (once)...")
        load_demo()
        log(f"  done in {time.perf_counter() - started:.0f} s")


# Describing the run ----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}){memory}, "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    """The 1-minute load average: how busy the shared machine was (other work included)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def software() -> str:
    import django
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return f"Django {django.__version__}, Wagtail {wagtail.__version__}, PostgreSQL {postgres}"


# The results file ------------------------------------------------------------------------------

HEADER = """# Benchmark results

Written by `make bench` (`.venv/bin/python -m bench [names...]`); each section below is
replaced when its benchmark runs again. Benchmarks run on PostgreSQL in a database of their own
(`newsdesk_bench` on the throwaway server of `scripts/services`, or `BENCH_DATABASE_URL`), with
the production settings (`newsdesk/settings/bench.py`), the demo magazine and a generated
corpus of articles (`bench/corpus.py`).

The machine is shared and noisy: compare figures measured side by side in one run (the ratios),
not absolute times across runs.
"""


def section(benchmark: Benchmark, report: Report, *, command: str, context: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"<!-- bench:{benchmark.name} -->",
        f"## {benchmark.name}: {benchmark.title}",
        "",
        f"Measured {when} on {machine()}; {context}; load average {load()} when it ended.",
        f"Reproduce: `{command}`.",
        "",
    ]
    for table in report.tables:
        parts += [table.markdown(), ""]
    parts += [f"- {note}" for note in report.notes]
    parts.append(f"<!-- /bench:{benchmark.name} -->")
    return "\n".join(parts)


def write_results(sections: dict[str, str]) -> None:
    """Replace the sections that ran; keep the others; new ones go at the end."""
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    for name, body in sections.items():
        pattern = re.compile(
            rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
        )
        if pattern.search(text):
            text = pattern.sub(lambda _, body=body: body, text)
        else:
            text = text.rstrip("\n") + "\n\n" + body + "\n"
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")
