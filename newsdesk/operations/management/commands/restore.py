"""Restore the site from an archive written by `manage.py backup`.

Every file is checked against the archive's manifest first: a damaged archive is refused,
naming the file, and nothing is touched. Then the configured database is replaced by the
archive's (SQLite file, or pg_restore --clean into the PostgreSQL database) and the media folder
by the archive's media (media on object storage stay in the bucket). Stop the web servers and
the worker first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.operations.backups import BackupError, plan, restore, verify


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the archive only; change nothing."
        )

    def handle(self, *args, archive: Path, yes: bool, dry_run: bool, verbosity: int = 1, **options):
        try:
            if dry_run:
                manifest = verify(archive=archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{archive} is intact: {len(manifest.files)} files, "
                        f"{manifest.total_bytes:,} bytes, {manifest.database_vendor} database, "
                        f"Newsdesk {manifest.newsdesk_version}, made {manifest.created_at}."
                    )
                )
                return
            target = plan()
            if not yes and not self.confirmed(target):
                raise CommandError("Restore cancelled; nothing was changed.")
            manifest = restore(
                archive=archive,
                progress=self.stdout.write if verbosity > 1 else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {archive} (made {manifest.created_at}): {len(manifest.files)} files."
                )
            )

    def confirmed(self, target) -> bool:
        media = (
            f"leaves the media in the bucket {target.media_bucket} as they are"
            if target.media_bucket
            else f"replaces the media in {target.media_root}"
        )
        answer = input(
            f"This replaces the {target.vendor} database {target.database} and {media}. "
            "Type 'yes' to go on: "
        )
        return answer.strip().lower() == "yes"
