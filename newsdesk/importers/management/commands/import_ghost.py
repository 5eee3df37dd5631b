"""Import a Ghost site from its JSON export (Ghost 4, 5 or 6).

    manage.py import_ghost site.ghost.json --images content/images
        [--site-url https://old.example] [--section news] [--dry-run]

Authors become people, each post's primary tag its section (the others tags), posts become
articles and pages standard pages, with their status and dates; Lexical and Mobiledoc content
becomes body blocks. Images are read from the site's `content/images` folder (a copy of it,
given with --images); nothing is fetched. Links between the site's posts (relative, with
Ghost's __GHOST_URL__, or absolute with the --site-url) become links to the new pages, and old
URLs redirect to them. Posts' meta, Open Graph and X fields fill the SEO and social fields.
Keyed on Ghost's ids: running it again updates what changed and adds nothing twice.
"""

from pathlib import Path

from django.core.management.base import CommandError

from newsdesk.importers.ghost import GhostExportError, GhostImporter, read_export
from newsdesk.importers.runner import ImportCommand


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE.json", help="Ghost's JSON export.")
        parser.add_argument(
            "--images", default="", help="The site's content/images folder (or a copy of it)."
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The Ghost site's address (https://old.example, or with its /subfolder): "
            "links to it are rewritten and its old paths redirected.",
        )
        parser.add_argument(
            "--section",
            default="",
            help="Slug of the section for posts without a public tag (default: the first).",
        )

    def importer(self, *, file, images, section, site_url="", **options) -> GhostImporter:
        if getattr(self, "_importer", None) is None:
            target = self.section(section)
            if images and not Path(images).is_dir():
                raise CommandError(f"--images {images}: no such folder.")
            try:
                export = read_export(Path(file))
            except GhostExportError as error:
                raise CommandError(str(error)) from None
            try:
                self._importer = GhostImporter(
                    export,
                    section=target,
                    images=Path(images) if images else None,
                    site_url=site_url,
                )
            except ValueError as error:
                raise CommandError(f"--site-url: {error}") from None
        return self._importer

    def count(self, **options):
        return self.importer(**options).count()

    def items(self, **options):
        yield from self.importer(**options).items()

    def import_one(self, item, **options):
        importer = self.importer(**options)
        seen = len(importer.notes)
        results = importer.import_one(item)
        for note in importer.notes[seen:]:
            self.stdout.write(note)
        return results
