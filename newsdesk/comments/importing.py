"""Bringing existing comment threads in (from saved pages, other platforms)."""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction

from .services import comment_store


@transaction.atomic
def import_thread(*, article, entries: Iterable[tuple[str, str]], spacing_minutes: int = 5):
    """One thread: each entry (author, text) answers the one before it. Returns the comments."""
    comments = []
    start = article.first_published_at
    for n, (name, text) in enumerate(entries, start=1):
        comments.append(
            comment_store(
                article=article,
                name=name,
                body=text,
                parent=comments[-1] if comments else None,
                posted_at=start + timedelta(minutes=spacing_minutes * n),
            )
        )
    return comments
