"""How fast bench/corpus.py writes articles into the page tree (the corpus is left as it is)."""

from __future__ import annotations

from .harness import Context, Report, Table, benchmark, ms

COUNT = 10_000


@benchmark("corpus", "generating the article corpus with COPY")
def corpus(context: Context) -> Report:
    from .corpus import generation_rate

    seconds = generation_rate(COUNT)
    table = Table(["articles", "time", "per second", "100,000 at that rate"])
    table.add(f"{COUNT:,}", ms(seconds), f"{COUNT / seconds:,.0f}", ms(100_000 / COUNT * seconds))
    return Report(
        tables=[table],
        notes=[
            f"{COUNT:,} more articles written (headlines, bodies, bylines, page tree paths) in "
            "a transaction that is then rolled back, so the shared corpus stays as it is.",
        ],
    )
