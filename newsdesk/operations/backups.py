"""Backups: the database and the media folder in one timestamped archive, and back again.

`backup()` dumps the database with its own tool (databases.py), then writes the dump and every
media file into `newsdesk-<UTC time>.tar` with a manifest of sizes and SHA-256 checksums
(archive.py). The archive appears under its final name only once complete.

`restore()` extracts the archive into a staging folder and checks every file first; a damaged
archive is refused, naming the file, before the database or the media are touched. Then the
database is replaced (SQLite in one transaction, PostgreSQL by pg_restore in one transaction)
and the media folder is swapped for the archive's by two renames.

Media on object storage (S3_BUCKET, docs/deployment.md) are not copied into the archive nor
restored: they stay in the bucket, whose versioning keeps earlier and deleted files, and the
database restored refers to them by the same names.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from . import databases
from .archive import ArchiveError, ArchiveWriter, Manifest, unpack

DATABASE_DIR = "database"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore could not be done; nothing already stored was changed."""


@dataclass
class Plan:
    database: str
    vendor: str
    media_root: Path
    media_bucket: str = ""  # media on object storage: not in the archive


def media_bucket() -> str:
    """The bucket the media live in, or "" when they are files under MEDIA_ROOT."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return ""
    return getattr(storage, "bucket_name", "") or type(storage).__name__


def quiet(line: str) -> None:
    pass


def newsdesk_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def plan(*, using: str = "default") -> Plan:
    settings_dict = connections[using].settings_dict
    try:
        vendor = databases.vendor_of(settings_dict)
    except databases.DatabaseError as exc:
        raise BackupError(str(exc)) from exc
    return Plan(
        database=str(settings_dict["NAME"]),
        vendor=vendor,
        media_root=Path(settings.MEDIA_ROOT),
        media_bucket=media_bucket(),
    )


def backup(
    *,
    output_dir: Path,
    using: str = "default",
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Writes a new archive into output_dir and returns its path."""
    progress = progress or quiet
    target = plan(using=using)
    output_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    path = output_dir / f"newsdesk-{created:%Y%m%d-%H%M%S}Z.tar"
    if path.exists():
        raise BackupError(f"{path} already exists: wait a second and run the backup again.")
    partial = path.with_suffix(".tar.partial")
    dump_name = databases.DUMP_NAMES[target.vendor]
    try:
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".dump-") as scratch:
            dump = Path(scratch) / dump_name
            progress(f"Dumping the {target.vendor} database {target.database}")
            databases.dump(settings_dict=connections[using].settings_dict, target=dump)
            with tarfile.open(partial, "w:") as tar:
                writer = ArchiveWriter(tar)
                writer.add_file(dump, f"{DATABASE_DIR}/{dump_name}")
                if target.media_bucket:
                    progress(f"Media live in the bucket {target.media_bucket}: not archived")
                elif target.media_root.is_dir():
                    progress(f"Adding media from {target.media_root}")
                    for count, _name in enumerate(writer.add_tree(target.media_root, MEDIA_DIR), 1):
                        if count % 500 == 0:
                            progress(f"  {count} media files")
                writer.finish(
                    Manifest(
                        newsdesk_version=newsdesk_version(),
                        database_vendor=target.vendor,
                        created_at=created.isoformat(),
                    )
                )
        partial.rename(path)
    except databases.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(str(exc)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def verify(*, archive: Path) -> Manifest:
    """Checks every file of the archive against its manifest, writing nothing that stays."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-verify-") as staging:
        return checked_unpack(archive, Path(staging))


def checked_unpack(archive: Path, staging: Path) -> Manifest:
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    try:
        return unpack(archive, staging)
    except ArchiveError as exc:
        raise BackupError(f"Refused: {exc} Nothing was restored.") from exc


def restore(
    *,
    archive: Path,
    using: str = "default",
    progress: Callable[[str], None] | None = None,
) -> Manifest:
    """Replaces the configured database and media folder with the archive's."""
    progress = progress or quiet
    target = plan(using=using)
    media_root = target.media_root
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the media folder, so the final swap is a rename on one file system.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as scratch:
        staging = Path(scratch)
        progress(f"Checking {archive}")
        manifest = checked_unpack(archive, staging)
        if manifest.database_vendor != target.vendor:
            raise BackupError(
                f"Refused: {archive} holds a {manifest.database_vendor} database and this site "
                f"uses {target.vendor}. Nothing was restored."
            )
        dump = staging / DATABASE_DIR / databases.DUMP_NAMES[target.vendor]
        progress(f"Restoring the {target.vendor} database {target.database}")
        connections.close_all()  # no connection of ours holds the old database open
        try:
            databases.load(settings_dict=connections[using].settings_dict, source=dump)
        except databases.DatabaseError as exc:
            raise BackupError(f"{exc} The media folder was not touched.") from exc
        if target.media_bucket:
            progress(f"Media live in the bucket {target.media_bucket}: left as they are")
        else:
            progress(f"Restoring media into {media_root}")
            swap_media(staging / MEDIA_DIR, media_root, scratch=staging)
    return manifest


def swap_media(restored: Path, media_root: Path, *, scratch: Path) -> None:
    restored.mkdir(exist_ok=True)  # an archive of a site without media
    old = scratch / "previous-media"
    if media_root.exists():
        media_root.rename(old)
    restored.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)
