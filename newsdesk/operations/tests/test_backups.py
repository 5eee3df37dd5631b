"""Backups: a site built with the shared factories, backed up, changed, restored elsewhere."""

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.images import get_image_model

from newsdesk.articles.models import ArticlePage
from newsdesk.comments.models import Comment
from newsdesk.comments.services import comment_store
from newsdesk.demo import factories
from newsdesk.operations.archive import MANIFEST
from newsdesk.operations.backups import BackupError, backup, restore, verify

from .conftest import pointed_at


def snapshot(media_root: Path) -> dict:
    """What readers and editors would miss: articles, comments and every media file's bytes."""
    return {
        "articles": sorted(
            (page.pk, page.title, page.live, json.dumps(page.body.get_prep_value(), sort_keys=True))
            for page in ArticlePage.objects.all()
        ),
        "comments": sorted(
            Comment.objects.values_list("pk", "article_id", "author_name", "body", "status")
        ),
        "images": sorted(get_image_model().objects.values_list("pk", "title", "file")),
        "media": {
            path.relative_to(media_root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(media_root.rglob("*"))
            if path.is_file()
        },
    }


def build_site() -> ArticlePage:
    home = factories.home_page()
    section = factories.make_section(home=home, title="Harbour desk", slug="harbour-desk")
    image = factories.make_image(title="Cranes at first light", size=(96, 54))
    article = factories.make_article(
        section=section,
        headline="The night shift at the container port",
        dek="Who keeps the cranes moving",
        image=image,
        body=[
            {"type": "paragraph", "value": "Floodlights, radios and a queue of lorries."},
            {"type": "image", "value": {"motif": "waves"}},
        ],
    )
    first = comment_store(article=article, name="Ines", body="My father worked these shifts.")
    comment_store(article=article, name="Tom", body="Thanks for this piece.", parent=first)
    return article


def test_restore_into_an_empty_instance_brings_back_content_and_media(scratch, media, settings):
    source = scratch.copy_of_test_database()
    with pointed_at(source):
        article = build_site()
        before = snapshot(media)
        archive = backup(output_dir=media.parent / "backups")

        # Change and delete after the backup: the restore must not keep any of it.
        article.title = "Renamed after the backup"
        article.save_revision().publish()
        Comment.objects.filter(article=article).delete()
        article.lead_image.delete()
        changed = snapshot(media)
    assert changed["articles"] != before["articles"]
    assert len(changed["comments"]) == len(before["comments"]) - 2
    assert set(before["media"]) - set(changed["media"])  # the image file is gone

    settings.MEDIA_ROOT = media.parent / "empty-media"
    target = scratch.empty()
    with pointed_at(target):
        manifest = restore(archive=archive)
        restored = snapshot(settings.MEDIA_ROOT)
        page = Client().get(ArticlePage.objects.get(pk=article.pk).url)
    assert restored == before
    assert page.status_code == 200
    assert b"The night shift at the container port" in page.content
    assert manifest.database_vendor == scratch.vendor
    assert {entry["path"] for entry in manifest.files} >= {f"media/{p}" for p in before["media"]}


def corrupt(archive: Path, name: str) -> None:
    """Flips one byte in the middle of `name`'s data inside the tar."""
    with tarfile.open(archive) as tar:
        member = tar.getmember(name)
        offset = member.offset_data + member.size // 2
    with archive.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


@pytest.fixture
def small_archive(scratch, tmp_path, settings):
    """A real backup of a copy of the test database, with two media files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "original_images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "original_images" / "one.jpg").write_bytes(b"\xff\xd8one" * 500)
    (settings.MEDIA_ROOT / "original_images" / "two.jpg").write_bytes(b"\xff\xd8two" * 500)
    with pointed_at(scratch.copy_of_test_database()):
        return backup(output_dir=tmp_path / "backups")


def test_a_corrupted_archive_is_refused_naming_the_file_and_nothing_is_touched(
    scratch, small_archive, tmp_path, settings
):
    corrupt(small_archive, "media/original_images/two.jpg")
    media = settings.MEDIA_ROOT = tmp_path / "live-media"
    media.mkdir()
    (media / "kept.txt").write_text("still here")
    target = scratch.copy_of_test_database()
    with pointed_at(target):
        articles = ArticlePage.objects.count()
        with pytest.raises(BackupError, match=r"media/original_images/two\.jpg is corrupted"):
            restore(archive=small_archive)
        assert ArticlePage.objects.count() == articles
    assert [p.name for p in media.iterdir()] == ["kept.txt"]
    assert not list(tmp_path.glob(".restore-*"))  # staging cleaned up


def test_a_truncated_archive_or_a_damaged_manifest_is_refused(small_archive, tmp_path):
    data = small_archive.read_bytes()
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(BackupError, match="Refused"):
        verify(archive=truncated)

    corrupt(small_archive, MANIFEST)
    with pytest.raises(BackupError, match=MANIFEST):
        verify(archive=small_archive)


def test_commands_check_and_refuse(small_archive, capsys):
    call_command("restore", str(small_archive), "--dry-run")
    assert "is intact: 3 files" in capsys.readouterr().out
    corrupt(small_archive, "media/original_images/one.jpg")
    with pytest.raises(Exception, match="one.jpg is corrupted"):
        call_command("restore", str(small_archive), "--yes")
