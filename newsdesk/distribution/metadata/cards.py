"""Social cards: a 1200x630 picture for a page that has none, drawn once and stored.

An article without a lead image (and without an editor's social image) gets a card with its
section, headline and the site's name; every other page shares the site card (name and
tagline). The card's URL carries a digest of what is drawn on it, so a new headline is a new
URL (social networks cache images by URL) and every URL can be cached for a year. The PNG is
drawn on the first request for it and kept in Django's default storage.

The look follows the theme: white paper, near-black type, the accent red for the band and the
section, a thin rule above the site name. The type is Pillow's own font (no system fonts).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# Part of every digest: change it when the drawing changes, and every card gets a new URL.
CARD_VERSION = "1"

PAPER = (255, 255, 255)
INK = (21, 21, 21)
MUTED = (89, 89, 89)
ACCENT = (166, 27, 27)
RULE = (220, 218, 213)
MARGIN = 80


@dataclass(frozen=True)
class Card:
    page_id: int
    title: str
    kicker: str = ""
    site_name: str = ""
    tagline: str = ""
    is_site: bool = False

    @property
    def digest(self) -> str:
        parts = (CARD_VERSION, self.is_site, self.kicker, self.title, self.site_name, self.tagline)
        text = "\x1f".join(map(str, parts))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def path(self) -> str:
        return reverse("social_card", kwargs={"page_id": self.page_id, "digest": self.digest})

    @property
    def storage_name(self) -> str:
        return f"cards/{self.page_id}-{self.digest}.png"

    @property
    def alt(self) -> str:
        if self.is_site:
            return f"{self.title}: {self.tagline}" if self.tagline else self.title
        return " · ".join(part for part in (self.kicker, self.title, self.site_name) if part)


def article_card(article, *, site_name: str, section=None) -> Card:
    section = section if section is not None else article.section
    return Card(
        page_id=article.pk,
        title=article.title,
        kicker=section.title if section else "",
        site_name=site_name,
    )


def site_card(home, *, site_name: str) -> Card:
    return Card(
        page_id=home.pk,
        title=site_name or home.title,
        tagline=getattr(home, "tagline", ""),
        site_name=site_name or home.title,
        is_site=True,
    )


def card_for_page_id(page_id: int, site) -> Card | None:
    """The card a published page has now, or None (unpublished, or not a page with a card)."""
    from newsdesk.articles.models import ArticlePage, HomePage

    site_name = site.site_name if site else ""
    article = ArticlePage.objects.published().filter(pk=page_id).first()
    if article is not None:
        return article_card(article, site_name=site_name)
    if site is not None and page_id == site.root_page_id:
        home = HomePage.objects.live().public().filter(pk=page_id).first()
        if home is not None:
            return site_card(home, site_name=site_name)
    return None


def stored_png(card: Card) -> bytes:
    """The card's PNG from storage, drawn and stored first if it is not there yet."""
    name = card.storage_name
    if not default_storage.exists(name):
        data = render_card(card)
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another request stored it meanwhile; keep one copy
            default_storage.delete(saved)
        return data
    with default_storage.open(name, "rb") as stored:
        return stored.read()


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=font) > width:  # a word wider than the card
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit(draw, text: str, *, width: int, height: int, sizes, leading: float = 1.16):
    """The largest size at which `text` fits the box; at the smallest, cut with an ellipsis."""
    for size in sizes:
        font = _font(size)
        lines = _wrap(draw, text, font, width)
        if len(lines) * size * leading <= height:
            return font, size, lines
    room = max(1, int(height // (size * leading)))
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1].rstrip()
        lines[-1] = last.rstrip(",;:–—-") + "…"
    return font, size, lines


def _text(draw, xy, text, *, font, fill, weight: int = 0) -> None:
    # Pillow's font has one weight; a stroke in the same colour makes it bolder.
    draw.text(xy, text, font=font, fill=fill, stroke_width=weight, stroke_fill=fill)


def render_card(card: Card) -> bytes:
    """PNG bytes, 1200x630."""
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    if card.is_site:
        font, size, lines = _fit(
            draw, card.title, width=inner, height=250, sizes=(120, 104, 92, 80, 68)
        )
        y = 170
        for line in lines:
            _text(draw, (MARGIN, y), line, font=font, fill=INK, weight=2)
            y += round(size * 1.1)
        if card.tagline:
            tag_font, tag_size, tag_lines = _fit(
                draw, card.tagline, width=inner, height=HEIGHT - y - 120, sizes=(44, 38, 32)
            )
            y += 24
            for line in tag_lines:
                _text(draw, (MARGIN, y), line, font=tag_font, fill=MUTED)
                y += round(tag_size * 1.3)
        draw.rectangle((MARGIN, y + 36, MARGIN + 120, y + 44), fill=ACCENT)
    else:
        y = 78
        if card.kicker:
            _text(draw, (MARGIN, y), card.kicker.upper(), font=_font(32), fill=ACCENT, weight=1)
            y += 66
        footer_rule = HEIGHT - 116
        font, size, lines = _fit(
            draw,
            card.title,
            width=inner,
            height=footer_rule - y - 24,
            sizes=(76, 70, 64, 58, 52, 46),
        )
        for line in lines:
            _text(draw, (MARGIN, y), line, font=font, fill=INK, weight=1)
            y += round(size * 1.16)
        draw.line((MARGIN, footer_rule, WIDTH - MARGIN, footer_rule), fill=RULE, width=2)
        _text(draw, (MARGIN, footer_rule + 30), card.site_name, font=_font(40), fill=INK, weight=1)
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
