"""Wagtail's database search backend, with the headline weighted above the rest on SQLite.

Configured as `WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "newsdesk.search.backend"`.
On PostgreSQL (and MySQL) this is exactly Wagtail's database backend: PostgreSQL ranks with
tsvector weights A-D taken from the `boost` of each `index.SearchField`. Wagtail's SQLite
backend scores with FTS5's `bm25()` over the whole row, so a word in the headline counts no
more than the same word deep in the body; here the `bm25()` call gives the title column its
own weight. Elasticsearch/OpenSearch are configured by naming their Wagtail backend instead:
the search page uses only Wagtail's search API, so nothing else changes.

On PostgreSQL, Wagtail matches with `(title || body) @@ query`: the concatenation defeats the
GIN indexes on both columns, so every search reads every index entry (seconds at 100,000
articles). A model that indexes its title a second time under another name (ArticlePage's
`headline`) has every searchable word in `body`; for such models the match here is
`body @@ query OR title @@ query`, which the GIN indexes answer. Ranking is unchanged.
"""

import json
from contextlib import contextmanager
from functools import cache

from wagtail.search.backends import database

# FTS5 column weights, in the order Wagtail creates the table: (autocomplete, body, title).
# A headline match is worth ten matches in the body text (dek, names, tags and body share
# the "body" column on SQLite; PostgreSQL tells those apart too).
FTS5_WEIGHTS = (0.0, 1.0, 10.0)


@cache
def weighted_sqlite_backend_class():
    # Imported here: Wagtail defines its SQLite index models only on a SQLite connection.
    from django.db.models import FloatField, Func
    from wagtail.search.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )

    class WeightedBM25(Func):
        output_field = FloatField()

        def as_sql(self, compiler, connection, **extra):
            weights = ", ".join(str(float(weight)) for weight in FTS5_WEIGHTS)
            return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []

    class WeightedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def _build_rank_expression(self, vectors, config):
            # One bm25() for the whole MATCH, which already holds every term of the query
            # (negative, better matches more so; Wagtail orders it ascending).
            return WeightedBM25()

    class WeightedSQLiteSearchBackend(SQLiteSearchBackend):
        query_compiler_class = WeightedSQLiteSearchQueryCompiler

    return WeightedSQLiteSearchBackend


# A search finds at most this many results (the newest matches, "more than 500" beyond), plus
# older headline matches when ranking by relevance; models opt in with `search_newest_first`.
RESULTS_CAP = 500
HEADLINE_CANDIDATES = 100
WALK_COST = 3  # reading an article's body vector, in index entries read from the GIN matches

# The second name under which a model indexes its title, putting it into the body vector too.
TITLE_IN_BODY = "headline"


def body_holds_every_word(model) -> bool:
    return any(f.field_name == TITLE_IN_BODY for f in model.get_searchable_search_fields())


def index_entries(model):
    """The model's index entries, with the object id as the integer it is."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import IntegerField
    from django.db.models.functions import Cast
    from wagtail.search.models import IndexEntry

    return IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).values(
        page_id=Cast("object_id", IntegerField())
    )


def estimated_rows(queryset) -> float:
    """PostgreSQL's estimate of the rows a query returns (planning only, about a millisecond)."""
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def common(found: float, searched: float, limit: int) -> bool:
    """Whether walking the newest articles finds `limit` matches sooner than reading every
    match: it reads about limit / share articles' vectors, against reading the index entry of
    every match, a third of the cost each (measured on the bench corpus)."""
    return found * found > WALK_COST * limit * searched


@contextmanager
def without_sequential_scans(alias: str):
    """Plan the next statements without sequential scans or parallel workers, then as before.

    The planner prices a sequential scan of the index entries without what testing each
    body vector costs (reading it from TOAST): with a filter narrowing the articles (the
    last 30 days, an author), it chose to test every entry (0.4 s) over the GIN indexes.
    Parallel workers each built the same hash of matches again, on a machine whose cores
    other readers' requests need.
    """
    from django.db import connections, transaction

    outer = connections[alias].in_atomic_block
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # SET LOCAL: ends with this transaction, or is put back below inside a caller's.
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), "
            "current_setting('max_parallel_workers_per_gather'), "
            "set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        before = cursor.fetchone()[:2]
        try:
            yield
        finally:
            if outer:
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, true), "
                    "set_config('max_parallel_workers_per_gather', %s, true)",
                    before,
                )


