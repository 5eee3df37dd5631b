"""Servers the side-by-side benchmarks start and stop: gunicorn, Varnish and nginx on loopback.

Each runs on a free port of 127.0.0.1, in the foreground of a child process whose output goes
to a log file under var/bench/logs/ (named in errors), and is stopped by its own pid when the
`ExitStack` it was entered into closes. A missing program raises `Missing`, which says how to
install it; the benchmarks turn that into a note instead of a traceback.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .harness import ROOT, Missing

LOGS = ROOT / "var" / "bench" / "logs"
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
WORKERS = 2  # as `make run` (serve_site): two gunicorn workers of four threads each
THREADS = 4


def program(name: str, *, hint: str) -> str:
    path = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")
    if not path:
        raise Missing(f"{name} is not installed: {hint}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, *, host: str = "localhost", headers=None, timeout: float = 30):
    """(status, headers with lower-case names, body) of one GET on 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}", **(headers or {})})
        response = connection.getresponse()
        found = {name.lower(): value for name, value in response.getheaders()}
        return response.status, found, response.read()
    finally:
        connection.close()


@contextmanager
def process(name: str, command: list[str], *, port: int, env=None, cwd=None, ready="/"):
    """Run `command` until the block ends; wait until GET `ready` on `port` answers at all."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{name}.log"
    with log_path.open("w") as log:
        child = subprocess.Popen(  # noqa: S603 - our programs, our arguments
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    get(port, ready, timeout=10)
                    break
                except OSError:
                    pass
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{name} did not start (see {log_path.relative_to(ROOT)}):\n"
                        + log_path.read_text()[-2000:]
                    )
                time.sleep(0.2)
            yield child
        finally:
            stop(child)


def stop(child: subprocess.Popen) -> None:
    """TERM the child's own process group (gunicorn's workers with it), KILL if it lingers."""
    if child.poll() is not None:
        return
    os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def newsdesk_env(**extra: str) -> dict[str, str]:
    """The environment of this run (bench settings, bench database, key) for a server."""
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    return {**env, **extra}


def collected_static(log) -> dict[str, str]:
    """Collect the static files as a deployment does (hashed names, gzip and brotli copies,
    a year's caching): the environment that makes a bench server serve them so."""
    root = ROOT / "var" / "bench" / "static"
    log(f"  collecting static files into {root.relative_to(ROOT)} (about 20 s)")
    env = newsdesk_env(BENCH_STATIC_ROOT=str(root))
    subprocess.run(  # noqa: S603 - our manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return {"BENCH_STATIC_ROOT": str(root)}


@contextmanager
def newsdesk(name: str, *, server: str = "gunicorn", **env: str):
    """Newsdesk's WSGI application (page cache included) in gunicorn or granian, as
    `make run` serves it (`serve_site --server`), with the same workers and threads.

    The access log is off: `make run` prints it to the terminal, which no production server
    does and which would cost every request a write.
    """
    port = free_port()
    binary = str(Path(sys.executable).with_name(server))
    if server == "granian":
        command = [
            binary,
            "--interface=wsgi",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={WORKERS}",
            f"--blocking-threads={THREADS}",
            "--no-access-log",
            "newsdesk.wsgi:application",
        ]
    else:
        command = [
            binary,
            "newsdesk.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--graceful-timeout=5",
            "--no-control-socket",  # one per user by default: two servers would share it
        ]
    with process(name, command, port=port, env=newsdesk_env(**env), cwd=ROOT, ready="/healthz"):
        yield port


@contextmanager
def varnish(backend_port: int, *, port: int | None = None):
    """varnishd with the deployed VCL, its backend pointed at `backend_port`. Yields its port.

    `port` lets a backend started first know where to send its purges (VARNISH_URL).
    """
    varnishd = program("varnishd", hint="apt-get install varnish")
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-varnish-"))
    workdir.chmod(0o755)  # varnishd drops to its own user, which must read the VCL
    try:
        vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', VCL.read_text(), count=1)
        (workdir / "default.vcl").write_text(vcl)
        port = port or free_port()
        command = [
            varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(workdir / "default.vcl"),
            "-s", "malloc,256m", "-n", str(workdir / "state"),
        ]  # fmt: skip
        with process("varnish", command, port=port, ready="/healthz"):
            yield port
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


NGINX_CONF = """\
worker_processes {workers};
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    server {{
        listen 127.0.0.1:{port};
{server}
    }}
}}
"""
STATIC_SERVER = """\
        root {workdir}/html;
        gzip_static on;
        location / {{ try_files $uri $uri/index.html =404; }}
        location /feeds/ {{ types {{ }} default_type application/rss+xml; }}
"""
# A web server in front, as production would have one: compression, uploads from disk.
FRONT_SERVER = """\
        gzip on;
        gzip_comp_level 6;
        gzip_types text/css application/javascript text/javascript application/rss+xml
                   application/atom+xml application/xml image/svg+xml application/json;
        location /media/ {{ alias {media}/; expires 1y; }}
        location / {{
            proxy_pass http://127.0.0.1:{backend};
            proxy_set_header Host $http_host;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
"""


@contextmanager
def _nginx(server: str, files: dict[str, bytes] | None = None, **values):
    binary = program(
        "nginx", hint="apt-get install nginx-light (the bench starts it itself on loopback)"
    )
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-nginx-"))
    workdir.chmod(0o755)  # nginx's workers drop to an unprivileged user, which must read them
    try:
        for path, body in (files or {}).items():
            target = workdir / "html" / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            # Compressed once, beforehand, as a static site is deployed: no work per request.
            target.with_name("index.html.gz").write_bytes(gzip.compress(body, 9))
        port = free_port()
        conf = workdir / "nginx.conf"
        values = {"workdir": workdir, "port": port, **values}
        conf.write_text(
            NGINX_CONF.format(workers=WORKERS, server=server.format(**values), **values)
        )
        command = [binary, "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "error.log")]
        with process("nginx", command, port=port):
            yield port
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def nginx(files: dict[str, bytes]):
    """nginx serving `files` ({URL path: body}) as static files. Yields its port."""
    return _nginx(STATIC_SERVER, files)


def nginx_front(backend: int, media: Path):
    """nginx in front of `backend`: gzip, /media/ from `media`, the rest proxied."""
    return _nginx(FRONT_SERVER, backend=backend, media=media)


def redis_url() -> str:
    """Redis of scripts/services, database 7 (the tests use 0): the production page cache."""
    from newsdesk.core.testing import service_url

    try:
        return re.sub(r"/\d*$", "/7", service_url("redis"))
    except RuntimeError as error:
        raise Missing(f"Redis is needed for the production stack: {error}") from error


def warm(port: int, path: str, *, hits: int = 4) -> None:
    """GET `path` until `hits` answers in a row are cache hits: every worker holds a copy."""
    row = 0
    for _ in range(40):
        status, headers, _ = get(port, path, timeout=120)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} on port {port}")
        row = row + 1 if headers.get("x-cache") == "HIT" else 0
        if row == hits:
            return
    raise RuntimeError(f"GET {path} on port {port} is not a steady cache hit")
