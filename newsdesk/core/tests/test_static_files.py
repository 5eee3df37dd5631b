"""Static files as production serves them: hashed names, gzip and brotli copies, cached for good.

collectstatic runs for real with production's storage into a temporary STATIC_ROOT, and the
files are requested through the project's middleware (WhiteNoise), not read from disk.
"""

import gzip
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

THEME_FILES = ("css/newsdesk.css", "js/newsdesk.js")


@pytest.fixture(scope="module")
def production_storage() -> str:
    """The static files storage of the production settings (which need a real environment)."""
    code = (
        "from newsdesk.settings import production as p; print(p.STORAGES['staticfiles']['BACKEND'])"
    )
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "example.com"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def collected(settings, tmp_path, production_storage) -> Path:
    """The theme's static files collected as in production; only the project's own folder,
    since the admin's thousands of files would add nothing but time."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": production_storage}}
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_production_collects_hashed_gzip_and_brotli_copies(collected, production_storage):
    assert production_storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    for name in THEME_FILES:
        stem, ext = name.rsplit(".", 1)
        hashed = [
            p for p in collected.glob(f"{stem}.*.{ext}") if re.search(r"\.[0-9a-f]{12}\.", p.name)
        ]
        assert len(hashed) == 1, f"{name}: one hashed copy expected, found {hashed}"
        original = hashed[0].read_bytes()
        assert gzip.decompress(Path(f"{hashed[0]}.gz").read_bytes()) == original
        assert brotli.decompress(Path(f"{hashed[0]}.br").read_bytes()) == original


def hashed_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', html)


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("br, gzip", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress), ("", None, None)],
)
def test_pages_link_hashed_files_served_compressed_and_immutable(
    collected, accept, encoding, decode
):
    client = Client()  # a new handler, so WhiteNoise indexes the new STATIC_ROOT
    html = client.get("/").content.decode()
    urls = hashed_urls(html)
    assert {url.split("/", 2)[2].split(".")[0] for url in urls} >= {"css/newsdesk", "js/newsdesk"}
    for url in urls:
        response = client.get(url, headers={"accept-encoding": accept} if accept else {})
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content)
        assert response.get("Content-Encoding") == encoding, url
        assert "Accept-Encoding" in response["Vary"]
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control and "public" in cache_control
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= 365 * 24 * 3600
        original = (collected / url.removeprefix("/static/")).read_bytes()
        assert (decode(body) if decode else body) == original
        if decode:
            assert len(body) < len(original) / 2


def test_unhashed_names_are_not_cached_for_good(collected):
    response = Client().get("/static/css/newsdesk.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


def test_the_favicon_is_linked_and_answered_at_the_root_from_the_hashed_file(collected):
    client = Client()
    html = client.get("/").content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert [Path(url).suffix for url in icons] == [".ico", ".svg"]
    root = client.get("/favicon.ico")
    assert root.status_code == 301
    assert root["Location"] == icons[0] and re.search(r"\.[0-9a-f]{12}\.ico$", icons[0])
    assert "public" in root["Cache-Control"] and not root.cookies
    for url, kind in zip(icons, ("image/", "image/svg+xml"), strict=True):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(kind), url
        assert "immutable" in response["Cache-Control"] and not response.cookies
        body = b"".join(response.streaming_content)
        assert body == (collected / url.removeprefix("/static/")).read_bytes()
