"""The articles' search vectors with their publication times beside them (PostgreSQL only).

A search wants the newest articles that match. Wagtail's index entries hold the vectors but
not the dates, so every match found in their GIN indexes was joined to its page for its date
before the newest could be picked: about 3.5 µs a match, 35 ms for a two-word phrase whose
words are in 10,000 articles of the bench corpus. `search_dated_article` keeps each article's
body vector (with its title vector, for entries written before the headline was indexed into
the body) and its first publication time in one row, so the newest matches come from one
bitmap scan of one table (search/backend.py, `dated_ids`).

It is kept in step by the database itself, whoever writes: triggers on Wagtail's index
entries (insert, update, delete) and on the page table (a new first publication time). It
is only a faster way to find candidates: which of them readers may see is still decided by
`published()` and the reader's filters, so nothing here decides what is public.
"""

from django.db import migrations

from ._postgres import entry_function, run

TABLE = "search_dated_article"

CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    page_id integer PRIMARY KEY REFERENCES wagtailcore_page (id) ON DELETE CASCADE,
    published_at timestamptz,
    body tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS {TABLE}_body ON {TABLE} USING gin (body);

{entry_function(TABLE, {"body": "NEW.body || NEW.title"})}
CREATE OR REPLACE FUNCTION {TABLE}_from_page() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {TABLE} SET published_at = NEW.first_published_at WHERE page_id = NEW.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS {TABLE}_entry ON wagtailsearch_indexentry;
CREATE TRIGGER {TABLE}_entry AFTER INSERT OR UPDATE OR DELETE ON wagtailsearch_indexentry
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_from_entry();
DROP TRIGGER IF EXISTS {TABLE}_page ON wagtailcore_page;
CREATE TRIGGER {TABLE}_page AFTER UPDATE OF first_published_at ON wagtailcore_page
    FOR EACH ROW WHEN (OLD.first_published_at IS DISTINCT FROM NEW.first_published_at)
    EXECUTE FUNCTION {TABLE}_from_page();

INSERT INTO {TABLE} (page_id, published_at, body)
SELECT p.id, p.first_published_at, e.body || e.title
FROM wagtailsearch_indexentry e
JOIN django_content_type t ON t.id = e.content_type_id
    AND t.app_label = 'articles' AND t.model = 'articlepage'
JOIN wagtailcore_page p ON p.id = e.object_id::integer
ON CONFLICT (page_id) DO NOTHING;
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TABLE}_entry ON wagtailsearch_indexentry;
DROP TRIGGER IF EXISTS {TABLE}_page ON wagtailcore_page;
DROP FUNCTION IF EXISTS {TABLE}_from_entry();
DROP FUNCTION IF EXISTS {TABLE}_from_page();
DROP TABLE IF EXISTS {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("site_search", "0002_page_dates_by_id"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
