"""Make draft articles from raw copy in text files (the admin's "Paste copy", from a shell).

    manage.py import_text story.txt more/*.txt --section world [--dry-run]

Each file becomes one draft, never published, keyed on the file's path: running the command
again on an edited file updates that draft instead of adding another. Reader comments after
the credits become the draft's comment thread.
"""

from pathlib import Path

from newsdesk.importers.intake import import_copy
from newsdesk.importers.runner import ImportCommand, ItemError, SourceItem


class Command(ImportCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files.")
        parser.add_argument(
            "--section", default="", help="Slug of the section for the drafts (default: first)."
        )

    def items(self, *, files, section, **options):
        self.target = self.section(section)
        for name in files:
            yield SourceItem(file=name, label="copy", data=Path(name))

    def count(self, *, files, **options):
        return len(files)

    def import_one(self, item, **options):
        path: Path = item.data
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ItemError("no such file") from None
        except UnicodeDecodeError as error:
            raise ItemError(f"not UTF-8 text (byte {error.start})") from None
        except OSError as error:
            raise ItemError(error.strerror or str(error)) from None
        if not text.strip():
            raise ItemError("the file is empty")
        result = import_copy(text=text, section=self.target, source_id=f"file:{path.resolve()}")
        for note in result.notes:
            self.stdout.write(f"{item.file}: {note}")
        return result.changes
