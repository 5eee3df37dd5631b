"""What the PostgreSQL-only migrations of this app share (a leading "_": not a migration)."""


def run(sql: str):
    """A RunPython operation that runs `sql` on PostgreSQL and does nothing elsewhere."""

    def operation(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: several statements in one

    return operation


def entry_function(table: str, vectors: dict[str, str]) -> str:
    """The trigger function keeping an article's row of `table` in step with its search index
    entry: `vectors` maps each vector column to what it holds of the entry (NEW)."""
    columns = ", ".join(vectors)
    values = ", ".join(vectors.values())
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in vectors)
    return f"""
CREATE OR REPLACE FUNCTION {table}_from_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    article integer := (
        SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'articlepage'
    );
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.content_type_id = article THEN
        DELETE FROM {table} WHERE page_id = OLD.object_id::integer;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.content_type_id = article THEN
        INSERT INTO {table} (page_id, published_at, {columns})
        SELECT id, first_published_at, {values}
        FROM wagtailcore_page WHERE id = NEW.object_id::integer
        ON CONFLICT (page_id) DO UPDATE
        SET published_at = EXCLUDED.published_at, {updates};
    END IF;
    RETURN NULL;
END $$;
"""
