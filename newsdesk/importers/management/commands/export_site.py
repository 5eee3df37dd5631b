"""Write the whole site into a folder that `import_site` reads back (docs/export-format.md).

    manage.py export_site DIR [--dry-run] [--overwrite]

Articles (live, draft or scheduled, with bylines, credits, tags, corrections and their body),
people, sections, standard pages, tags, images (the original files, into DIR/images/),
comments and ratings: one JSON Lines file per kind, and a manifest with the format version and
each file's count and SHA-256, written last.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.importers.export import MANIFEST, count_records, export_site
from newsdesk.importers.runner import Progress


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="Folder to write (made if missing).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be written; write nothing."
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace an earlier export in DIR."
        )

    def handle(self, *args, directory, dry_run=False, overwrite=False, verbosity=1, **options):
        target = Path(directory)
        counts = count_records()
        if dry_run:
            for name, count in counts.items():
                self.stdout.write(f"  {name}: {count} record(s) would be written")
            return
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} exists and is not a folder.")
        if (target / MANIFEST).exists() and not overwrite:
            raise CommandError(f"{target} already holds an export; add --overwrite to replace it.")
        progress = Progress(self.stderr._out if verbosity else None, sum(counts.values()))
        manifest = export_site(directory=target, advance=progress.advance)
        progress.finish()
        if verbosity:
            for name, entry in manifest["files"].items():
                self.stdout.write(f"  {name}: {entry['count']} record(s)")
            self.stdout.write(f"Exported {manifest['source']} to {target}.")
