"""Make draft articles from saved web pages: an old site that survives only as HTML files.

    manage.py import_html saved-site/ [--section news] [--dry-run]

Each page's article is found and its navigation, sidebars and footer left out; the text is
structured like pasted copy (dateline, subheadings, quotes, credits, reader comments) into a
draft for an editor, with the lead image when it was saved beside the page. Nothing is
fetched. Pages are keyed on their canonical URL (else their content): running the command
again updates the drafts instead of adding more.
"""

from pathlib import Path

from django.core.management.base import CommandError

from newsdesk.importers.runner import ImportCommand, SourceItem
from newsdesk.importers.saved_pages import import_saved_page, page_files


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "path", metavar="FILE_OR_FOLDER", help="A saved page, or a folder of them (.html)."
        )
        parser.add_argument(
            "--section", default="", help="Slug of the section for the drafts (default: first)."
        )

    def files(self, path: str) -> list[Path]:
        root = Path(path)
        if not root.exists():
            raise CommandError(f"{path}: no such file or folder.")
        return page_files(root)

    def count(self, *, path, **options):
        return len(self.files(path))

    def items(self, *, path, section, **options):
        self.target = self.section(section)
        for file in self.files(path):
            yield SourceItem(file=str(file), label="page", data=file)

    def import_one(self, item, **options):
        result = import_saved_page(path=item.data, section=self.target)
        for note in result.notes:
            self.stdout.write(f"{item.file}: {note}")
        return result.changes
