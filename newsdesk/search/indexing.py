"""Writing articles to the search index directly, for bulk loads.

Day to day the index follows publishing by itself: Wagtail indexes a page on every save
(publish, unpublish, schedule, move) through a task that the worker runs, and removes it on
delete. Bulk loaders also change rows without saving (the demo back-dates publication times
with a queryset update), so they call `index_articles` at the end to leave the index exactly
in step with the database, whichever backend is configured.
"""

from wagtail.search.backends import get_search_backends

CHUNK = 500


def index_articles(articles=None) -> int:
    """Index these articles (default: all of them) in every auto-updated backend."""
    from newsdesk.articles.models import ArticlePage
    from newsdesk.articles.queries import attach_sections

    queryset = ArticlePage.objects.all() if articles is None else articles
    pks = list(queryset.values_list("pk", flat=True).order_by("pk"))
    backends = list(get_search_backends(with_auto_update=True))
    for start in range(0, len(pks), CHUNK):
        # Sections attached in one query, for the indexed section name.
        chunk = attach_sections(
            ArticlePage.objects.filter(pk__in=pks[start : start + CHUNK]).prefetch_related(
                "tags", "bylines__person"
            )
        )
        for backend in backends:
            backend.add_bulk(ArticlePage, chunk)
    return len(pks)
