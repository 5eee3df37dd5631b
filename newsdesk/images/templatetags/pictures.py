"""Helpers for the `{% picture %}` tags of the theme."""

import math
from functools import cache

from django import template
from wagtail.images.models import Filter
from wagtail.images.templatetags import wagtailimages_tags

register = template.Library()


class PictureNode(wagtailimages_tags.PictureNode):
    """Wagtail's `{% picture %}` with its filters made once per spec, not on every render: a
    new Filter parses its spec and inspects its operations again (about 0.4 ms a card)."""

    def get_filters(self):
        return [spec_filter(spec) for spec in Filter.expand_spec(self.filter_specs)]


@register.tag
def picture(parser, token):
    """`{% picture %}`, parsed as Wagtail parses it."""
    node = wagtailimages_tags.image(parser, token)
    return PictureNode(
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )


@cache
def spec_filter(spec: str) -> Filter:
    """One Filter per spec, shared: it holds no image, only its parsed operations."""
    return Filter(spec)


# The focal point is given in steps of this many percent, as classes (fp-x30 fp-y70) that
# static/scss/theme/_story.scss defines, rather than a style attribute: the public
# Content-Security-Policy refuses inline styles (settings.SECURE_CSP).
FOCAL_STEP = 10


@register.filter
def focal_classes(image, spec: str) -> str | None:
    """Classes that keep the image's focal point in view when CSS crops its `spec` rendition
    further (a story card's 16:9 picture shown 4:3 in a list row), as `object-position`.

    Wagtail crops renditions around the focal point; CSS `object-fit: cover` crops around the
    middle unless told otherwise. Computed from the image's size and focal point alone: no
    query, no file read. None (no attribute) when the image has no focal point.
    """
    if not image or not image.has_focal_point():
        return None
    transform = spec_filter(spec).get_transform(image)
    point = image.get_focal_point().transform(transform)
    width, height = transform.size
    x, y = (
        min(100, max(0, FOCAL_STEP * math.floor(100 * centre / size / FOCAL_STEP + 0.5)))
        for centre, size in ((point.centroid_x, width), (point.centroid_y, height))
    )
    return f"fp-x{x} fp-y{y}"


# How wide a story card's picture is drawn, in CSS pixels, at each of the theme's breakpoints
# (container widths and grids in static/scss/theme/_story.scss and _front.scss), widest
# first: xxl (1400 px), xl, lg, md, sm (576 px), phones. FULL is the phone container's width.
# ROW is a list row's thumbnail: a 6.5rem-wide 4:3 box that crops a 16:9 picture drawn 139 px
# wide. In listings only the first story keeps its picture on top on phones ("-first").
BREAKPOINTS = (1400, 1200, 992, 768, 576)
FULL, ROW = "calc(100vw - 24px)", "139px"
CARD_WIDTHS = {
    "lead": (811, 717, 597, 696, 516, FULL),  # the front page's lead, 2fr of two columns
    "beside": (365, 319, 259, 216, ROW, ROW),  # beside the lead; rows below md
    "top": (296, 261, 216, 336, 246, ROW),  # the front page's second tier; rows on phones
    "related": (296, 261, 216, 336, 246, ROW),  # 2 across, then 4 from lg
    "related-first": (296, 261, 216, 336, 246, FULL),
    "grid": (296, 261, 296, 336, 246, ROW),  # listings: 2, 3 then 4 across
    "grid-first": (296, 261, 296, 336, 246, FULL),
    "rail": (484, 408, 493, 362, 516, FULL),  # a section rail's first story, 6fr of 11
    "row": (ROW,) * 6,  # the other stories of a rail
}


@register.filter
def card_sizes(layout: str) -> str:
    """The `sizes` attribute of a story card's picture in `layout` (see CARD_WIDTHS), so the
    browser picks the smallest rendition that fills it instead of one as wide as the screen."""
    try:
        widths = [f"{w}px" if isinstance(w, int) else w for w in CARD_WIDTHS[layout]]
    except KeyError:
        raise ValueError(
            f"card_sizes: unknown layout {layout!r}, expected one of {list(CARD_WIDTHS)}"
        ) from None
    # Widest first, as the browser takes the first match; a width the next narrower
    # breakpoint repeats needs no entry of its own.
    sizes = [
        f"(min-width: {bp}px) {width}"
        for bp, width, narrower in zip(BREAKPOINTS, widths, widths[1:], strict=False)
        if width != narrower
    ]
    return ", ".join([*sizes, widths[-1]])
