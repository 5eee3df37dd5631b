"""Shareable previews: create, revoke and resolve signed, expiring links to a draft.

The token is random (`secrets.token_urlsafe`); only its SHA-256 is stored, so the full link is
shown once, when it is made. A link works until it expires or is revoked, whichever is first.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from .models import DEFAULT_HOURS, MAX_HOURS, MIN_HOURS, PreviewLink, hash_token

HOUR_CHOICES = (
    (1, "1 hour"),
    (24, "1 day"),
    (48, "2 days"),
    (7 * 24, "7 days"),
    (14 * 24, "14 days"),
)


def _check_can_share(page, user) -> None:
    if user is None or not page.permissions_for_user(user).can_edit():
        raise PermissionDenied("Only people who may edit this page may share or revoke previews.")


def preview_link_url(token: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('newsroom_preview', args=[token])}"


def preview_link_create(*, page, user, hours: int = DEFAULT_HOURS) -> tuple[PreviewLink, str]:
    """A new link to the page's latest revision, valid for `hours` (1 h to 14 days).

    Returns the link and its full URL; the URL cannot be rebuilt later.
    """
    _check_can_share(page, user)
    hours = int(hours)
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValueError(f"A preview link lasts from {MIN_HOURS} to {MAX_HOURS} hours.")
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    link = PreviewLink.objects.create(
        page=page,
        token_hash=hash_token(token),
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    log(
        instance=page,
        action="newsroom.preview_link.create",
        user=user,
        data={"link_id": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return link, preview_link_url(token)


def preview_link_revoke(*, link: PreviewLink, user) -> PreviewLink:
    """Stop the link working now. Revoking an already revoked link changes nothing."""
    _check_can_share(link.page, user)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        log(
            instance=link.page,
            action="newsroom.preview_link.revoke",
            user=user,
            data={"link_id": link.pk},
        )
    return link


def preview_link_resolve(token: str) -> PreviewLink | None:
    """The working link for this token, or None if it is unknown, expired or revoked."""
    if not token or len(token) > 100:
        return None
    return (
        PreviewLink.objects.valid()
        .select_related("page")
        .filter(token_hash=hash_token(token))
        .first()
    )


def preview_is_embargoed(page) -> bool:
    """True while the page is approved to go live at a time still to come (scheduled or
    embargoed): until then no preview link shows it.

    Any revision counts, not just the latest, since saving a new draft after scheduling leaves
    the approved schedule standing.
    """
    return page.revisions.filter(approved_go_live_at__gt=timezone.now()).exists()
