"""Side effects of comments: notifications, sent after the transaction commits."""

from django.dispatch import Signal, receiver
from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

comment_posted = Signal()  # comment=
comment_moderated = Signal()  # comment=


@receiver(comment_posted)
def on_post(sender, comment, **kwargs):
    from . import tasks

    if comment.status == comment.Status.PENDING:
        tasks.enqueue_moderator_digest()
    elif comment.status == comment.Status.APPROVED:
        purge_page_from_cache(comment.article)
        tasks.notify_reply.enqueue(comment.pk)


@receiver(comment_moderated)
def on_moderation(sender, comment, **kwargs):
    from . import tasks

    # Any change of status can add or take away a comment the page shows.
    purge_page_from_cache(comment.article)
    if comment.status == comment.Status.APPROVED:
        tasks.notify_approved.enqueue(comment.pk)
        tasks.notify_reply.enqueue(comment.pk)
