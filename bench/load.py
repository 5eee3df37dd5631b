"""A load test of the production stack: readers, searchers, commenters and editors at once.

Redis (scripts/services), gunicorn with the production settings and the task worker, Varnish
with deploy/varnish/default.vcl in front, all on loopback; then locust (bench/locustfile.py),
headless, for a fixed time. Readers read home, sections and their 'Older' pages, articles and
feeds through Varnish; searchers search through it; commenters post the article page's own
form with its signed token; editors sign in to the admin on gunicorn and publish articles,
whose purges reach Varnish. The report is locust's: requests, requests/s, p50, p95 and
failures per kind of request, and in all.

BENCH_LOAD_USERS (default 40) and BENCH_LOAD_SECONDS (default 60) change the load.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

from . import servers
from .harness import ROOT, Context, Report, Table, benchmark

USERS = int(os.environ.get("BENCH_LOAD_USERS", "40"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
REDIS_DATABASE = 8  # the other benchmarks' page cache is in 7, the tests use 0
SPAWN_RATE = 10  # users started per second
RECENT, ARCHIVE = 50, 1_000  # articles readers pick from: the latest, and a random sample
RECENT_SHARE = 0.9  # of article reads that go to the latest ones (cached before the run)
EDITOR = "editor"  # the demo newsroom's account in the Editors group (newsroom/demo.py)
COMMENT_DOMAIN = "load-bench.example"  # the test's comments, deleted after the run
QUERIES = [
    "harbour",
    "election",
    "climate change",
    "interest rates",
    "football",
    "city council budget",
    "housing",
    "elections 2024",
]
COMMENT_LINES = [
    "Thanks for the clear explanation, it helped me follow the story.",
    "I live nearby and this matches what we have seen over the past year.",
    "Is there a follow-up planned? I would like to know how this ends.",
    "The numbers in the third paragraph surprised me; where do they come from?",
]


def plan(*, backend: int, origin: str, served: Path) -> dict:
    """What the simulated users request, from the bench database."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.newsroom.demo import DEMO_PASSWORD

    from .pages import SLUG

    published = ArticlePage.objects.published().exclude(slug=SLUG)
    latest = list(published.order_by("-first_published_at")[: RECENT * 3])
    archive = list(published.order_by("?")[:ARCHIVE])
    # Comments close 30 days after publication (CommentSettings); the form is on these.
    open_since = timezone.now() - timedelta(days=25)
    commentable = [page for page in latest if page.first_published_at > open_since]
    sections = list(SectionPage.objects.live().public())
    editor = get_user_model().objects.filter(username=EDITOR).first()
    if editor is None or not editor.check_password(DEMO_PASSWORD):
        raise RuntimeError(f"The bench database has no demo account {EDITOR!r}.")
    if not commentable:
        raise RuntimeError("No article of the bench database is open for comments.")
    return {
        "backend": f"http://127.0.0.1:{backend}",
        "served": str(served),  # where locust writes the X-Cache counts
        "origin": origin,
        "recent": [page.relative_url(None) for page in latest[:RECENT]],
        "archive": [page.relative_url(None) for page in archive],
        "recent_share": RECENT_SHARE,
        "sections": [page.relative_url(None) for page in sections],
        "feeds": ["/feeds/rss/", "/feeds/atom/"]
        + [f"/feeds/sections/{page.slug}/rss/" for page in sections],
        "queries": QUERIES,
        "commentable": [page.relative_url(None) for page in commentable],
        "comment_domain": COMMENT_DOMAIN,
        "comment_lines": COMMENT_LINES,
        "editor": [EDITOR, DEMO_PASSWORD],
        # Older than the most read: the editors' publishes purge real pages (their section's
        # and the home page's lists too) without emptying the readers' favourites every time.
        "editable": [page.pk for page in latest[RECENT : RECENT * 2]],
    }


def fresh_redis() -> str:
    """A Redis database of the load test's own (8), emptied.

    The servers' key is made up per run (harness.setup_django); pages another run cached hold
    comment tokens signed with another key, which the form would refuse.
    """
    import redis

    url = re.sub(r"/\d*$", f"/{REDIS_DATABASE}", servers.redis_url())
    redis.Redis.from_url(url).flushdb()
    return url


