"""Wagtail's workflow emails, sent by the task worker once the admin's write has committed.

Wagtail sends them from inside the request that submits, approves or rejects, so a rolled
back write could still mail "approved" and a slow mail server holds the transaction open.
Here the same notifiers run in a task enqueued on commit. Each of ours is connected under
Wagtail's own `dispatch_uid`, so whichever app is ready first, only ours stays connected.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task
from wagtail.admin import signal_handlers as wagtail_handlers
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

# name -> (signal, sender, Wagtail's notifier, Wagtail's dispatch_uid)
NOTIFIERS = {
    "task_submitted": (
        task_submitted,
        TaskState,
        wagtail_handlers.task_submission_email_notifier,
        "group_approval_task_submitted_email_notification",
    ),
    "workflow_submitted": (
        workflow_submitted,
        WorkflowState,
        wagtail_handlers.workflow_submission_email_notifier,
        "workflow_state_submitted_email_notification",
    ),
    "workflow_rejected": (
        workflow_rejected,
        WorkflowState,
        wagtail_handlers.workflow_rejection_email_notifier,
        "workflow_state_rejected_email_notification",
    ),
    "workflow_approved": (
        workflow_approved,
        WorkflowState,
        wagtail_handlers.workflow_approval_email_notifier,
        "workflow_state_approved_email_notification",
    ),
}


_muted: ContextVar[bool] = ContextVar("newsdesk_workflow_emails_muted", default=False)


@contextmanager
def muted():
    """No review emails for what happens inside (the demo loader's workflow states)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@task()
def send_workflow_email(name: str, instance_pk: int, user_pk: int | None) -> None:
    _signal, sender, notifier, _uid = NOTIFIERS[name]
    instance = sender.objects.filter(pk=instance_pk).first()
    if instance is None:  # deleted since (e.g. the page was deleted): nothing to announce
        return
    user = get_user_model().objects.filter(pk=user_pk).first() if user_pk else None
    notifier(instance=instance, user=user)


def _deferred(name: str):
    def receiver(sender, instance, user=None, **kwargs):
        if _muted.get():
            return
        user_pk = user.pk if user is not None else None
        transaction.on_commit(
            lambda: send_workflow_email.enqueue(name, instance.pk, user_pk), robust=True
        )

    receiver.__name__ = f"deferred_{name}"
    return receiver


RECEIVERS = {name: _deferred(name) for name in NOTIFIERS}


def connect() -> None:
    for name, (signal, sender, _notifier, uid) in NOTIFIERS.items():
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(RECEIVERS[name], sender=sender, dispatch_uid=uid, weak=False)
