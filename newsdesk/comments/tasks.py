"""Comment emails, run by the task worker (at once in the embedded default)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from .models import Comment, CommentSettings

DIGEST_DELAY = timedelta(minutes=5)
UNSUBSCRIBE_SALT = "newsdesk.comments.unsubscribe"


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def unsubscribe_url(email: str) -> str:
    token = signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT)
    return base_url() + reverse("comments:unsubscribe", args=[token])


def send_to_commenter(*, email: str, subject: str, body: str) -> None:
    """Plain-text mail with a one-click unsubscribe (RFC 8058) that mail clients can show."""
    url = unsubscribe_url(email)
    EmailMessage(
        subject=subject,
        body=f"{body}\n\nStop these emails: {url}\n",
        to=[email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def enqueue_moderator_digest() -> None:
    """Batch moderator mail: with a queue, one digest at most every few minutes."""
    digest = send_moderator_digest
    if default_task_backend.supports_defer:
        digest = digest.using(run_after=timezone.now() + DIGEST_DELAY)
    digest.enqueue()


@task()
def send_moderator_digest() -> int:
    """Email moderators every pending comment not yet reported; returns how many."""
    pending = list(
        Comment.objects.pending().filter(moderators_notified=False).select_related("article")
    )
    if not pending:
        return 0
    conf = CommentSettings.for_site(pending[0].article.get_site())
    recipients = conf.moderator_addresses
    if recipients:
        lines = [
            f"- {c.author_name} on “{c.article.title}”: {c.body[:200]}"
            + (f" [held: {c.hold_reason}]" if c.hold_reason else "")
            for c in pending
        ]
        send_mail(
            subject=f"{len(pending)} comment(s) awaiting moderation",
            message="\n".join(lines)
            + f"\n\nModerate them at {base_url()}{reverse('wagtailsnippets_comments_comment:list')}?status=pending\n",
            from_email=None,
            recipient_list=recipients,
        )
    Comment.objects.filter(pk__in=[c.pk for c in pending]).update(moderators_notified=True)
    return len(pending)


@task()
def notify_approved(comment_id: int) -> bool:
    comment = Comment.objects.visible().select_related("article").filter(pk=comment_id).first()
    if not comment or not comment.notify or not comment.author_email:
        return False
    send_to_commenter(
        email=comment.author_email,
        subject=f"Your comment on “{comment.article.title}” is published",
        body=(
            f"Hello {comment.author_name},\n\nYour comment is now on the page:\n"
            f"{base_url()}{comment.get_absolute_url()}"
        ),
    )
    return True


@task()
def notify_reply(comment_id: int) -> bool:
    reply = (
        Comment.objects.visible().select_related("parent", "article").filter(pk=comment_id).first()
    )
    parent = reply.parent if reply else None
    if (
        not parent
        or not parent.notify
        or not parent.author_email
        or parent.author_email == reply.author_email
    ):
        return False
    send_to_commenter(
        email=parent.author_email,
        subject=f"{reply.author_name} replied to your comment",
        body=(
            f"Hello {parent.author_name},\n\n{reply.author_name} replied to your comment on "
            f"“{reply.article.title}”:\n\n{reply.body}\n\n{base_url()}{reply.get_absolute_url()}"
        ),
    )
    return True
