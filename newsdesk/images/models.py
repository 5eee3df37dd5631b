from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class CustomImage(AbstractImage):
    """An image with the caption, credit and alt text a newsroom attaches to every photo."""

    alt_text = models.CharField(
        max_length=255,
        blank=True,
        help_text="Describes the image for readers who cannot see it. Leave empty only if "
        "the image is purely decorative.",
    )
    caption = models.TextField(blank=True, help_text="Default caption wherever the image is used.")
    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text='Who made it, e.g. "Photo: Jane Doe/Agency" or "Video screenshot composite".',
    )
    credit_url = models.URLField(blank=True, help_text="Optional link for the credit.")

    admin_form_fields = (
        *Image.admin_form_fields[:2],
        "alt_text",
        "caption",
        "credit",
        "credit_url",
        *Image.admin_form_fields[2:],
    )

    @property
    def default_alt_text(self) -> str:
        return self.alt_text or self.description or ""

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"
        permissions = [("choose_image", "Can choose image")]


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
