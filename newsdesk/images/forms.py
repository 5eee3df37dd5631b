"""The image upload form: Wagtail's checks (type by content, size, pixels) plus frames.

Wagtail counts an animation's pixels over every frame only with Wand; with Pillow, which
Newsdesk uses, it counts one frame. `check_frames` counts them with Pillow, for uploads
(`WAGTAILIMAGES_IMAGE_FORM_BASE`) and for imported images alike.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.forms import BaseImageForm

MAX_FRAMES = 500


def check_frames(file) -> None:
    """ValidationError if an animation has too many frames, or too many pixels over all."""
    file.seek(0)
    with PILImage.open(file) as image:
        frames = getattr(image, "n_frames", 1)
        width, height = image.size
    file.seek(0)
    pixels = width * height * frames
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    if frames > MAX_FRAMES or pixels > limit:
        raise ValidationError(
            f"This animation has {frames:,} frames of {width:,} × {height:,} pixels: at most "
            f"{MAX_FRAMES:,} frames and {limit:,} pixels over all of them are allowed.",
            code="too_many_frames",
        )


class ImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:
            check_frames(file)
        return file
