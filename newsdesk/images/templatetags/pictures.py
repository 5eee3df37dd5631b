"""Helpers for the `{% picture %}` tags of the theme."""

from django import template
from wagtail.images.models import Filter

register = template.Library()


@register.filter
def focal_position(image, spec: str) -> str | None:
    """An `object-position` that keeps the image's focal point in view when CSS crops its
    `spec` rendition further (a story card's 16:9 picture shown 4:3 in a list row).

    Wagtail crops renditions around the focal point; CSS `object-fit: cover` crops around the
    middle unless told otherwise. Computed from the image's size and focal point alone: no
    query, no file read. None (no attribute) when the image has no focal point.
    """
    if not image or not image.has_focal_point():
        return None
    transform = Filter(spec).get_transform(image)
    point = image.get_focal_point().transform(transform)
    width, height = transform.size
    x, y = int(point.centroid_x * 100 // width), int(point.centroid_y * 100 // height)
    return f"object-position: {x}% {y}%"
