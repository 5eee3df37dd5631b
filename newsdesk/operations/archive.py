"""The backup archive: one tar file holding files and a manifest that lists their checksums.

Layout: `database/<dump>`, `media/<path>` and, last, `manifest.json`:

    {"format": 1, "newsdesk_version": "0.1.0", "database_vendor": "postgresql",
     "created_at": "2026-11-29T09:00:00+00:00",
     "files": [{"path": "database/newsdesk.dump", "size": 123, "sha256": "..."}, ...]}

Checksums are taken while the bytes go into the tar, so a file is read once. Reading an archive
back (`unpack`) extracts into a staging folder and checks every file against the manifest
before anything else is touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive is unreadable, incomplete or does not match its manifest."""


@dataclass
class Manifest:
    newsdesk_version: str
    database_vendor: str
    created_at: str
    files: list[dict] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, *, archive: Path) -> Manifest:
        try:
            raw = json.loads(data)
            manifest = cls(
                newsdesk_version=raw["newsdesk_version"],
                database_vendor=raw["database_vendor"],
                created_at=raw["created_at"],
                files=raw["files"],
                format=raw["format"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(
                f"{archive}: {MANIFEST} is not a Newsdesk manifest ({exc})."
            ) from exc
        if manifest.format != FORMAT:
            raise ArchiveError(
                f"{archive}: manifest format {manifest.format} is not supported "
                f"(this Newsdesk reads format {FORMAT})."
            )
        return manifest

    @property
    def total_bytes(self) -> int:
        return sum(entry["size"] for entry in self.files)


class HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing what it hands over."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Adds files to a new tar and records each one for the manifest."""

    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar
        self.files: list[dict] = []

    def add_file(self, source: Path, name: str) -> None:
        with source.open("rb") as handle:
            size = source.stat().st_size
            info = tarfile.TarInfo(name)
            info.size = size
            info.mtime = int(source.stat().st_mtime)
            info.mode = 0o644
            reader = HashingReader(handle)
            self.tar.addfile(info, reader)
        self.files.append({"path": name, "size": size, "sha256": reader.digest.hexdigest()})

    def add_tree(self, root: Path, prefix: str) -> Iterator[str]:
        """Adds every regular file under root (symlinks are not followed); yields each name."""
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                name = f"{prefix}/{path.relative_to(root).as_posix()}"
                try:
                    self.add_file(path, name)
                except FileNotFoundError:
                    continue  # deleted since the listing (an old rendition): not in this backup
                yield name

    def finish(self, manifest: Manifest) -> None:
        manifest.files = self.files
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o644
        self.tar.addfile(info, io.BytesIO(data))


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:") as tar:
            member = tar.extractfile(MANIFEST)
            return Manifest.from_json(member.read(), archive=archive)
    except KeyError as exc:
        raise ArchiveError(f"{archive}: no {MANIFEST} inside; not a Newsdesk backup.") from exc
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveError(f"{archive}: not a readable tar archive ({exc}).") from exc


def safe_name(name: str, *, archive: Path) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"{archive}: unsafe path {name!r} inside the archive.")
    return path


def unpack(archive: Path, staging: Path) -> Manifest:
    """Extracts the archive into staging, checking every file's size and SHA-256.

    Raises ArchiveError naming the first file that is missing, extra, or different.
    """
    manifest = read_manifest(archive)
    expected = {entry["path"]: entry for entry in manifest.files}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                safe_name(member.name, archive=archive)
                entry = expected.get(member.name)
                if entry is None or not member.isfile():
                    raise ArchiveError(f"{archive}: {member.name} is not in the manifest.")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                    raise ArchiveError(
                        f"{archive}: {member.name} is corrupted (checksum or size differs "
                        "from the manifest)."
                    )
                seen.add(member.name)
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveError(f"{archive}: the archive is damaged ({exc}).") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"{archive}: {missing[0]} is listed in the manifest but missing.")
    return manifest