@contextmanager
def worker(env: dict[str, str]):
    """`manage.py run_worker` (scheduled publishing, queued tasks) until the block ends."""
    servers.LOGS.mkdir(parents=True, exist_ok=True)
    log_path = servers.LOGS / "load-worker.log"
    with log_path.open("w") as log:
        child = subprocess.Popen(  # noqa: S603 - our program, our arguments
            [sys.executable, "manage.py", "run_worker", "--interval", "1"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            time.sleep(1)
            if child.poll() is not None:
                raise RuntimeError(
                    f"the task worker did not start (see {log_path.relative_to(ROOT)})"
                )
            yield child
        finally:
            servers.stop(child)


def run_locust(port: int, plan_path: Path, prefix: Path) -> None:
    """locust, headless, for SECONDS against Varnish on `port`; bounded by a timeout."""
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust),
        "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--only-summary",
        "--host", f"http://127.0.0.1:{port}",
        "-u", str(USERS), "-r", str(SPAWN_RATE),
        "--run-time", f"{SECONDS}s", "--stop-timeout", "5",
        "--csv", str(prefix),
        "--logfile", str(servers.LOGS / "locust.log"), "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "NEWSDESK_LOAD_PLAN": str(plan_path)}
    result = subprocess.run(  # noqa: S603 - our program, our arguments
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 120
    )
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust failed ({result.returncode}):\n{result.stderr[-2000:]}")


def stats_table(prefix: Path, served: Path) -> tuple[Table, dict[str, str]]:
    table = Table(["request", "requests", "req/s", "p50", "p95", "max", "failures", "Varnish hits"])
    total = {}
    cache = json.loads(served.read_text()) if served.exists() else {}
    with open(f"{prefix}_stats.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        table.add(
            name,
            f"{requests:,}",
            f"{float(row['Requests/s']):,.1f}",
            f"{row['50%']} ms",
            f"{row['95%']} ms",
            f"{float(row['Max Response Time']):,.0f} ms",
            f"{failures:,} ({failures / requests:.1%})" if requests else "0",
            hit_share(cache.get(row["Name"])),
        )
        if row["Name"] == "Aggregated":
            total = row
    return table, total


def hit_share(counts: dict[str, int] | None) -> str:
    """The share of a request kind's answers that Varnish gave from its cache."""
    if not counts:
        return "-"  # straight to gunicorn, or a POST
    return f"{counts.get('HIT', 0) / sum(counts.values()):.0%}"


def failures_table(prefix: Path) -> Table | None:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return None
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    if not rows:
        return None
    table = Table(["request", "error", "occurrences"], title="Failures")
    for row in sorted(rows, key=lambda row: -int(row["Occurrences"])):
        table.add(f"{row['Method']} {row['Name']}", row["Error"][:120], row["Occurrences"])
    return table


@benchmark("load", "Load test of the production stack: readers, searchers, commenters, editors")
def load(context: Context) -> Report:
    from django.utils import timezone
    from wagtail.models import PageLogEntry

    from newsdesk.comments.models import Comment

    started_at = timezone.now()
    with ExitStack() as stack:
        redis = fresh_redis()
        varnish_port = servers.free_port()
        env = {
            "REDIS_URL": redis,
            "VARNISH_URL": f"http://127.0.0.1:{varnish_port}",
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings.bench_load",
        }
        context.log("  starting gunicorn, the task worker and Varnish")
        app = stack.enter_context(servers.newsdesk("newsdesk-load", **env))
        stack.enter_context(worker(servers.newsdesk_env(**env)))
        varnish = stack.enter_context(servers.varnish(app, port=varnish_port))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsdesk-load-")))
        found = plan(backend=app, origin="http://127.0.0.1", served=workdir / "served.json")
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(found))
        context.log("  warming Varnish: front pages, feeds and the most read articles")
        warm = ["/", *found["sections"], *found["feeds"], *found["recent"]]
        with ThreadPoolExecutor(servers.WORKERS * servers.THREADS) as pool:
            list(
                pool.map(
                    lambda path: servers.get(varnish, path, host="127.0.0.1", timeout=120), warm
                )
            )
        context.log(f"  locust: {USERS} users for {SECONDS} s")
        prefix = workdir / "load"
        run_locust(varnish, plan_path, prefix)
        table, total = stats_table(prefix, workdir / "served.json")
        failures = failures_table(prefix)
    posted = Comment.objects.filter(author_email__endswith=f"@{COMMENT_DOMAIN}")
    comments = posted.filter(created_at__gte=started_at).count()
    publishes = PageLogEntry.objects.filter(
        action="wagtail.publish", timestamp__gte=started_at
    ).count()
    deleted, _ = posted.delete()
    shares = "85% readers, 8% searchers, 5% commenters, 2% editors"
    notes = [
        f"locust {USERS} users ({shares} by locust's class weights), started {SPAWN_RATE} a "
        f"second, {SECONDS} s headless on 127.0.0.1 (bench/locustfile.py); locust shares the "
        "2 cores with gunicorn, the worker, Varnish, Redis and PostgreSQL. Times are locust's "
        "(whole response read), percentiles rounded as locust rounds them.",
        "Readers (think time 1-4 s): home, sections, 0-3 of a section's keyset 'Older' pages, "
        f"articles ({RECENT_SHARE:.0%} among the latest {RECENT}, the rest among {ARCHIVE:,} "
        "drawn at random from the corpus, mostly cache misses) and feeds, through Varnish. "
        "Searchers (2-6 s): one of a few queries through Varnish (search pages are cacheable, "
        "so repeated queries are hits), one in five goes on to the next page.",
        f"Commenters (5-15 s): GET one of the latest {RECENT * 3} articles open for comments "
        "through Varnish, wait 4-10 s "
        "(the signed token must be 3 s old), POST its form to /comments/<id>/ through Varnish "
        "(passed) with the page's Origin; a redirect back to the article counts as success. "
        "The servers use newsdesk/settings/bench_load.py: the bench settings with the "
        "per-network comment rate limit relaxed, since every simulated reader posts from "
        "127.0.0.1 (production allows one comment per 15 s per network); moderation, "
        "token and daily limits are production's. The run's comments are deleted afterwards "
        f"({comments} posted, pending moderation as the site's setting asks; {deleted} deleted).",
        "Editors (5-15 s): sign in to the admin straight on gunicorn (session and CSRF cookies, "
        "which production marks Secure, sent over plain-HTTP loopback), open the dashboard and "
        "an article's edit view, then publish it with the admin's publish action "
        "(/admin/bulk/wagtailcore/page/publish/, confirm page and POST): its latest revision "
        "made live again, cache purges by tag to Redis and a BAN to Varnish, as an editor's publish sends. "
        "Publishing from the edit form itself would need its StreamField's form data, "
        f"which the admin builds in JavaScript. {publishes} publishes were logged in the run.",
        "The stack: gunicorn "
        f"{servers.WORKERS} workers x {servers.THREADS} threads with the production settings, "
        f"the page cache in Redis (database {REDIS_DATABASE}, emptied first), "
        "`manage.py run_worker` for queued tasks, Varnish 7 with "
        "deploy/varnish/default.vcl (malloc 256 MB) in front; the home page, the sections, "
        "the feeds and the most read articles fetched once before the run (a warm cache, "
        "as a site in service has), the rest cold.",
    ]
    if total:
        notes.insert(
            0,
            f"In all: {int(total['Request Count']):,} requests, "
            f"{float(total['Requests/s']):,.1f} req/s, p95 {total['95%']} ms, "
            f"{int(total['Failure Count']):,} failures.",
        )
    if failures and any("503" in row[1] for row in failures.rows):
        notes.append(
            "503s are Varnish's 'backend fetch failed': with gunicorn's "
            f"{servers.WORKERS * servers.THREADS} threads all busy rendering cache misses, "
            "the health probe of /healthz (2 s timeout) fails, Varnish marks the backend sick "
            "and answers misses with 503 while it still serves what it holds, or a render "
            "took over the VCL's first_byte_timeout (30 s)."
        )
    tables = [table] + ([failures] if failures else [])
    return Report(tables=tables, notes=notes)
