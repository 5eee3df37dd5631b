"""Wagtail's database search backend, with the headline weighted above the rest on SQLite.

Configured as `WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "newsdesk.search.backend"`.
On PostgreSQL (and MySQL) this is exactly Wagtail's database backend: PostgreSQL ranks with
tsvector weights A-D taken from the `boost` of each `index.SearchField`. Wagtail's SQLite
backend scores with FTS5's `bm25()` over the whole row, so a word in the headline counts no
more than the same word deep in the body; here the `bm25()` call gives the title column its
own weight. Elasticsearch/OpenSearch are configured by naming their Wagtail backend instead:
the search page uses only Wagtail's search API, so nothing else changes.
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


def SearchBackend(params):  # noqa: N802 - the name Wagtail's backend loader looks for
    backend = database.SearchBackend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        return weighted_sqlite_backend_class()(params)
    return backend
