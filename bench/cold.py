"""Cold render side by side: the long article rendered by Newsdesk and by stock Wagtail.

"Cold" is a page-cache miss: Newsdesk runs with PAGE_CACHE off (its fragment caches stay on,
warm as on a site in service), so every request renders the page; the stock Wagtail site
(peer.py) has no page cache at all. Each system is served over HTTP on loopback, one request
at a time after a warm-up, so the time is one render plus the server's own overhead.

The issue measures each system in its stock configuration: the stock site on SQLite, as
`wagtail start` makes it, and Newsdesk as `make run` serves it, on SQLite too (embedded.py).
The target, Newsdesk's article in at most half the stock site's time, is read on that pair;
Newsdesk on the bench PostgreSQL database, production's engine, is measured beside them.
"""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack

from . import peer, servers
from .embedded import ensure_embedded
from .harness import Context, Report, Table, benchmark, ms
from .pages import article_text, pages

REQUESTS = 50
ROUNDS = 8  # alternating the systems: a change in the machine's load falls on both
WARM_UP = 5
TARGET = 0.5  # Newsdesk's time over the stock site's, at most


def timings(port: int, path: str) -> list[float]:
    for _ in range(WARM_UP):
        status, _, _ = servers.get(port, path, timeout=120)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} on port {port}")
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        servers.get(port, path)
        times.append(time.perf_counter() - started)
    return times


EMBEDDED = "Newsdesk embedded default (SQLite)"
POSTGRES = "Newsdesk on PostgreSQL"
STOCK = "stock Wagtail 8 (SQLite)"


@benchmark("cold", "Cold render side by side: the article in Newsdesk and in stock Wagtail")
def cold(context: Context) -> Report:
    title, dek, body, words = article_text()
    peer_path = peer.ensure_peer(title=title, intro=dek, body_html=body, log=context.log)
    article = dict(pages())["article"]
    embedded_url = ensure_embedded(context.log)
    table = Table(["system", "page", "p50", "p90", "min", "requests"])
    with ExitStack() as stack:
        context.log(
            "  starting Newsdesk (page cache off) on SQLite and PostgreSQL, and the stock site"
        )
        systems = [
            (EMBEDDED, servers.newsdesk("newsdesk-cold", server="granian", PAGE_CACHE="false", DATABASE_URL=embedded_url), article),
            (POSTGRES, servers.newsdesk("newsdesk-cold-pg", server="granian", PAGE_CACHE="false"), article),
            (STOCK, peer.serve(), peer_path),
        ]  # fmt: skip
        ports = {system: stack.enter_context(server) for system, server, _ in systems}
        found = {}
        for round_ in range(ROUNDS):
            for system, _, path in systems:
                context.log(f"  round {round_ + 1}: {system} {path}")
                found.setdefault(system, []).extend(timings(ports[system], path))
    for system, _, path in systems:
        times = found[system]
        table.add(
            system,
            path,
            ms(statistics.median(times)),
            ms(statistics.quantiles(times, n=10)[-1]),
            ms(min(times)),
            len(times),
        )
    p50 = {system: statistics.median(times) for system, times in found.items()}
    targets = Table(["ratio of p50", "measured", "target", "verdict"], title="Target")
    ratio = p50[EMBEDDED] / p50[STOCK]
    verdict = "met" if ratio <= TARGET else f"missed: {ratio / TARGET:.1f}x the budget"
    targets.add("embedded default / stock Wagtail", f"{ratio:.2f}x", f"<= {TARGET:g}x", verdict)
    targets.add(
        "on PostgreSQL / stock Wagtail", f"{p50[POSTGRES] / p50[STOCK]:.2f}x", "(production)", "-"
    )
    notes = [
        f"The long article (about {words:,} words, pages.py) in each; {REQUESTS} requests per "
        f"system per round after {WARM_UP} warm-up requests, {ROUNDS} rounds alternating the "
        "systems, one request at a time over HTTP on 127.0.0.1 (time to the last byte).",
        "Newsdesk: granian as `make run` serves it, PAGE_CACHE=false, production settings "
        "(fragment caches, sessions untouched for anonymous readers), on the embedded "
        "default's SQLite database (the demo and the long article, bench/embedded.py) and on "
        "the bench PostgreSQL database. Stock Wagtail: gunicorn, its project template's "
        "production settings, SQLite.",
        "What a miss renders in Newsdesk (docs/caching.md): the story, its head (meta tags "
        "rendered), the related rail, the rating widget, the comments and their form, the "
        "masthead and the footer come kept from the fragment cache, filled while warming up, "
        "as they are after a purge of another page; the article is read in one query "
        "(without its body, by SQL compiled once per process) and the frame around the kept "
        "parts is rendered. Purging the article itself purges its fragments too: its next "
        "miss renders them again.",
        "Where the time goes: one request at a time over HTTP, granian answers /healthz in "
        "about 0.4 ms here; Newsdesk's whole render in this process (no HTTP) takes about "
        "1.6 ms on SQLite and 2.1 ms on PostgreSQL, whose query and per-request health check "
        "are round trips to another process. The rest is the server and the process switches "
        "between client, server and database on two shared cores.",
    ]
    return Report(tables=[targets, table], notes=notes)
