"""Which object each outside item became: lookups by source id, and what an upsert did.

The upsert services (`services.py`) and any importer needing its own kind of object use these:
`find_imported` to resolve a source's id (a parent comment, a post's author), `checksum` for
what was imported, `lookup`/`record` to key an object on the source's id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ImportedItem

Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Upserted[T]:
    """One object an upsert touched, and what it did to it."""

    obj: T
    kind: str
    action: Action

    @property
    def label(self) -> str:
        return f"{self.kind} {str(self.obj)[:80]!r}"


def checksum(*parts: object) -> str:
    """A digest of what was imported, stable across runs (dicts by key, dates as ISO)."""
    data = json.dumps(parts, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return str(value)


def find_imported(*, source: str, kind: str, source_id: str):
    """The object an earlier run made from this source item, or None (also if since deleted)."""
    record = ImportedItem.objects.filter(source=source, kind=kind, source_id=source_id).first()
    return _target(record)


def _target(record: ImportedItem | None):
    if record is None:
        return None
    model = ContentType.objects.get_for_id(record.content_type_id).model_class()  # cached
    return model.objects.filter(pk=record.object_id).first() if model else None


def lookup(*, source: str, kind: str, source_id: str):
    record = ImportedItem.objects.filter(source=source, kind=kind, source_id=source_id).first()
    return record, _target(record)


def record(
    *,
    source: str,
    kind: str,
    source_id: str,
    obj: models.Model,
    digest: str,
    stored: ImportedItem | None,
) -> None:
    """Remember what `source_id` became. `stored` is the record `lookup` found (None: there
    was none), which saves looking again."""
    content_type = ContentType.objects.get_for_model(obj)
    if stored is None:
        ImportedItem.objects.create(
            source=source,
            kind=kind,
            source_id=source_id,
            content_type=content_type,
            object_id=obj.pk,
            checksum=digest,
        )
        return
    stored.content_type, stored.object_id, stored.checksum = content_type, obj.pk, digest
    stored.save(update_fields=["content_type", "object_id", "checksum"])


def clean_source_id(value: str | int) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("An imported item needs a source id; this one has none.")
    if len(text) > 255:
        raise ValueError(f"Source id too long ({len(text)} characters, at most 255).")
    return text
