"""The task worker's heartbeat: written every pass, read by the readiness check."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from .models import WorkerHeartbeat

# Rows of workers gone for this long (restarted under a new process id) are dropped.
FORGET_AFTER = timedelta(days=1)


def record_heartbeat(*, worker: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def latest_heartbeat() -> datetime | None:
    return WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
