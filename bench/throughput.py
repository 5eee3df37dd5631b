"""Throughput side by side: Newsdesk's page cache, Varnish, nginx and a stock Wagtail site.

Four systems on this machine, one after another in one run, under the same wrk load (see
wrk.py), on home, a section, the long article (pages.py) and the site feed:

- Newsdesk embedded default: granian as `make run` starts it, the in-process page cache
  answering hits (newsdesk/caching/wsgi.py); and the same in gunicorn, to choose between
  them by measurement;
- Newsdesk production stack: Varnish with deploy/varnish/default.vcl in front of gunicorn,
  whose page cache is in Redis;
- nginx serving the bytes those pages just answered with, as static files (and their .gz
  copies, made beforehand): the limit;
- stock Wagtail from PyPI with the same article text (peer.py): the reference peer.
"""

from __future__ import annotations

import gzip
import statistics
import time
from contextlib import ExitStack

from . import peer, servers, wrk
from .harness import Context, Report, Table, benchmark, ms
from .pages import article_text, pages

EMBEDDED = "Newsdesk embedded, granian (page cache hit)"
EMBEDDED_GUNICORN = "Newsdesk embedded, gunicorn (page cache hit)"
VARNISH = "Newsdesk production (Varnish hit)"
NGINX = "nginx static file"
STOCK = "stock Wagtail 8 (no cache)"
FLOOR = "granian floor: /healthz"
FLOOR_GUNICORN = "gunicorn floor: /healthz"
TARGETS = [  # (what, faster, slower, at least; None: shown, not a target)
    ("embedded / stock Wagtail", EMBEDDED, STOCK, 30.0),
    ("embedded / nginx", EMBEDDED, NGINX, 0.25),
    ("Varnish / nginx", VARNISH, NGINX, 0.9),
    # `serve_site --server gunicorn`, not the default: the figure that chose granian.
    ("embedded in gunicorn / nginx", EMBEDDED_GUNICORN, NGINX, None),
]
WARM_UP = 1  # second of load before each measured run: every worker's cache fills


def prime(port: int, path: str, *, cached: bool) -> bytes:
    """GET `path` until it is a cache hit (if `cached`); its body. Fails on anything but 200."""
    for _ in range(3):
        status, headers, body = servers.get(port, path, timeout=120)  # a cold home: ~10 s
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} on port {port}")
        if not cached or headers.get("x-cache") == "HIT":
            return body
    raise RuntimeError(f"GET {path} on port {port} is never a cache hit: {headers}")


def in_process(path: str, seconds: float = 2.0) -> tuple[float, str]:
    """Hits per second of the page cache called directly, no HTTP: (rate, X-Cache)."""
    import io
    import sys

    from newsdesk.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(headers)

    for _ in range(3):
        b"".join(application(dict(environ), start_response))
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(100):
            b"".join(application(dict(environ), start_response))
        count += 100
    return count / (time.perf_counter() - started), seen.get("X-Cache", "-")


@benchmark("throughput", "Throughput side by side: page cache, Varnish, nginx, stock Wagtail")
def throughput(context: Context) -> Report:
    notes = []
    paths = pages()
    title, dek, body, words = article_text()
    context.log("  the stock Wagtail site (var/bench/stock-wagtail)")
    peer_path = peer.ensure_peer(title=title, intro=dek, body_html=body, log=context.log)
    results: dict[tuple[str, str], list[wrk.Result]] = {}
    results_in_process: dict[str, tuple[float, str]] = {}
    with ExitStack() as stack:
        context.log("  starting granian, gunicorn (twice), Varnish, nginx and the stock site")
        embedded = stack.enter_context(servers.newsdesk("newsdesk-embedded", server="granian"))
        embedded_gunicorn = stack.enter_context(servers.newsdesk("newsdesk-embedded-gunicorn"))
        varnish = servers.free_port()
        app = stack.enter_context(
            servers.newsdesk(
                "newsdesk-production",
                REDIS_URL=servers.redis_url(),
                VARNISH_URL=f"http://127.0.0.1:{varnish}",  # as deployed: pages carry tags
            )
        )
        stack.enter_context(servers.varnish(app, port=varnish))
        saved = {path: prime(embedded, path, cached=True) for _, path in paths}
        for _, path in paths:
            prime(embedded_gunicorn, path, cached=True)
        for _, path in paths:
            prime(varnish, path, cached=True)
        systems = {EMBEDDED: embedded, EMBEDDED_GUNICORN: embedded_gunicorn, VARNISH: varnish}
        try:
            systems[NGINX] = stack.enter_context(servers.nginx(saved))
        except servers.Missing as error:
            notes.append(f"nginx: not measured. {error}")
        stock = stack.enter_context(peer.serve())
        prime(stock, peer_path, cached=False)
        systems[STOCK] = stock
        # Page by page, the systems one after another: the machine is shared, and what is
        # compared should be measured as close together in time as possible; then again,
        # for the median of a few rounds.
        for round_ in range(1, wrk.rounds() + 1):
            for kind, path in paths:
                for system, port in systems.items():
                    target = path if system != STOCK else peer_path if kind == "article" else None
                    if target is None:
                        continue
                    context.log(f"  round {round_}, {kind}: {system} {target}")
                    if system in (EMBEDDED, EMBEDDED_GUNICORN, VARNISH):
                        # Copies live s-maxage (5 min): one may have expired since the last
                        # round, and a miss under load would be timed as the cache's.
                        servers.warm(port, target)
                    wrk.run(port, target, seconds_=WARM_UP)
                    results.setdefault((kind, system), []).append(wrk.run(port, target))
                if kind == "article":
                    context.log(f"  round {round_}, {kind}: {FLOOR}")
                    results.setdefault((kind, FLOOR), []).append(wrk.run(embedded, "/healthz"))
                    floor = wrk.run(embedded_gunicorn, "/healthz")
                    results.setdefault((kind, FLOOR_GUNICORN), []).append(floor)
        for kind, path in paths:
            rate, label = in_process(path)
            results_in_process[kind] = (rate, label)
    found = report(paths, results, notes, words=words, saved=saved)
    direct = Table(
        ["page", "hits/s on one core", "per hit", "X-Cache"],
        title="The page cache called in this process, without HTTP (newsdesk.wsgi.application)",
    )
    for kind, (rate, label) in results_in_process.items():
        direct.add(kind, f"{rate:,.0f}", f"{1e6 / rate:,.0f} µs", label)
    found.tables.append(direct)
    floor, nginx = results.get(("article", FLOOR)), results.get(("article", NGINX))
    embedded = results.get(("article", EMBEDDED))
    if floor and nginx and embedded:
        rate = statistics.median(r.requests_per_second for r in floor)
        limit = statistics.median(r.requests_per_second for r in nginx)
        hit = statistics.median(r.requests_per_second for r in embedded)
        found.notes.append(
            f"granian answering /healthz serves {rate / limit:.2f}x nginx's article rate, and "
            f"the page cache's hits {hit / rate:.0%} of that. /healthz runs no Django view but "
            "builds its security headers on every request, which a stored page already carries: "
            "a hit can beat it. The cache's own cost is the in-process table: a hit without "
            "HTTP, against a request through the server."
        )
    return found


