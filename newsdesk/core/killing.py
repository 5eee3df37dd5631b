"""The harness of the SIGKILL tests: Django starts once, then forks a writer per kill, so that
a test can kill writers at random points a hundred times for the price of one start.

The helper script (run by `start_helper`) calls `serve(work)`: for every seed line the test
writes to its stdin, it forks a child running `work(random.Random(seed))`, says `pid N`, and
says `reaped N STATUS` once the test has killed the child; then `check()`, if given, looks at
the database as the next writer will find it. Lines go to stdout, which the test reads.
"""

import os
import random
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def say(line: str) -> None:
    """One line to the test, unbuffered: a killed process leaves nothing half-said."""
    os.write(1, f"{line}\n".encode())


def serve(work: Callable[[random.Random], None], *, check: Callable[[], None] | None = None):
    from django.db import connections

    connections.close_all()  # each child opens its own connection after the fork
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                work(random.Random(int(line)))
            except BaseException:
                traceback.print_exc()
            os._exit(1)
        say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"reaped {pid} {status}")
        if check is not None:
            check()
            connections.close_all()


def start_helper(script: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    """Run a helper script with the test's interpreter, talking to it by lines."""
    return subprocess.Popen(  # noqa: S603 - our interpreter running our own script
        [sys.executable, str(script), *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
