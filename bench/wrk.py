"""wrk, run and read: requests per second, p50 and p99 latency, errors.

`BENCH_DURATION` (seconds, default 10) shortens every run and `BENCH_ROUNDS` (default 5) sets
how often each is repeated, for a quick look:
`make bench BENCH=throughput BENCH_DURATION=2 BENCH_ROUNDS=1`. The issue's figures use
`wrk -t2 -c32 -d10s`.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from .servers import program

THREADS = 2
CONNECTIONS = 32
# What browsers send: every system may answer with the compressed copy it holds (nginx its
# .gz file, Varnish and the page cache their gzipped copies); one that compresses nothing
# (the stock Wagtail site) answers as it would a browser.
ACCEPT_ENCODING = "gzip, deflate, br"
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def duration() -> int:
    value = os.environ.get("BENCH_DURATION", "10")
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"BENCH_DURATION must be a whole number of seconds, not {value!r}.")
    return int(value)


def rounds() -> int:
    """How many times the throughput benchmark measures everything (BENCH_ROUNDS, default 5)."""
    value = os.environ.get("BENCH_ROUNDS", "5")
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"BENCH_ROUNDS must be a whole number, 1 or more, not {value!r}.")
    return int(value)


def settings() -> str:
    return (
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{duration()}s --latency "
        f"-H 'Accept-Encoding: {ACCEPT_ENCODING}'"
    )


@dataclass
class Result:
    requests_per_second: float
    p50: float  # seconds
    p99: float
    requests: int
    errors: int  # socket errors and non-2xx/3xx answers


def seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> Result:
    def find(pattern: str) -> str:
        match = re.search(pattern, output)
        if not match:
            raise RuntimeError(f"Could not read wrk's output ({pattern!r}):\n{output}")
        return match.group(1)

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)) + int(
        (re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1]
    )
    return Result(
        requests_per_second=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50=seconds(find(r"\n\s+50%\s+(\S+)")),
        p99=seconds(find(r"\n\s+99%\s+(\S+)")),
        requests=int(find(r"(\d+) requests in")),
        errors=errors,
    )


def run(port: int, path: str, *, host: str = "localhost", seconds_: int | None = None) -> Result:
    """wrk against http://127.0.0.1:port/path, with the Host a reader would send."""
    wrk = program("wrk", hint="apt-get install wrk")
    length = seconds_ or duration()
    command = [
        wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{length}s", "--latency",
        "-H", f"Host: {host}:{port}", "-H", f"Accept-Encoding: {ACCEPT_ENCODING}",
        f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 - our program, loopback only
        command, capture_output=True, text=True, timeout=length + 60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    return parse(result.stdout)