def median(rounds: list[wrk.Result]) -> wrk.Result:
    """The round with the median requests/s (the lower middle one of an even count)."""
    ordered = sorted(rounds, key=lambda result: result.requests_per_second)
    return ordered[(len(ordered) - 1) // 2]


def report(paths, rounds, notes, *, words: int, saved: dict[str, bytes]) -> Report:
    results = {key: median(found) for key, found in rounds.items()}
    table = Table(
        ["page", "system", "requests/s", "rounds' range", "p50", "p99", "requests", "errors"]
    )
    for kind, path in paths:
        for system in (EMBEDDED, EMBEDDED_GUNICORN, VARNISH, NGINX, STOCK, FLOOR, FLOOR_GUNICORN):
            result = results.get((kind, system))
            if result is None:
                continue
            spread = [found.requests_per_second for found in rounds[kind, system]]
            table.add(
                f"{kind} ({path})" if system == EMBEDDED else "",
                system,
                f"{result.requests_per_second:,.0f}",
                f"{min(spread):,.0f}-{max(spread):,.0f}",
                ms(result.p50),
                ms(result.p99),
                f"{result.requests:,}",
                sum(found.errors for found in rounds[kind, system]),
            )
    ratios = Table(
        ["ratio of requests/s", "page", "measured", "target", "verdict"], title="Targets"
    )
    for label, fast, slow, target in TARGETS:
        for kind, _ in paths:
            a, b = results.get((kind, fast)), results.get((kind, slow))
            if a is None or b is None:
                continue
            value = a.requests_per_second / b.requests_per_second
            if target is None:
                ratios.add(label, kind, f"{value:,.2f}x", "(not the default)", "-")
                continue
            verdict = "met" if value >= target else f"missed by {(1 - value / target):.0%}"
            ratios.add(label, kind, f"{value:,.2f}x", f">= {target:g}x", verdict)
    sizes = ", ".join(
        f"{kind} {len(saved[path]):,} B ({len(gzip.compress(saved[path], 9)):,} B gzipped)"
        for kind, path in paths
    )
    notes = [
        f"`{wrk.settings()}` on 127.0.0.1 with `Host: localhost`, after {WARM_UP} s of warm-up "
        "load per page; one system under load at a time, all started; wrk shares the 2 cores "
        "with the server it loads. wrk asks for gzip as browsers do: nginx sends the .gz file "
        "made beforehand, Varnish and the page cache the gzipped copy they hold, the stock "
        "site its uncompressed page (it compresses nothing). "
        f"{wrk.rounds()} rounds (BENCH_ROUNDS), each page by page with the systems one after "
        "another, the cached ones first made steady hits again (copies live 5 minutes); the row is the round with the median requests/s, ratios are between those "
        "medians; errors are summed over the rounds (wrk counts a request over 2 s as one).",
        f"granian and gunicorn: {servers.WORKERS} workers x {servers.THREADS} threads (granian's "
        "blocking threads, gunicorn's gthread) for Newsdesk, gunicorn for the stock site, as "
        "`make run` starts them but without the access log; "
        f"nginx: {servers.WORKERS} workers, access log off, sendfile.",
        "Newsdesk embedded = the in-process page cache (LocMem in each worker, purge marks in a "
        "shared file), the production settings (newsdesk/settings/bench.py) on the bench "
        "PostgreSQL database rather than SQLite: a hit reads neither, so the database does not "
        "change these figures; it lets every system serve the same corpus pages. "
        "Newsdesk production = Varnish 7 (malloc 256 MB) in front of gunicorn with the page "
        "cache in Redis.",
        f"nginx serves the exact bytes the embedded server answered ({sizes}). The stock Wagtail "
        f"site has one page, so it is measured on the article only: the same headline, "
        f"standfirst and {words:,} words of body as the Newsdesk article, in the stock "
        "base.html (`wagtail start`, production settings, SQLite, no cache).",
        "Floors: the same granian and gunicorn as the embedded rows answering a 3-byte "
        "response before the page cache and Django (newsdesk/caching/wsgi.py `health`, which "
        "adds the security headers): about what that server can do here. When a cache hit "
        "comes close to it, the cost is the server's, not the cache's.",
        *notes,
    ]
    return Report(tables=[table, ratios], notes=notes)
