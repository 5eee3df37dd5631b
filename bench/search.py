"""Reader search on the corpus: latency (p50, p95) of /search/ for typical and hostile queries.

The corpus is written with COPY, past Wagtail's signals, so its articles are not in the search
index: the first run indexes them (``newsdesk.search.indexing.index_articles``, a few minutes
for 100,000) and later runs reuse the index. Each query is requested through Django's full
stack (test client) after a warm-up; "search only" times the backend's part alone (the count
and the first page of results, as the view asks for them).
"""

from __future__ import annotations

import math
import re
import time
from datetime import timedelta

from .harness import Context, Report, Table, benchmark, count_queries, ms

REPEAT = 20
TARGET_P95 = 0.100  # seconds: issue #6's budget for a search on this machine


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ensure_index(context: Context) -> tuple[int, float]:
    """Index every article the index lacks, or all of them if the index was written before
    the article's fields were indexed as they are now; returns (articles indexed, seconds)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast
    from wagtail.search.models import IndexEntry

    from newsdesk.articles.models import ArticlePage
    from newsdesk.search.indexing import index_articles

    entries = IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ArticlePage),
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    missing = ArticlePage.objects.filter(~Exists(entries))
    if outdated():
        missing = ArticlePage.objects.all()
    count = missing.count()
    if not count:
        return 0, 0.0
    context.log(f"  indexing {count:,} articles (once; later runs reuse the index)...")
    started = time.perf_counter()
    index_articles(missing)
    return count, time.perf_counter() - started


def outdated() -> bool:
    """Whether the newest articles' entries lack their headline in the body vector, where
    the index puts it now (search/backend.py: TITLE_IN_BODY): a corpus indexed before that
    matched many headlines only through the title vector."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection
    from wagtail.search.models import IndexEntry

    from newsdesk.articles.models import ArticlePage

    if connection.vendor != "postgresql":
        return False
    kind = ContentType.objects.get_for_model(ArticlePage)
    for article in ArticlePage.objects.order_by("-pk")[:20]:
        entry = IndexEntry.objects.filter(content_type=kind, object_id=str(article.pk))
        words = SearchQuery(article.headline, config="english")
        if entry.exists() and not entry.filter(body=words).exists():
            return True
    return False


def queries() -> list[tuple[str, dict]]:
    from django.db.models import Count
    from django.utils import timezone

    from newsdesk.articles.models import ArticleByline
    from newsdesk.people.models import PersonPage

    busiest = ArticleByline.objects.values("person").annotate(n=Count("pk")).order_by("-n").first()
    author = PersonPage.objects.get(pk=busiest["person"])
    today = timezone.localdate()
    return [
        ("one common word", {"q": "water"}),
        ("two words", {"q": "port workers"}),
        ("stemmed plural", {"q": "elections"}),
        ("rare word", {"q": "Valparaíso"}),
        ('"phrase"', {"q": '"rescue package"'}),
        ("three words + section", {"q": "minimum wage vote", "section": "business"}),
        ("word + author", {"q": "pension", "author": author.slug}),
        ("word + last 30 days", {"q": "drought", "from": (today - timedelta(30)).isoformat()}),
        ("newest first", {"q": "tariff plan", "sort": "newest"}),
        ("page 40", {"q": "water", "page": "40"}),
        ("no results, did you mean", {"q": "fertilsier subsidyy"}),
        ("100 KB of junk", {"q": "((\"'; DROP TABLE x; -- " * 4000}),
        ("section only, no words", {"section": "world"}),
    ]


def result_count(html: str) -> str:
    if found := re.search(r'class="search-summary">\s*<span>(More than )?(\d+) results?', html):
        return f"{found.group(1) or ''}{int(found.group(2)):,}"
    return "0" if "No articles match" in html else "-"


def search_only(params: dict, sections: list, people: list) -> int:
    """What the backend does for the page: the count and the first 12 results."""
    from django.http import QueryDict
    from django.utils.http import urlencode

    from newsdesk.articles.models import ArticlePage
    from newsdesk.search.query import ReaderQuery
    from newsdesk.search.views import Filters

    query = ReaderQuery.parse(params.get("q", ""))
    if not query:
        return 0
    filters = Filters.parse(QueryDict(urlencode(params)), sections=sections, people=people)
    articles = filters.apply(ArticlePage.objects.published())
    if filters.sort == "newest":
        results = articles.order_by("-first_published_at").search(
            query.search_query(), order_by_relevance=False
        )
    else:
        results = articles.search(query.search_query())
    count = results.count()
    list(results[:12])
    return count


@benchmark("search", "Reader search on the generated corpus: latency p50 and p95")
def search(context: Context) -> Report:
    from django.urls import reverse

    from newsdesk.articles.models import SectionPage
    from newsdesk.people.models import PersonPage

    made, seconds = ensure_index(context)
    sections = list(SectionPage.objects.live().order_by("path"))
    people = list(PersonPage.objects.live())
    path = reverse("site_search:search")
    client = context.client()
    table = Table(
        ["query", "results", "queries", "p50", "p95", "search only p50", "search only p95"]
    )
    every = []
    for label, params in queries():
        context.log(f"  {label}")
        response = client.get(path, params)  # warm-up (and renditions, once)
        if response.status_code != 200:
            table.add(label, f"HTTP {response.status_code}", "-", "-", "-", "-", "-")
            continue
        results = result_count(response.content.decode())
        times, backend = [], []
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(path, params)
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            search_only(params, sections, people)
            backend.append(time.perf_counter() - started)
        every += times
        table.add(
            label,
            results,
            count_queries(lambda params=params: client.get(path, params)),
            ms(percentile(times, 50)),
            ms(percentile(times, 95)),
            ms(percentile(backend, 50)),
            ms(percentile(backend, 95)),
        )
    overall = Table(["requests", "p50", "p95", "target p95"], title="All queries together")
    p95 = percentile(every, 95)
    overall.add(
        len(every),
        ms(percentile(every, 50)),
        ms(p95),
        f"{ms(TARGET_P95)} ({'met' if p95 <= TARGET_P95 else 'missed'})",
    )
    notes = [
        f"{REPEAT} requests per query after a warm-up, in this process through Django's full "
        "request stack (test client: middleware, URL routing, template rendering, no network). "
        "Search only: the backend's count and first page of 12 with the same filters, without "
        "the page around it (no words: nothing to search, 0).",
        "Database backend on PostgreSQL (full-text search, `english` configuration, weights "
        "A-D); the whole corpus is searched, filters and `published()` are SQL conditions.",
        "Each search ranks and counts candidates only: the newest 500 matches and the newest "
        "100 headline matches (`search/backend.py`); past 500 the page says 'More than 500'. "
        "Without a filter they come from the dated index (each article's vectors beside its "
        "date, `search/migrations/0003`, `0004`): walked newest first for a common word, "
        "else from its GIN indexes; with one, from a join of the matches to the filtered "
        "pages. Phrases are found through their words in any order, then re-checked (and "
        "ranked) by id; 'did you mean' adds its own searches.",
        "Result cards are kept as HTML per article between searches (`search/cards.py`): "
        "after the warm-up request, a query's 12 cards come from the in-process cache and "
        "only the headline and snippet are made per search. Cards not yet kept cost their "
        "bylines, renditions and bodies (three queries for the page) and their template: "
        "about 20 ms more for a page of 12 (85 against 65 ms for 'two words', measured "
        "once while writing this).",
    ]
    if made:
        notes.append(f"This run indexed {made:,} articles first, in {seconds:.0f} s.")
    return Report(tables=[overall, table], notes=notes)
