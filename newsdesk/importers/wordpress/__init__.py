"""The WordPress (WXR 1.1/1.2) importer: `wxr` reads the file, `content` turns post HTML into
body blocks (both pure Python), `media` finds attachment files, `importer` puts it all in
through the shared upsert services. `manage.py import_wordpress` runs it."""
