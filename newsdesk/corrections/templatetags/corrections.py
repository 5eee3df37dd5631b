"""The notes box at the foot of an article and the "Updated" stamp that links to it."""

from django import template

from newsdesk.corrections.services import notes_for

register = template.Library()


def public_notes(article) -> list:
    """The article's notes, fetched once per render however many tags ask."""
    cached = article.__dict__.get("_public_notes")
    if cached is None:
        cached = article.__dict__["_public_notes"] = notes_for(article)
    return cached


def heading(notes) -> str:
    kinds = {note.kind for note in notes}
    if len(kinds) == 1:
        label = notes[0].get_kind_display()
        return f"{label}s" if len(notes) > 1 else label
    return "Corrections and updates"


@register.inclusion_tag("corrections/notes.html")
def notes_box(article):
    notes = public_notes(article)
    return {"notes": notes, "heading": heading(notes) if notes else ""}


@register.inclusion_tag("corrections/updated.html")
def updated_stamp(article):
    """ "Updated <time>", linked to the notes box when the article has notes."""
    notes = public_notes(article) if article.updated_at else []
    return {"updated_at": article.updated_at, "linked": bool(notes)}
