"""`python -m bench [names...]`: run benchmarks on PostgreSQL and record them in bench/RESULTS.md."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from . import harness

# Each module registers its benchmarks when imported.
MODULES = (
    "bench.corpus_bench",
    "bench.sitemaps",
    "bench.feeds",
    "bench.search",
    "bench.throughput",
    "bench.cold",
    "bench.firstview",
    "bench.lighthouse",
    "bench.publish",
    "bench.scale",
    "bench.wxr_import",
    "bench.load",
)


def main(argv: list[str] | None = None) -> int:
    for module in MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run Newsdesk's benchmarks on PostgreSQL."
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument(
        "--articles", type=int, default=100_000, help="generated articles (default 100,000)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the results; leave bench/RESULTS.md"
    )
    args = parser.parse_args(argv)
    if args.list:
        for benchmark in harness.BENCHMARKS.values():
            print(f"{benchmark.name:12} {benchmark.title}")
        return 0
    names = args.names or list(harness.BENCHMARKS)
    unknown = [name for name in names if name not in harness.BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; see --list")

    started = time.perf_counter()
    harness.setup_django()
    from .corpus import ensure_corpus

    corpus = ensure_corpus(args.articles)
    context = harness.Context(articles=args.articles, corpus=corpus)
    described = (
        f"{harness.software()}; {corpus['generated']:,} generated and {corpus['demo']} demo "
        f"articles ({corpus['published']:,} published)"
    )
    if corpus["made"]:
        described += f"; this run generated {corpus['made']:,} of them in {corpus['seconds']:.0f} s"
    default = ["--articles", str(args.articles)] if args.articles != 100_000 else []
    sections = {}
    for name in names:
        benchmark = harness.BENCHMARKS[name]
        print(f"\n== {name}: {benchmark.title}", flush=True)
        try:
            report = benchmark.run(context)
        except harness.Missing as error:
            report = harness.Report(notes=[f"Not measured: {error}"])
        for table in report.tables:
            print(table.text())
        for note in report.notes:
            print(f"- {note}")
        command = " ".join(
            ["make bench", f"BENCH={name}"]
            if not default
            else [".venv/bin/python -m bench", name, *default]
        )
        sections[name] = harness.section(benchmark, report, command=command, context=described)
    if not args.no_write:
        harness.write_results(sections)
        print(f"\nWritten to {harness.RESULTS.relative_to(harness.ROOT)}", end="")
    print(f" ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
