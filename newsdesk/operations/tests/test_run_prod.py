"""`make run-prod` (scripts/run-prod), as someone trying the production stack would run it:
PostgreSQL, Redis and Varnish from scripts/services, the demo in its own database, the site
with the production settings and the worker, readers served through Varnish.

Once per CI run, in the PostgreSQL session (it migrates and loads the demo: a few minutes).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from newsdesk.core.testing import missing_service, service_url, stop_group

ROOT = Path(__file__).resolve().parents[3]
STARTUP_SECONDS = 600  # migrations, collectstatic and the demo on a fresh database, 2 cores
BACKEND_PORT = 8000  # scripts/run-prod serves there: deploy/varnish/default.vcl's backend

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Runs once, in the PostgreSQL session (scripts/test): it builds a site of its own.",
)


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read().decode(errors="replace")
    finally:
        conn.close()


def through_varnish(port: int, path: str) -> tuple[int, dict[str, str], str]:
    """GET through Varnish, once it trusts the site: it probes its backend every 5 s, wants 3
    good answers, and on a loaded machine a probe may time out (2 s) and make it wait again."""
    for _ in range(60):
        status, headers, body = get(port, path)
        if status != 503:
            break
        time.sleep(1)
    return status, headers, body


def varnish_port() -> int:
    try:
        return urlsplit(service_url("varnish")).port
    except RuntimeError as error:
        missing_service(f"Varnish for make run-prod: {error}")


def test_run_prod_serves_the_demo_through_varnish(tmp_path):
    port = varnish_port()
    log = tmp_path / "run-prod.log"
    # The script sets what it needs; the test session's own settings must not leak in.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our script
            [str(ROOT / "scripts" / "run-prod")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        status = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"run-prod stopped ({process.returncode}):\n{log.read_text()[-3000:]}")
            try:  # the site itself, not Varnish: it may hold an earlier run's pages
                status = get(BACKEND_PORT, "/healthz")[0]
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(2)
        assert status == 200, f"the site did not start:\n{log.read_text()[-3000:]}"
        status, headers, body = through_varnish(port, "/")
        assert status == 200 and "The Meridian" in body  # the demo magazine
        assert "set-cookie" not in headers

        status, headers, _ = get(port, "/")
        assert status == 200 and headers["x-cache"] == "HIT"  # Varnish keeps the public page
        status, headers, body = through_varnish(port, "/admin/login/")
        assert status == 200 and "x-cache" in headers and headers["x-cache"] == "MISS"
        assert "csrftoken" in headers.get("set-cookie", "") or 'name="csrfmiddlewaretoken"' in body
        assert get(port, "/healthz")[0] == 200
    finally:
        stop_group(process)
