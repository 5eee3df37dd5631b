"""The task worker: publishes scheduled articles on time and runs queued background tasks.

`make run` starts it beside the web server; in production run it as its own service.
"""

import os
import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from newsdesk.analytics import counting as views
from newsdesk.operations.heartbeats import record_heartbeat
from newsdesk.publishing.services import publish_due


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between passes.")
        parser.add_argument("--once", action="store_true", help="Do one pass, then exit.")

    def handle(self, *args, interval: float, once: bool, verbosity: int = 1, **options):
        self.running = True
        if not once:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        first = True
        while self.running:
            if not once:
                close_old_connections()  # a long-running process: drop stale connections
            run = publish_due()
            for line in run.published:
                self.stdout.write(f"Published {line}")
            for line in run.expired:
                self.stdout.write(f"Unpublished (expired) {line}")
            if run.missed:
                what = "while the worker was down" if first else "late"
                self.stdout.write(
                    self.style.WARNING(f"{len(run.missed)} scheduled publication(s) missed {what}:")
                )
                for line in run.missed:
                    self.stdout.write(f"  {line}")
            self.run_queued_tasks(worker_id)
            views.flush()  # reads buffered in Redis reach the database within one pass
            record_heartbeat(worker=worker_id)  # /readyz: the worker is alive and passing
            first = False
            if once:
                break
            time.sleep(interval)

    def stop(self, signum, frame):
        self.running = False
        raise SystemExit(0)

    def run_queued_tasks(self, worker_id: str) -> None:
        """Drain the database task queue, when that is the configured backend."""
        backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
        if not backend.startswith("django_tasks_db"):
            return
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
