"""Feeds on the corpus: render time and query count of the site, section and author feeds.

The feeds live in ``newsdesk/distribution/feeds/`` (URL names ``feeds:site-rss`` and so on).
"""

from __future__ import annotations

import time

from .harness import Context, Report, Table, benchmark, count_queries, median_time, ms, size

REPEAT = 5


@benchmark("feeds", "RSS and Atom feeds on the generated corpus: time and queries")
def feeds(context: Context) -> Report:
    from django.urls import reverse

    from newsdesk.people.models import PersonPage

    author = PersonPage.objects.filter(kind="author").order_by("title").first()
    paths = [
        ("site RSS", reverse("feeds:site-rss")),
        ("site Atom", reverse("feeds:site-atom")),
        ("section RSS (World)", reverse("feeds:section-rss", kwargs={"slug": "world"})),
        (f"author RSS ({author.title})", reverse("feeds:author-rss", kwargs={"slug": author.slug})),
    ]
    client = context.client()
    table = Table(
        [
            "feed",
            "items",
            "size",
            "queries",
            "first render",
            "render (median)",
            "304 (If-None-Match)",
        ]
    )
    for label, path in paths:
        context.log(f"  {label}")
        start = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - start
        if response.status_code != 200:
            table.add(label, "-", "-", "-", f"HTTP {response.status_code}", "-", "-")
            continue
        body = response.getvalue()
        items = body.count(b"<item>") + body.count(b"<entry>")
        warm = median_time(lambda path=path: client.get(path), repeat=REPEAT)
        queries = count_queries(lambda path=path: client.get(path))
        not_modified = "-"
        if response.has_header("ETag"):
            etag = response["ETag"]
            check = client.get(path, HTTP_IF_NONE_MATCH=etag)
            if check.status_code == 304:
                not_modified = ms(
                    median_time(
                        lambda path=path, etag=etag: client.get(path, HTTP_IF_NONE_MATCH=etag),
                        repeat=REPEAT,
                    )
                )
        table.add(label, items, size(len(body)), queries, ms(cold), ms(warm), not_modified)
    return Report(
        tables=[table],
        notes=[
            f"In this process through Django's full request stack (test client); medians of "
            f"{REPEAT} renders after the first. The first render may make image renditions.",
        ],
    )
