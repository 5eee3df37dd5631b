"""The site served by gunicorn under the production settings, for tests that break its parts.

`serve()` starts gunicorn on a free loopback port with production's environment minus what a
test must not inherit, and stops it afterwards; `Site` sends it one request at a time on a new
connection and gives back a `Reply`. `create_editor()` makes an account the site accepts;
`sign_in()` and `edit_form()` are an editor's browser.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from newsdesk.core.testing import free_port, stop_group
from newsdesk.publishing.tests.test_atomic import EditForm

from .pgcluster import children_of

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The server's environment is production's with these left out: no Redis, no Varnish to purge.
NOT_INHERITED = frozenset(
    {"REDIS_URL", "VARNISH_URL", "PAGE_CACHE", "CLIENT_IP_HEADER", "DEBUG", "SECURE_SSL_REDIRECT"}
    | {"DATABASE_REPLICA_URL"}
)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    text: str

    @property
    def title(self) -> str:
        found = TITLE.search(self.text)
        return found.group(1).strip() if found else ""


@dataclass
class Site:
    port: int
    process: subprocess.Popen
    log: Path
    paths: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, data=None, cookies=None, timeout=15) -> Reply:
        """One request on a new connection; `timeout` is generous: it only proves an answer."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            jar = SimpleCookie()
            for header in response.msg.get_all("Set-Cookie") or []:
                jar.load(header)
            return Reply(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                {name: morsel.value for name, morsel in jar.items()},
                response.read().decode(errors="replace"),
            )
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Reply:
        return self.request("POST", path, data=data, **kwargs)

    def worker_pids(self) -> list[int]:
        return sorted(children_of(self.process.pid))


@contextmanager
def serve(*, settings_module: str, **environ: str) -> Iterator[Site]:
    """gunicorn (one worker, 8 threads) with `settings_module` and `environ`, on a free port.

    One worker: without REDIS_URL the page cache lives in the worker's memory, and a second
    worker would hold other copies.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="newsdesk-pgfaults-site-"))
    (data_dir / "media").symlink_to(settings.MEDIA_ROOT)  # the demo's images
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=secrets.token_urlsafe(64),
        DATA_DIR=str(data_dir),
        ALLOWED_HOSTS="127.0.0.1",
        **environ,
    )
    port = free_port()
    log = data_dir / "gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "newsdesk.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--threads=8",
        "--graceful-timeout=5",
        "--no-control-socket",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Site(port, process, log)
    try:
        for _ in range(300):
            try:
                if served.get("/healthz", timeout=5).status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, "gunicorn stopped:\n" + log.read_text()[-3000:]
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz within a minute:\n" + log.read_text())
        yield served
    finally:
        stop_group(process)
        shutil.rmtree(data_dir, ignore_errors=True)


def create_editor(username: str, password: str) -> None:
    """A superuser whose password the served site (production's hasher) accepts."""
    from newsdesk.users.models import User

    hasher = PBKDF2PasswordHasher()  # production's; the test settings hash with MD5
    User.objects.create(
        username=username,
        password=hasher.encode(password, hasher.salt()),
        is_staff=True,
        is_superuser=True,
    )


def sign_in(site: Site, username: str, password: str) -> dict[str, str]:
    """Sign in through the admin's login form: the cookies to send afterwards."""
    login = site.get("/admin/login/")
    csrf = login.cookies[settings.CSRF_COOKIE_NAME]
    data = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": CSRF.search(login.text).group(1),
        "next": "/admin/",
    }
    signed_in = site.post("/admin/login/", data, cookies={settings.CSRF_COOKIE_NAME: csrf})
    assert signed_in.status == 302, signed_in.text[:2000]
    return {
        settings.CSRF_COOKIE_NAME: signed_in.cookies.get(settings.CSRF_COOKIE_NAME, csrf),
        settings.SESSION_COOKIE_NAME: signed_in.cookies[settings.SESSION_COOKIE_NAME],
    }


def edit_form(site: Site, cookies: dict, page_id: int) -> list[tuple[str, str]]:
    """What the editor's browser would post from the page's edit form, as rendered."""
    page = site.get(f"/admin/pages/{page_id}/edit/", cookies=cookies)
    assert page.status == 200, page.text[:2000]
    parser = EditForm()
    parser.feed(page.text)
    data = [(name, value) for name, value in parser.data if name != "title"]
    if not any(name == "body-count" for name, _ in data):
        data.append(("body-count", "0"))  # the body's editor is drawn by JavaScript
    return data
