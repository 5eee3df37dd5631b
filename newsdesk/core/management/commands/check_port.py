"""Fail with a clear message when the port the site should listen on is taken."""

import errno
import socket

from django.core.management.base import BaseCommand, CommandError


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers bind: connections of a server just stopped (TIME_WAIT) do not hold
        # the port, a server listening on it does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        if not port_is_free(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use by another program. "
                f"Stop it, or choose another port: make run PORT={port + 1}"
            )
