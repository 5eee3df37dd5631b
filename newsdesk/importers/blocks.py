"""Article body blocks in StreamField's raw form, for importers.

Importers describe a body as a list of these small dicts; `upsert_article` gives them stable
ids. Text is plain and escaped here; HTML an importer has already cleaned goes through
`paragraph_html`.
"""

from __future__ import annotations

from django.utils.html import escape

Block = dict


def paragraph(text: str) -> Block:
    return {"type": "paragraph", "value": f"<p>{escape(text)}</p>"}


def paragraph_html(html: str) -> Block:
    """A paragraph from rich text the importer has already limited to safe inline markup."""
    return {"type": "paragraph", "value": html}


def subheading(text: str) -> Block:
    return {"type": "subheading", "value": text}


def quote(text: str, *, attribution: str = "") -> Block:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def figure(*, image_id: int, caption: str = "", credit: str = "") -> Block:
    return {"type": "image", "value": {"image": image_id, "caption": caption, "credit": credit}}


def fact_box(*, items: list[str], title: str = "At a glance") -> Block:
    return {"type": "fact_box", "value": {"title": title, "items": list(items)}}
