"""Builders for magazine content, shared by the demo loader and the tests.

Keyword-only and plain: each returns a saved (and, for pages, published) object.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from newsdesk.articles.models import (
    ArticlePage,
    HomePage,
    SectionPage,
)
from newsdesk.articles.services import set_people
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage

from .artwork import PALETTES, render_artwork, render_portrait

# Body blocks are given in a small portable form: {"type": ..., "value": ...}, with plain text
# paragraphs and, for images, a "motif" to draw instead of an image id.
Block = dict


def make_image(
    *,
    title: str,
    motif: str = "circles",
    palette: str = "default",
    caption: str = "",
    credit: str = "",
    alt_text: str = "",
    size: tuple[int, int] = (1600, 900),
    portrait: bool = False,
):
    seed = f"{title}|{motif}|{palette}"
    if portrait:
        data = render_portrait(seed=seed, palette=palette, size=size[0])
    else:
        data = render_artwork(
            seed=seed, motif=motif, palette=palette, width=size[0], height=size[1]
        )
    image = get_image_model()(
        title=title, caption=caption, credit=credit, alt_text=alt_text or caption or title
    )
    image.file = ImageFile(BytesIO(data), name=f"{slugify(title)[:60] or 'image'}.jpg")
    image.save()
    return image


def home_page() -> HomePage:
    return HomePage.objects.get(depth=2)


def setup_site(*, name: str, tagline: str = "", hostname: str = "localhost", port: int = 80):
    home = home_page()
    home.title = name
    home.draft_title = name
    home.tagline = tagline
    home.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(
        site_name=name, hostname=hostname, port=port, root_page=home
    )
    return home


def _add(parent: Page, page: Page, *, publish: bool = True) -> Page:
    page.live = publish  # a page that is not published is a draft, not a live page without a date
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def make_section(*, home: HomePage, title: str, slug: str = "", intro: str = "") -> SectionPage:
    page = SectionPage(title=title, slug=slug or slugify(title), intro=intro, show_in_menus=True)
    return _add(home, page)


def make_people_index(*, home: HomePage, title: str = "People", intro: str = "") -> PeopleIndexPage:
    existing = PeopleIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    return _add(home, PeopleIndexPage(title=title, slug="people", intro=intro))


def make_person(
    *,
    index: PeopleIndexPage,
    name: str,
    slug: str = "",
    role: str = "",
    kind: str = PersonPage.Kind.AUTHOR,
    location: str = "",
    bio: str = "",
    email: str = "",
    palette: str = "default",
    photo: bool = True,
) -> PersonPage:
    image = None
    if photo:
        image = make_image(
            title=f"Portrait of {name}",
            palette=palette,
            alt_text=f"Portrait of {name}",
            size=(480, 480),
            portrait=True,
        )
    page = PersonPage(
        title=name,
        slug=slug or slugify(name),
        role=role,
        kind=kind,
        location=location,
        bio=f"<p>{escape(bio)}</p>" if bio else "",
        email=email,
        photo=image,
    )
    return _add(index, page)


def body_blocks(
    blocks: Iterable[Block], *, palette: str = "default", title: str = ""
) -> list[dict]:
    """Turn portable blocks into StreamField raw data, drawing any images they ask for."""
    raw = []
    for number, block in enumerate(blocks):
        kind, value = block["type"], block["value"]
        if kind == "paragraph":
            value = f"<p>{escape(value)}</p>"
        elif kind == "image":
            image = make_image(
                title=f"{title} ({number})",
                motif=value.get("motif", "circles"),
                palette=palette,
                caption=value.get("caption", ""),
                credit=value.get("credit", ""),
            )
            value = {"image": image.pk, "caption": "", "credit": ""}
        raw.append({"type": kind, "value": value, "id": str(uuid.uuid4())})
    return raw


def make_article(
    *,
    section: SectionPage,
    headline: str,
    slug: str = "",
    dek: str = "",
    kicker: str = "",
    article_type: str = ArticlePage.ArticleType.NEWS,
    bylines: Iterable[PersonPage] = (),
    byline_text: str = "",
    credits: Iterable[tuple[str, PersonPage | str]] = (),
    dateline_place: str = "",
    dateline_date: date | None = None,
    image=None,
    image_caption: str = "",
    image_credit: str = "",
    body: Iterable[Block] = (),
    tags: Iterable[str] = (),
    published_at: datetime | None = None,
    updated_at: datetime | None = None,
    publish: bool = True,
) -> ArticlePage:
    """An article under `section`; published at `published_at` (default: now) unless told not."""
    page = ArticlePage(
        title=headline,
        slug=slug or slugify(headline)[:80],
        dek=dek,
        kicker=kicker,
        article_type=article_type,
        byline_text=byline_text,
        dateline_place=dateline_place,
        dateline_date=dateline_date,
        lead_image=image,
        lead_image_caption=image_caption,
        lead_image_credit=image_credit,
        body=body_blocks(body, palette=palette_for(section), title=headline),
        updated_at=updated_at,
    )
    set_people(page, bylines=bylines, credits=credits)
    page.tags.add(*tags)
    _add(section, page, publish=publish)
    if publish and published_at:
        ArticlePage.objects.filter(pk=page.pk).update(
            first_published_at=published_at, last_published_at=updated_at or published_at
        )
        page.refresh_from_db()
    return page


def make_standard_page(
    *, parent: Page, title: str, slug: str = "", intro: str = "", body: Iterable[Block] = ()
) -> StandardPage:
    page = StandardPage(
        title=title, slug=slug or slugify(title), intro=intro, body=body_blocks(body, title=title)
    )
    return _add(parent, page)


def hours_ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)


def palette_for(section: SectionPage) -> str:
    return section.slug if section.slug in PALETTES else "default"


def make_ratings(*, article: ArticlePage, counts: Iterable[int]) -> int:
    """Ratings from made-up readers: counts[i] readers gave i+1 stars."""
    from newsdesk.ratings.services import rate_article

    made = 0
    for stars, count in enumerate(counts, start=1):
        for _ in range(count):
            made += 1
            rate_article(article=article, reader_key=f"demo-{article.pk}-{made}", stars=stars)
    return made
