"""Writing and moderating comments: every rule in one place, views and admin stay thin."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.caching import counters
from newsdesk.core.readers import keyed_hash

from . import signals
from .models import Comment, CommentSettings

LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MAX_DEPTH = 3  # replies deeper than this are shown flat, "in reply to NAME"

# Per network and per email: (seconds, how many). Excess gets HTTP 429 and is stored nowhere.
DEFAULT_RATE_LIMITS = ((15, 1), (3600, 6))


class CommentRejected(Exception):
    """The comment cannot be accepted; `field` says which input to fix."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class RateLimited(CommentRejected):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            f"You are commenting faster than we allow. Please wait {retry_after} seconds and send again."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Author:
    name: str
    email: str = ""
    url: str = ""
    user: object | None = None
    network_hash: str = ""

    @property
    def is_staff(self) -> bool:
        user = self.user
        return bool(user and user.is_authenticated and user.has_perm("comments.change_comment"))


def clean_text(value: str, *, single_line: bool = False) -> str:
    value = unicodedata.normalize("NFC", CONTROL.sub("", value or ""))
    if single_line:
        return " ".join(value.split())
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = re.sub(r"[ \t]+\n", "\n", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def comments_state(article, settings_: CommentSettings) -> str:
    """ "open", "closed" (thread visible, no new comments) or "off"."""
    mode = article.comments_mode
    if mode != "open":
        return mode
    days = settings_.close_after_days
    published = article.first_published_at
    if days and published and timezone.now() - published > timedelta(days=days):
        return "closed"
    return "open"


def _check_rate(scope: str, key: str) -> None:
    limits = getattr(settings, "COMMENT_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    for seconds, allowed in limits:
        # Counted in Redis, or in the database while Redis is down: never switched off.
        count = counters.hit(f"comments:rate:{scope}:{seconds}:{key}", seconds=seconds)
        if count > allowed:
            raise RateLimited(seconds)


def comment_create(
    *,
    article,
    author: Author,
    body: str,
    parent_id: int | None = None,
    notify: bool = False,
    submission: str = "",
    site_settings: CommentSettings | None = None,
) -> Comment:
    """Validate and store one comment; returns it (an identical resubmission returns the first)."""
    conf = site_settings or CommentSettings.for_site(article.get_site())
    state = comments_state(article, conf)
    if state != "open":
        raise CommentRejected("Comments are closed on this article.")
    user = author.user if author.user is not None and author.user.is_authenticated else None
    if user is None and not conf.allow_guests:
        raise CommentRejected("Please sign in to comment.")

    name = clean_text(author.name, single_line=True)[:80]
    email = author.email.strip().lower()
    if user is not None:
        name = name or user.get_full_name() or user.get_username()
        email = email or user.email.lower()
    body = clean_text(body)
    if not name:
        raise CommentRejected("Please give a name to show with your comment.", field="name")
    if not body:
        raise CommentRejected("Please write a comment.", field="body")
    if len(body) > conf.max_length:
        raise CommentRejected(
            f"Comments can be at most {conf.max_length} characters; yours has {len(body)}.",
            field="body",
        )
    parent = None
    if parent_id:
        parent = Comment.objects.visible().filter(article=article, pk=parent_id).first()
        if parent is None:
            raise CommentRejected("The comment you are replying to is not available any more.")

    identity = email or author.network_hash
    _check_rate("network", author.network_hash)
    if email:
        _check_rate("email", keyed_hash("email", email))

    content_hash = keyed_hash("body", " ".join(body.lower().split()))
    since = timezone.now() - timedelta(days=1)
    mine = Q(author_email=email) if email else Q(network_hash=author.network_hash)
    recent = Comment.objects.filter(mine, article=article, created_at__gte=since)
    if recent.filter(content_hash=content_hash).exists():
        raise CommentRejected("You have already posted this comment.", field="body")
    if parent is None and recent.filter(parent__isnull=True).count() >= conf.daily_top_level_limit:
        raise CommentRejected(
            "You have started as many threads on this article as we allow in a day. "
            "You can still reply to comments."
        )

    status, hold_reason = _initial_status(body=body, email=email, author=author, conf=conf)
    comment = Comment(
        article=article,
        parent=parent,
        author_name=(user.get_full_name() or user.get_username()) if author.is_staff else name,
        author_email=email,
        author_url=author.url.strip()
        if author.url.strip().lower().startswith(("http://", "https://"))
        else "",
        user=user,
        is_staff_reply=author.is_staff,
        body=body,
        status=status,
        hold_reason=hold_reason,
        notify=notify and bool(email),
        network_hash=author.network_hash,
        content_hash=content_hash,
        submission_key=hashlib.sha256(
            f"{submission}|{identity}|{content_hash}".encode()
        ).hexdigest(),
    )
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        existing = Comment.objects.filter(submission_key=comment.submission_key).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(lambda: signals.comment_posted.send(sender=Comment, comment=comment))
    return comment


def _initial_status(
    *, body: str, email: str, author: Author, conf: CommentSettings
) -> tuple[str, str]:
    lowered = body.lower()
    for term in conf.blocked_terms:
        if term in lowered:
            return Comment.Status.SPAM, "Contains a blocked word"
    if author.is_staff:
        return Comment.Status.APPROVED, ""
    if len(LINK.findall(body)) > conf.max_links:
        return Comment.Status.PENDING, f"More than {conf.max_links} links"
    if conf.moderation == CommentSettings.Moderation.POST:
        return Comment.Status.APPROVED, ""
    if conf.moderation == CommentSettings.Moderation.TRUSTED and email:
        approved = Comment.objects.visible().filter(author_email=email).count()
        if approved >= conf.trust_after:
            return Comment.Status.APPROVED, ""
    return Comment.Status.PENDING, ""


def moderate(*, comments, status: str, by=None, reason: str = "") -> int:
    """Set the status of comments; returns how many changed. Approvals notify on commit."""
    if status not in Comment.Status.values:
        raise ValueError(f"Unknown comment status {status!r}; use one of {Comment.Status.values}.")
    changed = []
    with transaction.atomic():
        for comment in comments:
            if comment.status == status and not reason:
                continue
            comment.status = status
            comment.moderated_at = timezone.now()
            comment.moderated_by = by if by is not None and by.is_authenticated else None
            if reason:
                comment.removal_reason = reason[:255]
            comment.save(update_fields=["status", "moderated_at", "moderated_by", "removal_reason"])
            changed.append(comment)
    for comment in changed:
        transaction.on_commit(
            lambda c=comment: signals.comment_moderated.send(sender=Comment, comment=c)
        )
    return len(changed)


def thread(*, article, newest_first: bool = False) -> list[dict]:
    """Approved comments as nested nodes: {"comment", "replies", "reply_to", "depth", "hidden"}.

    Oldest first within a thread; top level pinned first, then oldest (or newest) first.
    Replies deeper than MAX_DEPTH are listed beside their parent, naming whom they answer.
    An approved reply whose parent was later removed keeps its place under a placeholder.
    """
    comments = list(Comment.objects.visible().filter(article=article))
    by_id = {c.pk: c for c in comments}
    hidden: set[int] = set()
    missing = {c.parent_id for c in comments if c.parent_id and c.parent_id not in by_id}
    while missing:
        for gone in Comment.objects.filter(pk__in=missing).only(
            "parent_id", "created_at", "is_pinned"
        ):
            by_id[gone.pk] = gone
            hidden.add(gone.pk)
        missing = {c.parent_id for c in by_id.values() if c.parent_id and c.parent_id not in by_id}
    ordered = sorted(by_id.values(), key=lambda c: (c.created_at, c.pk))
    nodes = {
        c.pk: {"comment": c, "replies": [], "reply_to": None, "depth": 1, "hidden": c.pk in hidden}
        for c in ordered
    }
    roots = []
    for comment in ordered:
        node = nodes[comment.pk]
        if comment.parent_id is None:
            roots.append(node)
            continue
        holder = nodes[comment.parent_id]
        if holder["depth"] >= MAX_DEPTH:
            # Too deep to indent further: shown beside its parent, naming whom it answers.
            node["reply_to"] = None if holder["hidden"] else by_id[comment.parent_id].author_name
            holder = holder["holder"]
        node["depth"] = holder["depth"] + 1
        node["holder"] = holder
        holder["replies"].append(node)
    roots.sort(key=lambda n: n["comment"].created_at, reverse=newest_first)
    roots.sort(key=lambda n: not n["comment"].is_pinned)
    return roots


def comment_store(
    *,
    article,
    name: str,
    body: str,
    email: str = "",
    website: str = "",
    parent=None,
    posted_at: datetime | None = None,
    staff: bool = False,
    pinned: bool = False,
    highlighted: bool = False,
    status: str = "approved",
):
    """Store a comment as already moderated: for imports and demo data, which bypass the
    defences meant for live readers."""
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        author_name=name,
        author_email=email,
        author_url=website,
        body=body,
        status=status,
        is_staff_reply=staff,
        is_pinned=pinned,
        is_highlighted=highlighted,
        content_hash=keyed_hash("body", " ".join(body.lower().split())),
        submission_key=uuid.uuid4().hex,
        moderators_notified=True,
        **({"created_at": posted_at} if posted_at else {}),
    )
    return comment
