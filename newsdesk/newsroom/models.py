"""Shareable previews: a signed, expiring link to a page's latest draft for someone outside."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_HOURS = 48
MIN_HOURS = 1
MAX_HOURS = 14 * 24


def hash_token(token: str) -> str:
    """Only this is stored: a leaked database row does not give away a working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    return timezone.now() + timedelta(hours=DEFAULT_HOURS)


class PreviewLinkQuerySet(models.QuerySet):
    def valid(self, *, at=None):
        """Links that still work: not revoked and not yet expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class PreviewLink(models.Model):
    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="preview_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "preview link"

    def __str__(self):
        return f"Preview link for {self.page} (until {self.expires_at:%Y-%m-%d %H:%M})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
