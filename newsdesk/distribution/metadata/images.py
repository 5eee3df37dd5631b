"""The pictures a page shows the outside world.

Renditions come from `Image.get_renditions()`, one lookup for all of a page's specs, which
Wagtail answers from its rendition cache once they exist: no queries on a warm page.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cards import HEIGHT, WIDTH, Card
from .publisher import absolute

# OpenGraph and Twitter: 1200x630, JPEG because every client reads it.
SOCIAL_RENDITION = "fill-1200x630|format-jpeg"
# schema.org `image` for articles: 16:9, 4:3 and 1:1, at least 1200 px wide where the
# original allows (Wagtail never enlarges).
RATIO_RENDITIONS = (
    "fill-1200x675|format-jpeg",
    "fill-1200x900|format-jpeg",
    "fill-1200x1200|format-jpeg",
)


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int
    alt: str = ""
    mime: str = "image/jpeg"


def _from_rendition(rendition, *, root_url: str, alt: str) -> SocialImage:
    return SocialImage(
        url=absolute(root_url, rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=alt,
    )


def card_image(card: Card, *, root_url: str) -> SocialImage:
    return SocialImage(
        url=absolute(root_url, card.path),
        width=WIDTH,
        height=HEIGHT,
        alt=card.alt,
        mime="image/png",
    )


def article_images(
    article, *, root_url: str, card: Card | None
) -> tuple[SocialImage | None, list[str]]:
    """The article's social image and its schema.org images (three ratios).

    Social: the editor's override from the Promote tab, else the lead image, else the card
    (none for a page not saved yet, in a preview). schema.org: the lead image, else the
    override, else the card.
    """
    lead = article.lead_image
    override = article.social_image if article.social_image_id else None
    ratio_source = lead or override
    ratios: list[str] = []
    social = None
    if ratio_source is not None:
        specs = list(RATIO_RENDITIONS)
        if override is None or override is ratio_source:
            specs.append(SOCIAL_RENDITION)
        renditions = ratio_source.get_renditions(*specs)
        ratios = [absolute(root_url, renditions[spec].url) for spec in RATIO_RENDITIONS]
        if SOCIAL_RENDITION in renditions:
            social = _from_rendition(
                renditions[SOCIAL_RENDITION],
                root_url=root_url,
                alt=ratio_source.default_alt_text,
            )
    if social is None and override is not None:
        social = _from_rendition(
            override.get_rendition(SOCIAL_RENDITION),
            root_url=root_url,
            alt=override.default_alt_text,
        )
    if social is None and card is not None:
        social = card_image(card, root_url=root_url)
    if not ratios and social is not None:
        ratios = [social.url]
    return social, ratios
