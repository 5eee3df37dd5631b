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


# The second name under which a model indexes its title, putting it into the body vector too.
TITLE_IN_BODY = "headline"


def body_holds_every_word(model) -> bool:
    return any(f.field_name == TITLE_IN_BODY for f in model.get_searchable_search_fields())


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
            queryset = self.queryset.filter(
                Q(index_entries__body=search_query) | Q(index_entries__title=search_query)
            )
            return self._apply_ordering_and_scoring(queryset, rank, start, stop, score_field)

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
