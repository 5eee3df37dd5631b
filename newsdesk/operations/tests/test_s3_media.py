"""Media on S3-compatible object storage, against a real S3 API server.

The server is moto's (moto[server]) run as a subprocess on a free loopback port: it speaks the
S3 HTTP API, and boto3 and django-storages talk to it over HTTP as they would to a bucket in
production. This machine has no MinIO; moto is the S3 server a test can start here. Each test
gets a bucket of its own. Under CI a server that does not start fails these tests.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import uuid

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.images import get_image_model

from newsdesk.articles.models import ArticlePage
from newsdesk.core.media_storage import IMMUTABLE, REPLACEABLE
from newsdesk.core.testing import free_port, missing_service
from newsdesk.demo import factories
from newsdesk.images.tests.test_uploads import animation, picture
from newsdesk.importers.services import upsert_image
from newsdesk.operations.archive import MANIFEST
from newsdesk.operations.backups import backup, restore
from newsdesk.settings.base import media_storage_from_env

from .conftest import pointed_at

REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on loopback, for this module's tests."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s: importing moto is slow on a busy machine
            if server.poll() is not None:
                missing_service(f"moto's S3 server exited: {server.stderr.read().decode()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            missing_service(f"moto's S3 server did not listen on {endpoint} within 30 s.")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new bucket, and the site's media in it, configured by the environment variables."""
    name = f"newsdesk-media-{uuid.uuid4().hex[:8]}"
    variables = {
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": "newsdesk-test",
        "S3_SECRET_ACCESS_KEY": "newsdesk-test-secret",
    }
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="newsdesk-test",
        aws_secret_access_key="newsdesk-test-secret",
    )
    client.create_bucket(Bucket=name)
    # Media are public: readers fetch them by plain URL (docs/deployment.md, the same policy).
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read))
    storage, origins = media_storage_from_env()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return {"name": name, "client": client, "url": f"{s3_endpoint}/{name}/", "origins": origins}


def keys(bucket) -> set[str]:
    listing = bucket["client"].list_objects_v2(Bucket=bucket["name"])
    return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def editor(client):
    client.force_login(get_user_model().objects.get(username="editor"))
    return client


def test_the_environment_alone_selects_the_bucket():
    """The settings module, loaded fresh: local files without S3_BUCKET, the bucket with it."""
    script = (
        "from django.conf import settings; import json; print(json.dumps("
        "[settings.STORAGES['default'], settings.SECURE_CSP['img-src']], default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    base["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings.test"

    def loaded(**extra):
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            env={**base, **extra},
            capture_output=True,
            check=True,
            text=True,
        )
        return json.loads(out.stdout)

    storage, img_src = loaded()
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    storage, img_src = loaded(
        S3_BUCKET="press-photos",
        S3_ENDPOINT_URL="https://objects.example.net",
        S3_CUSTOM_DOMAIN="media.example.com",
    )
    assert storage["BACKEND"] == "newsdesk.core.media_storage.MediaStorage"
    assert storage["OPTIONS"]["bucket_name"] == "press-photos"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert "https://media.example.com" in img_src


@pytest.mark.django_db
def test_an_admin_upload_is_stored_in_the_bucket(bucket, editor):
    response = editor.post(
        "/admin/images/add/",
        {"title": "Quay at dusk", "file": SimpleUploadedFile("quay.jpg", picture(size=(320, 200)))},
    )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Quay at dusk")
    assert image.file.name in keys(bucket)
    assert (image.width, image.height) == (320, 200)
    assert image.file_size == len(picture(size=(320, 200)))
    head = bucket["client"].head_object(Bucket=bucket["name"], Key=image.file.name)
    assert head["CacheControl"] == REPLACEABLE
    assert image.file.url.startswith(bucket["url"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("big.png", picture("PNG", size=(600, 600), compress_level=0), "too big"),
        ("many.gif", animation(600, size=(8, 8)), "600 frames"),
    ],
)
def test_a_refused_upload_stores_nothing_in_the_bucket(
    bucket, editor, settings, name, data, reason
):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50_000
    count = get_image_model().objects.count()
    response = editor.post(
        "/admin/images/add/", {"title": name, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors["file"])
    assert get_image_model().objects.count() == count
    assert keys(bucket) == set()


@pytest.mark.django_db
def test_article_images_are_renditions_in_the_bucket(bucket, s3_endpoint, settings):
    # The demo's originals (the site logo is on every page) copied over, as a site moving its
    # media to a bucket does first (docs/deployment.md).
    for path in (settings.MEDIA_ROOT / "original_images").iterdir():
        bucket["client"].upload_file(str(path), bucket["name"], f"original_images/{path.name}")
    image = factories.make_image(title="Cranes over the quay", size=(640, 360))
    section = factories.make_section(home=factories.home_page(), title="Harbour", slug="harbour-s3")
    article = factories.make_article(
        section=section, headline="The quay at night", dek="Cranes and floodlights", image=image
    )
    response = Client().get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<img [^>]*src="([^"]+)"', html) + [
        url.split()[0]
        for srcset in re.findall(r'srcset="([^"]+)"', html)
        for url in srcset.split(",")
    ]
    lead = [url for url in sources if "cranes-over-the-quay" in url]
    assert lead, "the lead image is on the page"
    assert all(url.startswith(bucket["url"] + "images/") for url in lead), lead
    stored = keys(bucket)
    for url in set(lead):
        key = url.removeprefix(bucket["url"])
        assert key in stored
        head = bucket["client"].head_object(Bucket=bucket["name"], Key=key)
        assert head["CacheControl"] == IMMUTABLE
    with urllib.request.urlopen(lead[0], timeout=10) as served:  # what a reader's browser gets
        assert served.read(3) == b"\xff\xd8\xff"
    rendition = image.get_rendition("fill-200x100")
    assert rendition.file.name in keys(bucket)
    assert (rendition.width, rendition.height) == (200, 100)
    assert bucket["origins"] == [s3_endpoint]


@pytest.mark.django_db
def test_an_imported_image_is_stored_in_the_bucket(bucket):
    upserted = upsert_image(source="test:s3", source_id=1, file=picture(), filename="pier.jpg")
    assert upserted.obj.file.name in keys(bucket)
    assert upserted.obj.get_file_hash()  # read back from the bucket


def test_backup_leaves_media_to_the_bucket_and_restore_leaves_them_there(
    scratch, bucket, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "left-from-local-days.txt").write_text("untouched")
    progress: list[str] = []
    with pointed_at(scratch.copy_of_test_database()):
        image = factories.make_image(title="Breakwater", size=(96, 54))
        archive = backup(output_dir=tmp_path / "backups", progress=progress.append)
        image_pk, image_name = image.pk, image.file.name
    assert any(f"bucket {bucket['name']}" in line for line in progress)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert not [name for name in names if name.startswith("media/")]
    assert {entry["path"].split("/")[0] for entry in manifest["files"]} == {"database"}

    before = keys(bucket)
    with pointed_at(scratch.empty()):
        restore(archive=archive, progress=progress.append)
        restored = get_image_model().objects.get(pk=image_pk)
        assert restored.file.name == image_name
        assert ArticlePage.objects.exists()
    assert image_name in before and keys(bucket) == before
    assert (settings.MEDIA_ROOT / "left-from-local-days.txt").read_text() == "untouched"
