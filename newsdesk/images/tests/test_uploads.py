"""Image uploads are checked by content and size: SVG, disguised files, oversized files,
pixel bombs and many-frame animations are refused with the reason; nothing is stored."""

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.images import get_image_model

from newsdesk.importers.models import ImportedItem
from newsdesk.importers.services import upsert_image

pytestmark = pytest.mark.django_db


def picture(fmt: str = "JPEG", size=(64, 48), mode: str = "RGB", **save) -> bytes:
    out = BytesIO()
    PILImage.new(mode, size, "white" if mode != "1" else 1).save(out, format=fmt, **save)
    return out.getvalue()


def animation(frames: int, size=(200, 200)) -> bytes:
    out = BytesIO()
    # Each frame another shade: Pillow merges identical frames into one.
    images = [PILImage.new("L", size, n * 37 % 256) for n in range(frames)]
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:])
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def upload(client):
    client.force_login(get_user_model().objects.get(username="editor"))

    def post(name: str, data: bytes):
        count = get_image_model().objects.count()
        file = SimpleUploadedFile(name, data)
        response = client.post("/admin/images/add/", {"title": name, "file": file})
        stored = get_image_model().objects.count() - count
        form = response.context["form"] if response.context and "form" in response.context else None
        errors = form.errors.get("file", []) if form is not None else []
        return response.status_code, stored, " ".join(errors)

    return post


def test_a_real_photo_is_stored(upload):
    status, stored, errors = upload("harbour.jpg", picture())
    assert (status, stored, errors) == (302, 1, "")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("logo.svg", SVG, "Not a supported image format"),
        ("photo.jpg", HTML, "Upload a valid image"),
        (
            "photo.jpg",
            picture("PNG"),
            "The extension does not match the file format (png)",
        ),  # a PNG named .jpg
        ("photo.png", picture("GIF"), "The extension does not match the file format (gif)"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(upload, name, data, reason):
    status, stored, errors = upload(name, data)
    assert status == 200 and stored == 0
    assert reason in errors


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=50_000)
def test_an_oversized_file_is_refused(upload):
    data = picture("PNG", size=(600, 600), mode="RGB", compress_level=0)  # about 1 MB
    status, stored, errors = upload("big.png", data)
    assert status == 200 and stored == 0
    assert "This file is too big" in errors


def test_a_pixel_bomb_is_refused_before_it_is_decoded(upload):
    # 12,000 x 12,000 one-bit pixels: a few hundred KB on disk, 144 million pixels.
    status, stored, errors = upload("bomb.png", picture("PNG", size=(12_000, 12_000), mode="1"))
    assert status == 200 and stored == 0
    assert "pixels" in errors


def test_an_animation_counts_the_pixels_of_every_frame(upload):
    # 200 x 200 is nothing; 600 frames of it are past the 500 frames allowed.
    status, stored, errors = upload("loop.gif", animation(600))
    assert status == 200 and stored == 0
    assert "600 frames" in errors
    # 1,600 x 1,600 is fine once; 20 frames of it are 51 million pixels, over the 50 million.
    status, stored, errors = upload("slideshow.gif", animation(20, size=(1600, 1600)))
    assert status == 200 and stored == 0
    assert "20 frames" in errors
    status, stored, errors = upload("short-loop.gif", animation(10))
    assert (status, stored) == (302, 1)


def test_an_imported_animation_meets_the_same_limits():
    with pytest.raises(ValidationError, match="600 frames"):
        upsert_image(source="test", source_id="loop", file=animation(600), filename="loop.gif")
    assert not ImportedItem.objects.filter(source="test").exists()


def test_readers_cannot_ask_for_renditions_of_their_choosing(client):
    """Renditions come only from the templates' fixed sizes: no URL makes one on request
    (Wagtail's dynamic serve view is not mounted), so nobody can fill the disk or the CPU
    with sizes of their choosing. The admin's preview of a size needs a sign-in."""
    from django.urls import get_resolver
    from wagtail.images.views.serve import ServeView

    def views(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern)
            else:
                yield getattr(pattern.callback, "view_class", pattern.callback)

    assert ServeView not in set(views(get_resolver()))
    image = get_image_model().objects.first()
    assert client.get(f"/images/x/{image.pk}/fill-9000x9000/").status_code == 404
    preview = client.get(f"/admin/images/{image.pk}/preview/fill-9000x9000/")
    assert preview.status_code == 302 and "/admin/login/" in preview["Location"]
