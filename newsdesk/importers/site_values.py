"""The value checks `import_site` applies to each field of a record.

An export edited by hand, cut short or written by another tool may hold any JSON value in any
field: each check returns the value as the importer needs it, or raises `ItemError` naming the
field (and where it sits, `credits[1].role`) and what was found, so one bad record fails alone
with a reason instead of a TypeError from deep inside an upsert.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from wagtail import blocks

from .runner import ItemError


def moment(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but not a real moment: 2024-02-30
        parsed = None
    if parsed is None:
        raise ItemError(f"{field}: {shown(value)} is not a date and time (ISO 8601).")
    return parsed


def day(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ItemError(f"{field}: {shown(value)} is not a date (YYYY-MM-DD).") from None


def json_type(value: Any) -> str:
    """A value's type as JSON names it, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    names = {str: "text", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def text(record: dict, field: str, *, within: str = "") -> str:
    """A text field ("" when missing or null). `within` names the record in a list."""
    value = record.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        name = f"{within}.{field}" if within else field
        raise ItemError(f"{name}: expected text, got {json_type(value)}.")
    return value


def listed(record: dict, field: str, *, within: str = "") -> list:
    """A list field ([] when missing); null or any other type fails naming the field."""
    value = record.get(field, [])
    if not isinstance(value, list):
        name = f"{within}.{field}" if within else field
        raise ItemError(f"{name}: expected a list, got {json_type(value)}.")
    return value


def mapping(record: dict, field: str) -> dict:
    """An object field ({} when missing or null); any other type fails naming the field."""
    value = record.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ItemError(f"{field}: expected an object, got {json_type(value)}.")
    return value


def shown(value: Any) -> str:
    """A value in a message: text quoted and cut short, anything else by its JSON type."""
    if isinstance(value, str):
        return repr(value[:60]) if value else "empty text"
    return json_type(value)


def a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def number(record: dict, field: str, *, within: str = "") -> int | None:
    """A whole number field, or None when missing or null."""
    value = record.get(field)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        name = f"{within}.{field}" if within else field
        raise ItemError(f"{name}: expected a whole number or null, got {json_type(value)}.")
    return value


def texts(record: dict, names: str) -> dict[str, str]:
    """The named text fields (space-separated), "" when missing."""
    return {name: text(record, name) for name in names.split()}


def check_block(block: blocks.Block, value: Any, where: str, *, optional: bool = False) -> None:
    """A body block's raw value has the JSON shape its block stores (an object for a struct,
    a list for a list, text for text), all the way down; ItemError naming where it is not.
    Ids of images and pages are left to the reference checks."""
    if isinstance(block, blocks.ChooserBlock) or (value is None and optional):
        return
    if isinstance(block, blocks.StructBlock):
        if not isinstance(value, dict):
            raise ItemError(f"{where}: expected an object, got {json_type(value)}.")
        for name, child in block.child_blocks.items():
            if name in value:
                check_block(child, value[name], f"{where}.{name}", optional=True)
    elif isinstance(block, blocks.ListBlock):
        if not isinstance(value, list):
            raise ItemError(f"{where}: expected a list, got {json_type(value)}.")
        for n, item in enumerate(value):  # plain values, or {"type": "item", "value": ...}
            wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item
            check_block(block.child_block, item["value"] if wrapped else item, f"{where}[{n}]")
    elif isinstance(block, blocks.StreamBlock):
        check_stream(block, value, where)
    elif isinstance(block, blocks.BooleanBlock):
        if not isinstance(value, bool):
            raise ItemError(f"{where}: expected true or false, got {json_type(value)}.")
    elif isinstance(block, blocks.FieldBlock) and not isinstance(value, str):
        raise ItemError(f"{where}: expected text, got {json_type(value)}.")


def check_stream(block: blocks.StreamBlock, value: Any, where: str) -> None:
    """A stream of blocks: a list of {type, value} with types the stream knows."""
    if not isinstance(value, list):
        raise ItemError(f"{where}: expected a list of blocks, got {json_type(value)}.")
    for n, item in enumerate(value):
        if not isinstance(item, dict) or "value" not in item:
            raise ItemError(
                f"{where}[{n}]: expected a block {{type, value}}, got {json_type(item)}."
            )
        kind = item.get("type")
        if not isinstance(kind, str) or kind not in block.child_blocks:
            raise ItemError(f"{where}[{n}].type: {shown(kind)} is not a block of this body.")
        if not isinstance(item.get("id", ""), str):
            raise ItemError(f"{where}[{n}].id: expected text, got {json_type(item['id'])}.")
        check_block(block.child_blocks[kind], item["value"], f"{where}[{n}]")
