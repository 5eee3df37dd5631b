"""Back up the site: a database dump and the media folder in one timestamped archive.

The archive (newsdesk-<UTC time>.tar) holds a manifest with each file's size and SHA-256, which
`manage.py restore` checks before restoring. Safe to run while the site serves readers.
Media in an S3 bucket (S3_BUCKET) are not archived: the bucket's versioning keeps them.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.operations.backups import BackupError, backup, plan


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder for the archive (default: settings.BACKUP_DIR, DATA_DIR/backups).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be backed up; write nothing."
        )

    def handle(self, *args, output: Path | None, dry_run: bool, verbosity: int = 1, **options):
        output = output or Path(settings.BACKUP_DIR)
        try:
            if dry_run:
                target = plan()
                media = (
                    f"not the media (they live in the bucket {target.media_bucket})"
                    if target.media_bucket
                    else f"the media in {target.media_root}"
                )
                self.stdout.write(
                    f"Would back up the {target.vendor} database {target.database} and "
                    f"{media} into {output}/."
                )
                return
            path = backup(
                output_dir=output,
                progress=self.stdout.write if verbosity > 1 else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            size = path.stat().st_size
            self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:,} bytes)"))
