"""The dated index walked newest first, headlines beside the body (PostgreSQL only).

A word in a large share of the articles (a third of them hold "water" on the bench corpus)
is searched by walking the articles newest first and testing each until enough match:
through Wagtail's index entries that joined each article's page to its entry, about 40 µs
an article. The dated index (0003) holds the vector and the date in one row: with an index
on the date it is walked alone, a fifth of that. Each article's headline vector is kept
beside it, with its own GIN index, so that the newest headline matches come from this
table too (search/backend.py, `dated_newest`).
"""

from django.db import migrations

from ._postgres import entry_function, run

TABLE = "search_dated_article"

CREATE = f"""
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS headline tsvector NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS {TABLE}_newest ON {TABLE} (published_at DESC, page_id DESC);
CREATE INDEX IF NOT EXISTS {TABLE}_headline ON {TABLE} USING gin (headline);

{entry_function(TABLE, {"body": "NEW.body || NEW.title", "headline": "NEW.title"})}
UPDATE {TABLE} d SET headline = e.title
FROM wagtailsearch_indexentry e
JOIN django_content_type t ON t.id = e.content_type_id
    AND t.app_label = 'articles' AND t.model = 'articlepage'
WHERE e.object_id = d.page_id::text AND d.headline IS DISTINCT FROM e.title;

-- Rewritten newest first: the update left every row in a new place (the walk read its rows
-- at a third of the speed), and new articles, the newest, are added at the end anyway.
CLUSTER {TABLE} USING {TABLE}_newest;
ANALYZE {TABLE};
"""

DROP = f"""
DROP INDEX IF EXISTS {TABLE}_newest;
DROP INDEX IF EXISTS {TABLE}_headline;
{entry_function(TABLE, {"body": "NEW.body || NEW.title"})}
ALTER TABLE {TABLE} DROP COLUMN IF EXISTS headline;
"""


class Migration(migrations.Migration):
    dependencies = [("site_search", "0003_dated_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
