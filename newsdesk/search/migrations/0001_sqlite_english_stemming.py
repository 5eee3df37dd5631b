"""English stemming for the SQLite full-text index.

Wagtail creates its FTS5 table with FTS5's default tokenizer (unicode61), which does no
stemming: "elections" would not find "election". This recreates the table with the porter
stemmer in front of unicode61 (the same English stemming PostgreSQL's "english" search
configuration applies) and refills it from the index entries. Nothing happens on other
databases: PostgreSQL gets the language from SEARCH_CONFIG in WAGTAILSEARCH_BACKENDS.
"""

from django.db import migrations

TOKENIZERS = {
    "english": "porter unicode61 remove_diacritics 2",
    "wagtail": "unicode61",
}


def rebuild_fts_table(tokenizer: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
        fts = f"{entries}_fts"
        with connection.cursor() as cursor:
            if fts not in connection.introspection.table_names(cursor):
                return  # SQLite without FTS5: Wagtail falls back to its plain database search
            # The insert/update/delete triggers on the entries table name the FTS table and
            # keep working once a table of that name exists again.
            cursor.execute(f"DROP TABLE {fts}")
            cursor.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5(autocomplete, body, title, "
                f"tokenize = '{TOKENIZERS[tokenizer]}')"
            )
            cursor.execute(
                f"INSERT INTO {fts} (rowid, autocomplete, body, title) "
                f"SELECT id, autocomplete, body, title FROM {entries}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [
        migrations.RunPython(rebuild_fts_table("english"), rebuild_fts_table("wagtail")),
    ]
