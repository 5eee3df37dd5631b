"""Adding, changing and withdrawing notes, and reading them back: every rule in one place."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.log_actions import log

from newsdesk.articles.models import ArticlePage

from . import signals
from .models import ArticleNote

PAGE_SIZE = 20
ADD_ACTION = "corrections.note_add"
WITHDRAW_ACTION = "corrections.note_withdraw"


def _user(by):
    return by if by is not None and by.is_authenticated else None


def _log_data(note: ArticleNote, **extra) -> dict:
    return {"note_id": note.pk, "kind": note.kind, "text": note.text[:255], **extra}


def _after_commit(article_id: int) -> None:
    def send():
        article = ArticlePage.objects.filter(pk=article_id).first()
        if article is not None:
            signals.notes_changed.send(sender=ArticleNote, article=article)

    transaction.on_commit(send)


def _raise_updated_at(*, article_id: int, when: datetime) -> bool:
    """Set the article's "last updated" to `when` unless it is already as late. On the row
    only: publishing a revision for a note would turn the editor's draft live."""
    return bool(
        ArticlePage.objects.filter(pk=article_id)
        .filter(Q(updated_at__isnull=True) | Q(updated_at__lt=when))
        .update(updated_at=when)
    )


def _apply_to_article(note: ArticleNote) -> None:
    if note.kind not in ArticleNote.CHANGES_ARTICLE:
        return
    raised = _raise_updated_at(article_id=note.article_id, when=note.noted_at)
    if raised and ArticleNote.article.is_cached(note):
        note.article.updated_at = note.noted_at


@transaction.atomic
def note_add(
    *,
    article: ArticlePage,
    kind: str,
    text: str,
    noted_at: datetime | None = None,
    by=None,
) -> ArticleNote:
    """Append a note to a published article; a correction or update also marks it "Updated"."""
    note = ArticleNote(
        article=article,
        kind=kind,
        text=text.strip(),
        noted_at=noted_at or timezone.now(),
        created_by=_user(by),
    )
    note.full_clean()
    note.save()
    _apply_to_article(note)
    log(instance=note, action="wagtail.create", user=_user(by), content_changed=True)
    log(instance=article, action=ADD_ACTION, user=_user(by), data=_log_data(note))
    _after_commit(note.article_id)
    return note


@transaction.atomic
def note_update(*, note: ArticleNote, by=None, changed: bool = True) -> ArticleNote:
    """Save an edited note (the article stays the same); the change is logged."""
    if note.pk is None:
        raise ValueError("note_update() saves an existing note; use note_add() for a new one.")
    stored = ArticleNote.objects.select_for_update().get(pk=note.pk)
    if stored.is_withdrawn:
        raise ValidationError("This note was withdrawn and can no longer be changed.")
    if stored.article_id != note.article_id:
        raise ValidationError(
            {"article": "A note stays with its article; withdraw it and add a new one instead."}
        )
    note.text = note.text.strip()
    note.full_clean()
    note.save()
    _apply_to_article(note)
    log(instance=note, action="wagtail.edit", user=_user(by), content_changed=changed)
    _after_commit(note.article_id)
    return note


@transaction.atomic
def note_withdraw(*, note: ArticleNote, by, reason: str, at: datetime | None = None) -> ArticleNote:
    """Take a note away from readers, keeping it with who withdrew it, when and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the note is withdrawn; it is kept with it."})
    at = at or timezone.now()
    user = _user(by)
    done = ArticleNote.objects.filter(pk=note.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=at, withdrawn_by=user, withdrawn_reason=reason[:255]
    )
    if not done:
        raise ValidationError("This note has already been withdrawn.")
    note.withdrawn_at, note.withdrawn_by, note.withdrawn_reason = at, user, reason[:255]
    data = _log_data(note, reason=note.withdrawn_reason)
    log(instance=note, action=WITHDRAW_ACTION, user=user, data=data)
    article = ArticlePage.objects.filter(pk=note.article_id).first()
    if article is not None:
        log(instance=article, action=WITHDRAW_ACTION, user=user, data=data)
    _after_commit(note.article_id)
    return note


def sync_updated_at(*, article: ArticlePage) -> None:
    """Make sure the article's "last updated" is no earlier than its latest correction or
    update (after a revision that predates the note is published)."""
    latest = (
        ArticleNote.objects.current()
        .filter(article_id=article.pk, kind__in=ArticleNote.CHANGES_ARTICLE)
        .aggregate(latest=Max("noted_at"))["latest"]
    )
    if latest and _raise_updated_at(article_id=article.pk, when=latest):
        article.updated_at = latest


def notes_for(article: ArticlePage) -> list[ArticleNote]:
    """The notes readers see on an article, oldest first; none unless it is published.

    For the article page and for structured data (schema.org `correction`).
    """
    notes = list(ArticleNote.objects.public().filter(article_id=article.pk))
    for note in notes:
        note.article = article
    return notes


def corrections_listing():
    """Every correction readers may see, newest first, with its article (for /corrections/)."""
    return (
        ArticleNote.objects.public()
        .corrections()
        .select_related("article")
        .defer("article__body")
        .order_by("-noted_at", "-pk")
    )
