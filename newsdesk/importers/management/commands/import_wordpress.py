"""Import a WordPress export (WXR 1.1/1.2, from Tools > Export > All content).

    manage.py import_wordpress site.xml [--uploads DIR] [--allow-host HOST ...]
                                        [--sections-from categories|tags] [--dry-run]

Authors become people, categories sections (or tags with `--sections-from tags`, when the
sections are set up here already), tags tags, posts articles (published, scheduled or draft
as in WordPress) with their comments, featured and inline images, and redirects from their
old addresses; sticky posts join the home page's top stories. Image files come from
`--uploads` (a copy of wp-content/uploads) or from hosts named with `--allow-host`; nothing
else is fetched. Running it again updates what changed and duplicates nothing.
"""

from pathlib import Path

from django.core.management.base import CommandError

from newsdesk.importers.runner import ImportCommand
from newsdesk.importers.wordpress.importer import WordPressImport
from newsdesk.importers.wordpress.wxr import WXRError


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE.xml", help="The WordPress export.")
        parser.add_argument(
            "--uploads", type=Path, help="A local copy of wp-content/uploads for image files."
        )
        parser.add_argument(
            "--allow-host",
            action="append",
            default=[],
            metavar="HOST",
            help="A host images may be downloaded from (repeat for more).",
        )
        parser.add_argument(
            "--sections-from",
            choices=["categories", "tags"],
            default="categories",
            help="categories: each category is a section (the default); tags: categories "
            "become tags and posts go to the existing section matching one of their terms.",
        )

    def items(self, *, file, uploads=None, allow_host=(), sections_from="categories", **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: not a folder")
        try:
            self.importer = WordPressImport(
                file, uploads=uploads, allow_hosts=allow_host, sections_from=sections_from
            )
        except WXRError as error:
            raise CommandError(str(error)) from None
        return self.importer.items()

    def count(self, **options):
        return self.importer.count()

    def import_one(self, item, **options):
        return self.importer.import_one(item)

    def handle(self, *args, **options):
        try:
            return super().handle(*args, **options)
        finally:
            importer = getattr(self, "importer", None)
            if importer is not None and options.get("verbosity", 1):
                for note in dict.fromkeys(importer.notes):
                    self.stdout.write(f"note: {note}")
