"""Scheduled publishing without cron: what the worker does every few seconds.

Wagtail keeps an approved schedule on the revision (`approved_go_live_at`) and an expiry on the
page (`expire_at`). Until the worker publishes it, a scheduled page is not live, so it is
invisible everywhere that uses `published()`, however late the worker is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

logger = logging.getLogger(__name__)

# A publication later than this counts as missed (worker down) and is reported.
GRACE = timedelta(seconds=60)


@dataclass
class Run:
    published: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def publish_due(*, now: datetime | None = None) -> Run:
    """Publish every approved schedule that is due and unpublish every expired page.

    Each page changes in its own transaction: revision, live state and log entry together.
    """
    now = now or timezone.now()
    run = Run()
    due = Revision.page_revisions.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at"
    )
    for revision in due:
        late = now - revision.approved_go_live_at
        label = f"{revision.object_str} (due {revision.approved_go_live_at:%Y-%m-%d %H:%M:%S})"
        with transaction.atomic():
            revision.publish(log_action="wagtail.publish.scheduled")
        run.published.append(label)
        if late > GRACE:
            run.missed.append(f"{label}, published {int(late.total_seconds())} s late")
            logger.warning("Missed schedule caught up: %s", run.missed[-1])
    for page in Page.objects.live().filter(expire_at__lte=now).specific():
        with transaction.atomic():
            page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        run.expired.append(page.title)
    return run
