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

import itertools
import json
import math
from contextlib import contextmanager
from functools import cache

from django.db import connections
from django.utils import timezone
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
LOOSE = 2  # a phrase re-checks twice the matches it needs, found without their order
WALK_COST = 3  # reading an article's body vector, in index entries read from the GIN matches
DATED_WALK_COST = 6  # the same, in the dated index's matches read from its GIN index

# The dated index: articles' vectors beside their publication times (PostgreSQL, kept by
# triggers: migrations/0003_dated_index.py), for searches of articles newest first.
DATED_SHARE = 0.5  # of all articles, searched at least (see `dated`)
DATED_MODEL, DATED_TABLE, DATED_ORDER = (
    "articles.ArticlePage",
    "search_dated_article",
    "-first_published_at",
)
DATED_COLUMNS = ("body", "headline")  # the vectors it holds (migrations/0004_dated_walk.py)

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


def fetched_ids(queryset) -> list[int]:
    """A `values_list(..., flat=True)` of integer ids, fetched without Django's work per row
    (thousands of rows for a search)."""
    return first_column(queryset.db, *queryset.query.sql_with_params())


def first_column(alias: str, sql: str, params) -> list:
    """The first column of every row `sql` returns."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def estimated_rows(queryset) -> float:
    """PostgreSQL's estimate of the rows a query returns (planning only, about a millisecond).
    Only its conditions count: the columns, joins and annotations a listing selects would
    cost more to compile and plan than the estimate itself."""
    rows = queryset.order_by().values("pk")
    return json.loads(rows.explain(format="json"))[0]["Plan"]["Plan Rows"]


def common(found: float, searched: float, limit: int, cost: float = WALK_COST) -> bool:
    """Whether walking the newest articles finds `limit` matches sooner than reading every
    match: it reads about limit / share articles' vectors, against reading the index entry of
    every match, `cost` times cheaper each (measured on the bench corpus)."""
    return found * found > cost * limit * searched


# How the candidates are planned (see `planned`).
CANDIDATE_PLANNING = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}
# Re-checking a few hundred phrase matches by id, not the GIN indexes' every match.
BY_ID_PLANNING = {"enable_bitmapscan": "off"}


@contextmanager
def planned(alias: str, settings: dict[str, str]):
    """Plan the next statements with these planner settings, then as before.

    The planner prices a sequential scan of the index entries without what testing each
    body vector costs (reading it from TOAST): with a filter narrowing the articles (the
    last 30 days, an author), it chose to test every entry (0.4 s) over the GIN indexes.
    Parallel workers each built the same hash of matches again, on a machine whose cores
    other readers' requests need. A plan priced with a disabled step is priced high enough
    to be compiled by the JIT, which took longer (75 ms) than running it.
    """
    from django.db import transaction

    names = list(settings)
    outer = connections[alias].in_atomic_block
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # SET LOCAL: ends with this transaction, or is put back below inside a caller's.
        cursor.execute(
            "SELECT "
            + ", ".join(f"current_setting('{name}')" for name in names)
            + ", "
            + ", ".join(
                f"set_config('{name}', '{value}', true)" for name, value in settings.items()
            )
        )
        before = cursor.fetchone()[: len(names)]
        try:
            yield
        finally:
            if outer:
                cursor.execute(
                    "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in names),
                    before,
                )


@cache
def indexed_postgres_backend_class():
    from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q
    from django.db.models.expressions import RawSQL
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
        PostgresSearchResults,
    )
    from wagtail.search.query import And, Phrase, PlainText

    class AnyOf(Func):
        """`column = ANY(values)`, the values sent as one array that psycopg adapts: `__in`
        sends a parameter per value, and Django prepares each one (a thousand ids took
        longer to send than to look up)."""

        output_field = BooleanField()

        def __init__(self, column: str, values: list):
            super().__init__(F(column))
            self.values = list(values)

        def as_sql(self, compiler, connection, **extra):
            column, params = compiler.compile(self.source_expressions[0])
            return f"{column} = ANY(%s)", (*params, self.values)

    def plain(query) -> bool:
        if isinstance(query, And):
            return all(plain(sub) for sub in query.subqueries)
        return isinstance(query, PlainText | Phrase)

    def loose(query):
        """The query with each phrase's words in any order, or None if it has no phrase."""
        if isinstance(query, Phrase):
            return PlainText(query.query_string, operator="and")
        if isinstance(query, And) and any(isinstance(sub, Phrase) for sub in query.subqueries):
            return And([loose(sub) or sub for sub in query.subqueries])
        return None

    def newest_ids(queryset, ordering: str, limit: int | None = None) -> list[int]:
        return fetched_ids(queryset.order_by(ordering).values_list("pk", flat=True)[:limit])

    class Newest:
        """Candidate ids, newest first, each kept only if `queryset` (published, the reader's
        filters) holds it: checked by id in growing batches, only as far as asked for, each as
        large as the share of candidates expected kept calls for. With no queryset, the
        candidates were found through it and are all kept."""

        def __init__(self, queryset, candidates: list[int], share: float = 1.0):
            self.queryset, self.candidates, self.share = queryset, candidates, share
            self.kept: dict[int, bool] = (
                {} if queryset is not None else dict.fromkeys(candidates, True)
            )

        def first(self, count: int, among: set[int] | None = None) -> list[int]:
            """The newest `count` kept ids (only those in `among`, unless None); fewer when
            there are no more. `among` is None when there is nothing to choose among."""
            found = []
            if not count:
                return found
            for index, pk in enumerate(self.candidates):
                if among is not None and pk not in among:
                    continue
                if pk not in self.kept:
                    wanted = math.ceil((count - len(found)) / self.share) + 64
                    self.check(index, among, max(wanted, len(self.kept)))
                if self.kept[pk]:
                    found.append(pk)
                    if len(found) == count:
                        break
            return found

        def check(self, start: int, among: set[int] | None, size: int) -> None:
            unchecked = (
                pk
                for pk in itertools.islice(self.candidates, start, None)
                if pk not in self.kept and (among is None or pk in among)
            )
            batch = list(itertools.islice(unchecked, size))
            kept = set(fetched_ids(self.queryset.filter(AnyOf("pk", batch)).values_list("pk")))
            self.kept.update((pk, pk in kept) for pk in batch)

    class IndexedPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        _candidates = None
        _enough = 0
        _dated = False
        _ranks: dict[int, float] = {}  # noqa: RUF012 - replaced per search, never changed
        _articles = 1  # in the dated index (estimated)
        _share = 1.0  # of those, in the search's queryset (estimated)

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
                enough = RESULTS_CAP + 1
                if stop is not None and tuple(self.queryset.query.order_by) == (newest,):
                    enough = min(enough, stop)  # newest first: the page needs no more
                candidates = self.candidates(
                    search_query, config=config, ordering=newest, enough=enough
                )
                if stop is not None and score_field is None:
                    return self.page(candidates, config, start, stop)
                queryset = self.queryset.filter(AnyOf("pk", candidates))
            return self._apply_ordering_and_scoring(queryset, rank, start, stop, score_field)

        def entry_rank(self, config):
            """Wagtail's rank of a match, on its index entry's own vectors."""
            vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
            return self._build_rank_expression(vectors, config)

        def page(self, candidates: list[int], config, start: int, stop: int) -> list:
            """Results `start` to `stop` of the candidates, which the search's queryset holds
            (see `candidates`): ranked from their index entries alone, then only those
            fetched, in that order. Ranking them joined to their pages, with the reader's
            filters applied again, read every candidate's page too."""
            if not candidates or start >= len(candidates):
                return []
            if self.order_by_relevance and self._ranks.keys() >= set(candidates):
                # Ranked when re-checked (a phrase): the same order as the query below.
                ranked = sorted(candidates, key=lambda pk: (self._ranks[pk], pk), reverse=True)
                ids = ranked[start:stop]
            elif self.order_by_relevance:
                ranked = (
                    index_entries(self.queryset.model)
                    .filter(AnyOf("object_id", [str(pk) for pk in candidates]))
                    .order_by(self.entry_rank(config).desc(), "-page_id")
                )
                ids = fetched_ids(ranked.values_list("page_id", flat=True)[start:stop])
            else:
                ids = candidates[start:stop]  # newest first already
            found = {page.pk: page for page in self.queryset.filter(AnyOf("pk", ids))}
            return [found[pk] for pk in ids if pk in found]

        @staticmethod
        def matching(search_query, *, prefix="index_entries__", headline_only=False) -> Q:
            in_headline = Q(**{f"{prefix}title": search_query})
            if headline_only:
                return in_headline
            return Q(**{f"{prefix}body": search_query}) | in_headline

        def candidates(self, search_query, *, config, ordering: str, enough: int) -> list[int]:
            """What gets ranked and counted: the ids of the newest `enough` matches (at most
            RESULTS_CAP + 1) and, for relevance, of the newest HEADLINE_CANDIDATES headline
            matches too. Found once for the count and the page of results, which share this
            compiler, unless one needs more than the other did."""
            if self._candidates is None or enough > self._enough:
                self._enough, self._config, self._ranks = enough, config, {}
                searched = max(estimated_rows(self.queryset), 1)
                self._dated = self.dated(searched, ordering)
                wide = loose(self.query)
                wide = wide and self.build_tsquery(wide, config=config)
                headlines = HEADLINE_CANDIDATES if self.order_by_relevance else 0
                with planned(self.queryset.db, CANDIDATE_PLANNING):
                    found = self.newest(search_query, wide, ordering, enough, headlines, searched)
                self._candidates = list(dict.fromkeys(found))
            return self._candidates

        def newest(self, search_query, wide, ordering, limit, headlines, searched):
            """The ids of the newest `limit` matches, then of the newest `headlines` matches
            in the headline.

            Testing or ranking a match row by row reads the article's whole body vector from
            TOAST: ranking every article with a word found in 40% of 100,000 took 1.5 s. Two
            ways to find the newest matches, chosen by PostgreSQL's estimate of how many there
            are (it keeps word frequencies): for a common word, walk the publication dates
            newest first and test each article until enough match (a few thousand rows); for a
            rarer one, take the ids of every match from the GIN indexes, which reads no vector
            (see `from_index`). The planner alone walks the dates for rare words too: it does
            not count what reading a vector costs. The dated index (`dated_newest`) makes the
            same choice on its own table.
            """
            if self._dated:
                return self.from_index(search_query, wide, ordering, limit, headlines)
            walk = self.queryset.filter(self.matching(search_query))
            if not common(estimated_rows(walk), searched, limit):
                return self.from_index(search_query, wide, ordering, limit, headlines)
            found = newest_ids(walk, ordering, limit)
            if headlines:
                in_headline = self.queryset.filter(self.matching(search_query, headline_only=True))
                if common(estimated_rows(in_headline), searched, headlines):
                    found += newest_ids(in_headline, ordering, headlines)
                else:
                    found += self.from_index(search_query, None, ordering, 0, headlines, True)
            return found

        def from_index(self, search_query, wide, ordering, limit, headlines, headline_only=False):
            """`newest` from the GIN indexes, which read no body vector.

            A phrase: the GIN indexes know which articles hold its words but not where, so
            each of their matches is re-checked against its vector (10,000 vectors read for a
            two-word phrase on the bench corpus). `wide` is the query with each phrase's
            words in any order, which the indexes answer alone: only LOOSE times as many of
            its newest matches as are needed are re-checked, by id.
            """
            if wide is not None:
                pool, headline_pool = self.newest_matches(
                    wide, ordering, limit * LOOSE, headlines * LOOSE, headline_only
                )
                body, headline = self.rechecked({*pool, *headline_pool}, search_query)
                found = [pk for pk in pool if pk in body][:limit]
                found_in_headline = [pk for pk in headline_pool if pk in headline][:headlines]
                # Exact when each found enough, or re-checked every loose match there was.
                if (len(found) == limit or len(pool) < limit * LOOSE) and (
                    len(found_in_headline) == headlines or len(headline_pool) < headlines * LOOSE
                ):
                    return found + found_in_headline
            found, found_in_headline = self.newest_matches(
                search_query, ordering, limit, headlines, headline_only
            )
            return found + found_in_headline

        def newest_matches(self, search_query, ordering, count, headlines, headline_only):
            """The ids of the newest `count` matches and of the newest `headlines` matches in
            the headline: from the dated index when it serves this search, else every match
            from the GIN indexes of Wagtail's index entries, each joined to its page for its
            date, and which of them match in the headline from the headline index alone."""
            if self._dated and not headline_only:
                return (
                    self.dated_newest(search_query, "body", count),
                    self.dated_newest(search_query, "headline", headlines),
                )
            matching_ids = RawSQL(*self.matching_sql(search_query, headline_only))  # noqa: S611
            matching = self.queryset.filter(pk__in=matching_ids)
            ids = Newest(None, newest_ids(matching, ordering))
            in_headline = self.in_headline(search_query, headlines, headline_only)
            return ids.first(count), ids.first(headlines, among=in_headline)

        def matching_sql(self, search_query, headline_only=False) -> tuple[str, list]:
            """SQL for the ids of every article matching, from the GIN indexes: of the dated
            index for its model (integer ids, its rows in date order: a quarter less time
            than reading Wagtail's index entries), else of the index entries."""
            if self.queryset.model._meta.label != DATED_MODEL:
                return (
                    self.entries(search_query, headline_only)
                    .values("page_id")
                    .query.sql_with_params()
                )
            column = "headline" if headline_only else "body"
            return self.dated_sql(search_query, column, select="page_id")

        def dated_newest(self, search_query, column: str, count: int) -> list[int]:
            """The newest `count` articles whose `column` matches and that the search's
            queryset holds, from the dated index (migrations/0003 and 0004): its date index
            walked for a common word, else its GIN index; then checked by id (`Newest`)."""
            if not count:
                return []
            estimate = self.dated_estimate(search_query, column)
            walk = common(estimate, self._articles, count, DATED_WALK_COST)
            # Enough for `count` once those the search's queryset lacks are left out.
            enough = math.ceil(count / self._share) + 64
            candidates = self.dated_ids(search_query, column, enough, walk=walk)
            found = Newest(self.queryset, candidates, self._share).first(count)
            if len(found) < count and len(candidates) == enough:
                every = self.dated_ids(search_query, column)
                found = Newest(self.queryset, every, self._share).first(count)
            return found

        def dated(self, searched: float, ordering: str) -> bool:
            """Whether the dated index serves this search: articles newest first, searched
            among most of them. Its matches are checked against the search's queryset by id
            afterwards, about as many as are needed over the share of articles searched: with
            a reader's filter (a section, an author, a month), joining every match to its page
            in SQL, the filter applied, costs less."""
            if self.queryset.model._meta.label != DATED_MODEL or ordering != DATED_ORDER:
                return False
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DATED_TABLE]
                )
                articles = cursor.fetchone()[0]
            self._articles = max(articles, 1)
            self._share = min(1.0, searched / self._articles)
            return searched >= DATED_SHARE * articles

        def dated_estimate(self, search_query, column: str) -> float:
            """PostgreSQL's estimate of the dated index's articles whose `column` matches."""
            sql, params = self.dated_sql(search_query, column)
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT json) {sql}", params)
                return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]  # psycopg parses json

        def dated_ids(self, search_query, column="body", limit=None, walk=False) -> list[int]:
            """The ids of the articles whose `column` vector (body or headline) matches,
            newest first, from the dated index alone, at most `limit`: walking its date index
            and testing each row, or every match from its GIN index, then sorted. Not yet
            checked against `published()` or any filter."""
            sql, params = self.dated_sql(search_query, column)
            if not walk:  # a CTE kept apart: the planner would walk the dates for any LIMIT
                sql = f"WITH matches AS MATERIALIZED ({sql}) SELECT page_id FROM matches"  # noqa: S608
            sql = f"{sql} ORDER BY published_at DESC, page_id DESC"
            if limit is not None:
                sql, params = f"{sql} LIMIT %s", [*params, limit]
            return first_column(self.queryset.db, sql, params)

        def dated_sql(
            self, search_query, column: str, select="page_id, published_at"
        ) -> tuple[str, list]:
            if column not in DATED_COLUMNS:
                raise ValueError(f"dated index: no {column!r} column, only {DATED_COLUMNS}")
            query = self.queryset.query
            compiler = query.get_compiler(self.queryset.db)
            tsquery, params = compiler.compile(search_query.resolve_expression(query))
            sql = (  # our table and columns; the tsquery's values are parameters
                f"SELECT {select} FROM {DATED_TABLE} "  # noqa: S608
                f"WHERE {column} @@ {tsquery} AND published_at <= %s"
            )
            # Not now(): that is when the transaction began, perhaps before a publication.
            return sql, [*params, timezone.now()]

        def in_headline(self, search_query, headlines, headline_only) -> set[int] | None:
            """The ids of every article whose headline matches, or None: no need to know."""
            if headline_only or not headlines:
                return None
            sql, params = self.matching_sql(search_query, headline_only=True)
            return set(first_column(self.queryset.db, sql, params))

        def entries(self, search_query, headline_only=False):
            """The model's index entries matching, as the GIN indexes find them."""
            return index_entries(self.queryset.model).filter(
                self.matching(search_query, prefix="", headline_only=headline_only)
            )

        def rechecked(self, ids, search_query) -> tuple[set[int], set[int]]:
            """Those of `ids` that match, and those that match in the headline, read by id."""
            entries = self.entries(search_query).filter(AnyOf("object_id", [str(pk) for pk in ids]))
            in_headline = ExpressionWrapper(Q(title=search_query), output_field=BooleanField())
            rank = self.entry_rank(self._config)  # read once here, kept for `page`
            with planned(entries.db, BY_ID_PLANNING):
                rows = list(entries.values_list("page_id", in_headline, rank))
            self._ranks.update((pk, score) for pk, _, score in rows)
            return {pk for pk, _, _ in rows}, {pk for pk, headline, _ in rows if headline}

    class IndexedPostgresSearchResults(PostgresSearchResults):
        def _do_count(self):
            # The candidates were found with every filter applied: counting them again in SQL
            # would repeat the filters for the same answer.
            queryset = self.get_queryset()
            if (found := getattr(self.query_compiler, "_candidates", None)) is not None:
                return len(found)
            return queryset.count()

    class IndexedPostgresSearchBackend(PostgresSearchBackend):
        query_compiler_class = IndexedPostgresSearchQueryCompiler
        results_class = IndexedPostgresSearchResults

    return IndexedPostgresSearchBackend


def SearchBackend(params):  # noqa: N802 - the name Wagtail's backend loader looks for
    backend = database.SearchBackend(params)
    kind = type(backend).__name__
    if kind == "SQLiteSearchBackend":
        return weighted_sqlite_backend_class()(params)
    if kind == "PostgresSearchBackend":
        return indexed_postgres_backend_class()(params)
    return backend
