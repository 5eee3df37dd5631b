"""Corrections, clarifications and updates that editors append to published articles.

A note is never deleted. One added in error (to the wrong article, twice, or on legal advice)
is *withdrawn*: it keeps its text and gains the time, the editor and the reason, the action is
logged, and readers no longer see it anywhere (article, /corrections/, structured data). A note
that was itself wrong is answered with a new correction, not withdrawn, so the record stays
public.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel

CLOCK_SKEW = timedelta(minutes=5)


class NoteDeletionRefused(Exception):
    """Notes are withdrawn, never deleted."""


class ArticleNoteQuerySet(models.QuerySet):
    def current(self) -> "ArticleNoteQuerySet":
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def public(self) -> "ArticleNoteQuerySet":
        """What readers may see: current notes on published articles. The one definition."""
        from newsdesk.articles.models import ArticlePage

        return self.current().filter(article__in=ArticlePage.objects.published())

    def corrections(self) -> "ArticleNoteQuerySet":
        return self.filter(kind=ArticleNote.Kind.CORRECTION)

    def delete(self):
        raise NoteDeletionRefused("Notes cannot be deleted; withdraw them instead.")


class ArticleNote(models.Model):
    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    # Kinds that mean the story changed, so the article shows "Updated" at the note's time.
    CHANGES_ARTICLE = (Kind.CORRECTION, Kind.UPDATE)

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(
        "type",
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="Correction: we got something wrong. Clarification: accurate but unclear. "
        "Update: new information since publication.",
    )
    noted_at = models.DateTimeField(
        "time",
        default=timezone.now,
        db_index=True,
        help_text="When the article was corrected or updated. Shown to readers; corrections "
        "and updates also set the article's “Updated” time.",
    )
    text = models.TextField(
        help_text="Shown to readers as written. Say what was wrong and what is right, e.g. "
        "“An earlier version of this article gave the turnout as 14 per cent. It was 41 per "
        "cent.”"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    withdrawn_reason = models.CharField(max_length=255, blank=True, editable=False)

    objects = ArticleNoteQuerySet.as_manager()

    panels = [
        FieldPanel("article"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("noted_at")]),
        FieldPanel("text"),
    ]

    class Meta:
        verbose_name = "correction note"
        verbose_name_plural = "correction notes"
        ordering = ["noted_at", "pk"]
        default_permissions = ("add", "change", "view")
        permissions = [("withdraw_articlenote", "Can withdraw correction note")]
        indexes = [
            models.Index(fields=["article", "noted_at"]),
            models.Index(fields=["kind", "noted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "clarification", "update"]),
                name="note_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="note_has_text"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="note_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return f"{self.get_kind_display()}: {text[:70]}{'…' if len(text) > 70 else ''}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def anchor(self) -> str:
        return f"note-{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.article.url}#{self.anchor}"

    def clean(self):
        from newsdesk.articles.models import ArticlePage

        if self.is_withdrawn:
            raise ValidationError("This note was withdrawn and can no longer be changed.")
        errors = {}
        if self.noted_at and self.noted_at > timezone.now() + CLOCK_SKEW:
            errors["noted_at"] = "A note cannot be dated in the future."
        if self.article_id:
            published = (
                ArticlePage.objects.published()
                .filter(pk=self.article_id)
                .values_list("first_published_at", flat=True)
                .first()
            )
            if published is None and self._state.adding:
                errors["article"] = "Notes can only be added to published articles."
            elif published and self.noted_at and self.noted_at < published:
                errors["noted_at"] = "A note cannot be dated before the article was published."
        if errors:
            raise ValidationError(errors)

    def delete(self, *args, **kwargs):
        raise NoteDeletionRefused("Notes cannot be deleted; withdraw them instead.")
