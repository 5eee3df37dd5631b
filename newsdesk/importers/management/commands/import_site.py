"""Read an export written by `export_site` into this site (docs/export-format.md).

    manage.py import_site DIR [--dry-run] [--source NAME] [--skip-checksums]

The manifest's format version and every file's SHA-256 are checked before anything is
stored. Each record is keyed on its export id, so running the import again updates what
changed and duplicates nothing; a bad record is reported with its file, line and reason while
the rest are imported.
"""

from pathlib import Path

from django.core.management.base import CommandError

from newsdesk.importers.runner import ImportCommand
from newsdesk.importers.site_import import ManifestError, SiteImport, read_manifest


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("directory", metavar="DIR", help="A folder written by export_site.")
        parser.add_argument(
            "--source",
            default="",
            help="Key the records on this name instead of the manifest's source "
            "(to import one export twice as separate copies).",
        )
        parser.add_argument(
            "--skip-checksums",
            action="store_true",
            help="Import files changed since the export (after fixing one by hand); each "
            "record is still checked on its own.",
        )

    def prepare(self, *, directory, source, skip_checksums, **options) -> SiteImport:
        try:
            manifest = read_manifest(Path(directory), verify=not skip_checksums)
        except ManifestError as error:
            raise CommandError(str(error)) from None
        self.total = sum(entry["count"] for entry in manifest["files"].values())
        self.site_import = SiteImport(
            directory=Path(directory),
            source=source or manifest["source"],
            site=manifest.get("site") if isinstance(manifest.get("site"), dict) else None,
        )
        return self.site_import

    def items(self, **options):
        return self.prepare(**options).items()

    def count(self, **options):
        return self.total

    def import_one(self, item, **options):
        return self.site_import.import_one(item)
