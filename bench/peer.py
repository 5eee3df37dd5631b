"""The reference peer: a stock Wagtail site from PyPI, in a throwaway venv under var/bench/.

`ensure_peer(title=..., body_html=...)` builds it once and reuses it: a venv with the Wagtail
and gunicorn versions Newsdesk runs (installed with uv when there is one, else pip),
`wagtail start peer`, and one page added the way Wagtail's tutorial adds a blog page (a Page
model with a rich-text body and a template extending the stock base.html). The page holds the
same headline and paragraphs as the Newsdesk article it is compared with. Settings are the
stock `production` ones (DEBUG off, SQLite, ManifestStaticFilesStorage after collectstatic)
plus a `local.py` with a secret key and the allowed hosts; no page cache, as shipped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from .harness import ROOT
from .servers import THREADS, WORKERS, free_port, process

HOME = ROOT / "var" / "bench" / "stock-wagtail"
VENV = HOME / "venv"
SITE = HOME / "site"
SLUG = "article"

MODELS = """
from wagtail.fields import RichTextField


class ArticlePage(Page):
    intro = models.CharField(max_length=250, blank=True)
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + ["intro", "body"]
"""

TEMPLATE = """{% extends "base.html" %}
{% load wagtailcore_tags %}

{% block body_class %}template-articlepage{% endblock %}

{% block content %}
    <h1>{{ page.title }}</h1>
    <p class="intro">{{ page.intro }}</p>
    {{ page.body|richtext }}
{% endblock %}
"""

LOCAL_SETTINGS = """SECRET_KEY = {key!r}
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
"""

# Run with the peer's manage.py shell: the page under the stock home page, published.
MAKE_PAGE = """
import json, sys
from home.models import ArticlePage, HomePage
data = json.loads(sys.stdin.read())
home = HomePage.objects.first()
page = ArticlePage.objects.filter(slug=data["slug"]).first()
if page is None:
    page = ArticlePage(slug=data["slug"], title=data["title"])
    home.add_child(instance=page)
page.title, page.intro, page.body = data["title"], data["intro"], data["body"]
page.save_revision().publish()
"""


def peer_env() -> dict[str, str]:
    """This environment without Newsdesk's settings and database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "DJANGO_SETTINGS_MODULE": "peer.settings.production"}


def run(command: list[str], *, stdin: str | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - our programs, our arguments
        command,
        cwd=SITE if SITE.exists() else HOME,
        env=peer_env(),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Setting up the stock Wagtail site failed: {' '.join(command)}\n"
            + (result.stderr or result.stdout)[-2000:]
        )


def uv() -> str | None:
    """uv if it runs here (a pyenv shim may not), else the copy scripts/bootstrap installs."""
    for candidate in (shutil.which("uv"), str(ROOT / ".uv" / "bin" / "uv")):
        if not candidate or not Path(candidate).exists():
            continue
        works = subprocess.run([candidate, "--version"], capture_output=True, check=False)  # noqa: S603
        if works.returncode == 0:
            return candidate
    return None


def install(log: Callable[[str], None]) -> None:
    wanted = [f"wagtail=={version('wagtail')}", f"gunicorn=={version('gunicorn')}"]
    python = VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run(  # noqa: S603
            [str(python), "-c", "import wagtail, gunicorn; print(wagtail.__version__)"],
            capture_output=True,
            text=True,
        )
        if check.returncode == 0 and check.stdout.strip() == version("wagtail"):
            return
    log(f"  installing {' and '.join(wanted)} from PyPI into {VENV.relative_to(ROOT)}")
    HOME.mkdir(parents=True, exist_ok=True)
    tool = uv()
    if tool:
        run([tool, "venv", "-q", "--allow-existing", "-p", sys.executable, str(VENV)])
        run([tool, "pip", "install", "-q", "--python", str(python), *wanted])
    else:
        run([sys.executable, "-m", "venv", str(VENV)])
        run([str(python), "-m", "pip", "install", "-q", *wanted])


def ensure_peer(*, title: str, intro: str, body_html: str, log: Callable[[str], None]) -> str:
    """Build (or reuse) the stock site and (re)publish its one page. Returns its path."""
    install(log)
    python = str(VENV / "bin" / "python")
    ready = SITE / ".ready"
    if not ready.exists():
        log("  wagtail start peer")
        shutil.rmtree(SITE, ignore_errors=True)  # a setup that stopped half-way
        SITE.mkdir(parents=True)
        run([str(VENV / "bin" / "wagtail"), "start", "peer", str(SITE)])
        models = SITE / "home" / "models.py"
        models.write_text(models.read_text() + MODELS)
        template = SITE / "home" / "templates" / "home" / "article_page.html"
        template.write_text(TEMPLATE)
        local = SITE / "peer" / "settings" / "local.py"
        local.write_text(LOCAL_SETTINGS.format(key=secrets.token_urlsafe(50)))
        manage = [python, "manage.py"]
        settings = "--settings=peer.settings.production"
        run([*manage, "makemigrations", "home", settings])
        run([*manage, "migrate", "--noinput", settings])
        run([*manage, "collectstatic", "--noinput", "-v0", settings])
        ready.touch()
    data = {"slug": SLUG, "title": title, "intro": intro, "body": body_html}
    run(
        [python, "manage.py", "shell", "-c", MAKE_PAGE, "--settings=peer.settings.production"],
        stdin=json.dumps(data),
    )
    return f"/{SLUG}/"


@contextmanager
def serve():
    """The stock site in gunicorn with Newsdesk's worker and thread counts. Yields its port."""
    port = free_port()
    command = [
        str(VENV / "bin" / "gunicorn"),
        "peer.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--graceful-timeout=5",
        "--no-control-socket",  # one per user by default: two servers would share it
    ]
    with process("stock-wagtail", command, port=port, env=peer_env(), cwd=SITE):
        yield port
