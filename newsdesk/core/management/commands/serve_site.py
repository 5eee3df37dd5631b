"""Serve the site on loopback, after saying where to find it and how to sign in.

granian by default: it answers page-cache hits at about twice gunicorn's rate on the same
workers and threads (bench/RESULTS.md, throughput); `--server gunicorn` for gunicorn.
"""

import os
import shutil
import subprocess
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsdesk.demo.loader import DEMO_PASSWORD, DEMO_USERNAME

from .check_port import port_is_free


def demo_roles() -> str:
    """The demo's newsroom accounts, if they still have the demo password."""
    from newsdesk.newsroom.demo import DEMO_PEOPLE

    users = get_user_model().objects.filter(username__in=[p[0] for p in DEMO_PEOPLE])
    names = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    if not names:
        return ""
    return f"  Try the roles: {', '.join(sorted(names))} (same password)\n"


def gunicorn(host: str, port: int, workers: int) -> list[str]:
    return ["gunicorn", "newsdesk.wsgi:application", f"--bind={host}:{port}",
            f"--workers={workers}", "--threads=4", "--access-logfile=-",
            "--graceful-timeout=5"]  # fmt: skip


def granian(host: str, port: int, workers: int) -> list[str]:
    return ["granian", "--interface=wsgi", f"--host={host}", f"--port={port}",
            f"--workers={workers}", "--blocking-threads=4", "--access-log",
            "--workers-kill-timeout=5", "newsdesk.wsgi:application"]  # fmt: skip


SERVERS = {"granian": granian, "gunicorn": gunicorn}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--server", choices=SERVERS, default="granian")
        parser.add_argument(
            "--no-worker", dest="worker", action="store_false", help="Do not start the task worker."
        )

    def handle(self, *args, host: str, port: int, workers: int, server: str, **options):
        if not port_is_free(host, port):
            raise CommandError(f"Port {port} is already in use. Try: make run PORT={port + 1}")
        base = f"http://{host}:{port}"
        demo_user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
        if demo_user and demo_user.check_password(DEMO_PASSWORD):
            sign_in = f"user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"
        else:
            sign_in = "with your account (create one: .venv/bin/python manage.py createsuperuser)"
        binary = shutil.which(server, path=os.path.dirname(sys.executable))
        if not binary:
            raise CommandError(f"{server} is not installed in this environment: run `make env`.")
        worker_line = ""
        if options["worker"]:
            # Same process group as the server: Ctrl+C stops both.
            worker = subprocess.Popen([sys.executable, sys.argv[0], "run_worker"])  # noqa: S603
            worker_line = (
                f"  Worker: scheduled publishing and background tasks (pid {worker.pid})\n"
            )
        self.stdout.write(
            "\n"
            f"  Site:   {base}/\n"
            f"  Admin:  {base}/admin/\n"
            f"  Sign in {sign_in}\n" + demo_roles() + worker_line + "  Stop with Ctrl+C.\n"
        )
        os.execv(binary, SERVERS[server](host, port, workers))  # noqa: S606 - our arguments
