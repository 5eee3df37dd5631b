"""Side effects of comments: notifications, sent after the transaction commits."""

from django.dispatch import Signal, receiver

from newsdesk.caching.services import purge_article_page

comment_posted = Signal()  # comment=
comment_moderated = Signal()  # comment=


@receiver(comment_posted)
def on_post(sender, comment, **kwargs):
    from . import tasks

    if comment.status == comment.Status.PENDING:
        tasks.enqueue_moderator_digest()
    elif comment.status == comment.Status.APPROVED:
        purge_article_page(comment.article_id)
        tasks.notify_reply.enqueue(comment.pk)


@receiver(comment_moderated)
def on_moderation(sender, comment, **kwargs):
    from . import tasks

    # Any change of status can add or take away a comment the page shows (and the count on
    # its cards); a comment taken away must not come back in a stale copy.
    purge_article_page(comment.article_id, hard=True)
    if comment.status == comment.Status.APPROVED:
        tasks.notify_approved.enqueue(comment.pk)
        tasks.notify_reply.enqueue(comment.pk)