@cache
def indexed_postgres_backend_class():
    from django.db.models import Q
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )
    from wagtail.search.query import And, Phrase, PlainText

    def plain(query) -> bool:
        if isinstance(query, And):
            return all(plain(sub) for sub in query.subqueries)
        return isinstance(query, PlainText | Phrase)

    class IndexedPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        def search(self, config, start, stop, score_field=None, backend=None):
            model = self.queryset.model
            if self.fields is not None or not plain(self.query):
                return super().search(config, start, stop, score_field, backend)
            if not body_holds_every_word(model):
                return super().search(config, start, stop, score_field, backend)
            search_query = self.build_tsquery(self.query, config=config)
            rank = self._build_rank_expression(self.get_search_vectors(search_query), config)
            # body alone would do; title too keeps entries indexed before "headline" existed
            # findable by their headline until they are indexed again. Both are GIN-indexed.
            queryset = self.queryset.filter(self.matching(search_query))
            if newest := getattr(model, "search_newest_first", None):
                queryset = self.queryset.filter(
                    pk__in=self.candidates(search_query, ordering=newest)
                )
            return self._apply_ordering_and_scoring(queryset, rank, start, stop, score_field)

        @staticmethod
        def matching(search_query, *, prefix="index_entries__", headline_only=False) -> Q:
            in_headline = Q(**{f"{prefix}title": search_query})
            if headline_only:
                return in_headline
            return Q(**{f"{prefix}body": search_query}) | in_headline

        def candidates(self, search_query, *, ordering: str) -> list[int]:
            """What gets ranked and counted: the ids of the newest RESULTS_CAP + 1 matches and,
            for relevance, of the newest HEADLINE_CANDIDATES headline matches too. Found once
            for the count and the page of results, which share this compiler."""
            if self._candidates is None:
                searched = max(estimated_rows(self.queryset), 1)
                found = self.newest(search_query, ordering, RESULTS_CAP + 1, searched)
                if self.order_by_relevance:
                    found = found.union(
                        self.newest(search_query, ordering, HEADLINE_CANDIDATES, searched, True)
                    )
                with without_sequential_scans(found.db):
                    self._candidates = list(found.values_list("pk", flat=True))
            return self._candidates

        _candidates = None

        def newest(self, search_query, ordering, limit, searched, headline_only=False):
            """The newest `limit` matches, as a query of ids.

            Testing or ranking a match row by row reads the article's whole body vector from
            TOAST: ranking every article with a word found in 40% of 100,000 took 1.5 s. Two
            ways to find the newest matches, chosen by PostgreSQL's estimate of how many there
            are (it keeps word frequencies): for a common word, walk the publication date
            index and test each article until enough match (a few thousand rows); for a rarer
            one, take the ids of every match from the GIN indexes, which reads no vector, then
            sort those by date. The planner alone walks the dates for rare words too: it does
            not count what reading a vector costs."""
            walk = self.queryset.filter(self.matching(search_query, headline_only=headline_only))
            if common(estimated_rows(walk), searched, limit):
                found = walk
            else:
                entries = index_entries(self.queryset.model).filter(
                    self.matching(search_query, prefix="", headline_only=headline_only)
                )
                found = self.queryset.filter(pk__in=entries)
            return found.order_by(ordering).values("pk")[:limit]

    class IndexedPostgresSearchBackend(PostgresSearchBackend):
        query_compiler_class = IndexedPostgresSearchQueryCompiler

    return IndexedPostgresSearchBackend


def SearchBackend(params):  # noqa: N802 - the name Wagtail's backend loader looks for
    backend = database.SearchBackend(params)
    kind = type(backend).__name__
    if kind == "SQLiteSearchBackend":
        return weighted_sqlite_backend_class()(params)
    if kind == "PostgresSearchBackend":
        return indexed_postgres_backend_class()(params)
    return backend
