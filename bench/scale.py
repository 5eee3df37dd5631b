"""Cold renders at 10,000, 100,000 and 1,000,000 articles: time and SQL queries per page type.

Each scale has its own PostgreSQL database (DATABASES: 100,000 is the other benchmarks'
`newsdesk_bench`), created, migrated and loaded with the demo once, then filled with
`newsdesk/demo/generate.py`'s articles (with topics as tags) and one comment per five
articles, committed before it is measured; a database already past its scale is measured at
its size. A child process per scale (`python -m bench.scale --articles 10000 --database
newsdesk_bench_10k`) sets Django up for that database and prints one JSON line.

A cold render is a request that no page cache answers (Django's test client, straight to
the view), after a first request has filled the fragment cache (site, settings, navigation,
sections, related stories: what a running site always has). The first render with every
cache empty is counted too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from .harness import ROOT, Context, Report, Table, benchmark

SCALES = (10_000, 100_000, 1_000_000)
DATABASES = {10_000: "newsdesk_bench_10k", 100_000: "newsdesk_bench"}
DATABASE = "newsdesk_bench_scale"  # any other scale
# Renders timed per page: REPEAT at least, and for SAMPLE_SECONDS, so that a page of a few
# milliseconds gets a median of hundreds, not of 7 noisy ones.
REPEAT = 7
SAMPLE_SECONDS = 1.0
PAGES = ("home", "section", "section, deep page", "article", "tag", "author", "archive month",
         "feed", "sitemap index")  # fmt: skip


def urls() -> dict[str, str]:
    """A URL per page type, picked from the generated corpus (its middle, where it can be)."""
    from newsdesk.articles.models import SectionPage
    from newsdesk.articles.pagination import cursor
    from newsdesk.demo.generate import corpus_articles
    from newsdesk.people.models import PersonPage

    world = SectionPage.objects.get(slug="world")
    in_world = corpus_articles().child_of(world).order_by("first_published_at")
    count = in_world.count()
    article = in_world[count // 2]
    author = (
        PersonPage.objects.filter(pk__in=article.bylines.values("person")).first()
        or PersonPage.objects.first()
    )
    tag = article.tags.first()
    month = article.first_published_at
    return {
        "home": "/",
        "section": world.url,
        "section, deep page": f"{world.url}?before={cursor(article)}",
        "article": article.url,
        "tag": f"/tags/{tag.slug}/" if tag else "/tags/diplomacy/",
        "author": author.url,
        "archive month": f"/archive/{month.year}/{month.month:02d}/",
        "feed": "/feeds/rss/",
        "sitemap index": "/sitemap.xml",
    }


def measure(url: str, client) -> dict:
    from django.core.cache import caches
    from django.db import connection

    def get() -> int:
        """Render once; the number of SQL statements it ran."""
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (url, response.status_code)
        return count

    for cache in caches.all():
        cache.clear()
    first = get()  # every cache empty; also makes any missing renditions
    queries = get()
    times = []
    until = time.perf_counter() + SAMPLE_SECONDS
    while len(times) < REPEAT or time.perf_counter() < until:
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return {"ms": statistics.median(times) * 1000, "queries": queries, "first_queries": first}


def child(sizes: list[int], database: str) -> None:
    """In its own process: grow the database through `sizes`, measuring at each."""
    from . import harness

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    base = harness.bench_database_url()
    os.environ["BENCH_DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path=f"/{database}"))
    harness.setup_django(log=log)
    from django.db import transaction

    from newsdesk.demo.generate import ensure_corpus, generate_comments

    for articles in sorted(sizes):
        corpus = ensure_corpus(articles, log=log)
        started = time.perf_counter()
        with transaction.atomic():
            corpus["comments_made"] = generate_comments(articles // 5, log=log)
        corpus["comment_seconds"] = time.perf_counter() - started
        client = harness.Context(articles=articles, corpus=corpus).client()
        pages = {name: {"url": url, **measure(url, client)} for name, url in urls().items()}
        result = {"articles": articles, "database": database, "corpus": corpus, "pages": pages}
        print(json.dumps(result, default=str), flush=True)


def run_child(size: int, log) -> dict:
    database = DATABASES.get(size, DATABASE)
    log(f"-- {size:,} articles in {database}")
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--articles", str(size), "--database", database],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return next(json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))


@benchmark("scale", "cold renders at 10,000, 100,000 and 1,000,000 articles")
def scale(context: Context) -> Report:
    wanted = os.environ.get("BENCH_SCALES", "")
    sizes = [int(n) for n in wanted.split(",")] if wanted else list(SCALES)
    return report([run_child(size, context.log) for size in sizes])


def report(results: list[dict]) -> Report:
    columns = ["page"] + [f"{r['articles']:,} articles" for r in results]
    table = Table(
        columns,
        title="Cold render: median of 1 s of renders (7 at least), SQL queries (first render)",
    )
    for page in PAGES:
        cells = []
        for r in results:
            m = r["pages"][page]
            cells.append(f"{m['ms']:.1f} ms, {m['queries']} ({m['first_queries']})")
        table.add(page, *cells)
    made = Table(["articles", "comments", "articles made", "seconds"], title="Growing the corpus")
    for r in results:
        c = r["corpus"]
        made.add(
            f"{c['generated']:,}",
            f"{r['articles'] // 5:,}",
            f"{c['made']:,}",
            f"{c['seconds'] + c['comment_seconds']:.0f}",
        )
    return Report(
        tables=[table, made],
        notes=[
            "Cold: Django's test client straight to the view (no page cache), after one request "
            "filled the fragment cache; in brackets the queries of the first render with every "
            "cache empty (site, settings, navigation and related stories built, renditions "
            "made).",
            "URLs: the middle article of World by date, its first author and tag, its month; "
            "the deep page is the page of World's stories just older than that article "
            "(`?before=`, a keyset page: numbered pages stop at 10).",
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--articles", required=True, help="scales, e.g. 10000,100000")
    parser.add_argument("--database", default=DATABASE)
    args = parser.parse_args()
    child([int(n) for n in args.articles.split(",")], args.database)


if __name__ == "__main__":
    main()
