"""Helpers the tests share that are not fixtures."""

import os
import signal
import socket
import subprocess
from typing import NoReturn

import pytest
from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL, for the subprocesses a test starts."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    return (
        f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"
    )


def missing_service(message: str) -> NoReturn:
    """A real service the tests need is not here: CI fails, a developer's run skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """TERM a child started in its own process group (a server and its workers), KILL it if
    it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def service_url(kind: str) -> str:
    """The URL `scripts/services <kind>-url` prints (starting the service if need be);
    RuntimeError with the script's own message if it cannot."""
    from django.conf import settings

    result = subprocess.run(  # noqa: S603 - our script
        [str(settings.BASE_DIR / "scripts" / "services"), f"{kind}-url"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"scripts/services {kind}-url failed")
    return result.stdout.strip().splitlines()[-1]
