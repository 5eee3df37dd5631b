"""A whole site written out as JSON Lines, for `import_site` to read back (docs/export-format.md).

One file per kind, one record a line, written from `.iterator()` so that memory stays flat on
a large site; image files are copied into `images/`. Every record has an export id (`kind:pk`,
stable for this site) and refers to others by theirs. The manifest, written last, gives the
format version and each file's count and SHA-256, so a partial or altered export is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from taggit.models import Tag
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, Site

from newsdesk.articles.models import (
    ArticleByline,
    ArticleCredit,
    ArticlePage,
    HomePage,
    SectionPage,
)
from newsdesk.comments.models import Comment
from newsdesk.corrections.models import ArticleNote
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage
from newsdesk.ratings.models import Rating

FORMAT = "newsdesk-export"
VERSION = 1
MANIFEST = "manifest.json"
IMAGES_DIR = "images"
CHUNK = 500
# In the order an import reads them: everything a record refers to comes before it.
FILES = {
    "images.jsonl": "image",
    "tags.jsonl": "tag",
    "people.jsonl": "person",
    "sections.jsonl": "section",
    "pages.jsonl": "page",
    "articles.jsonl": "article",
    "notes.jsonl": "note",
    "comments.jsonl": "comment",
    "ratings.jsonl": "rating",
}


def export_id(kind: str, pk: int | None) -> str | None:
    return f"{kind}:{pk}" if pk is not None else None


def when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def values(obj: Any, names: str) -> dict:
    """The named fields (space-separated) as JSON values, dates as ISO 8601."""
    found = {name: getattr(obj, name) for name in names.split()}
    return {k: when(v) if isinstance(v, date) else v for k, v in found.items()}


# StreamField references -----------------------------------------------------------------


def map_refs(block: blocks.Block, value: Any, *, image: Callable, page: Callable) -> Any:
    """A StreamField raw value with each image and page chooser's value passed through
    `image` or `page` (pk to export id on export, back on import); the rest as it is."""
    if value in (None, ""):
        return value
    if isinstance(block, ImageChooserBlock):
        return image(value)
    if isinstance(block, blocks.PageChooserBlock):
        return page(value)
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        return {
            name: map_refs(block.child_blocks[name], item, image=image, page=page)
            if name in block.child_blocks
            else item
            for name, item in value.items()
        }
    if isinstance(block, blocks.ListBlock) and isinstance(value, list):
        return [
            {**item, "value": map_refs(block.child_block, item["value"], image=image, page=page)}
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item
            else map_refs(block.child_block, item, image=image, page=page)
            for item in value
        ]
    if isinstance(block, blocks.StreamBlock) and isinstance(value, list):
        return [
            {
                **item,
                "value": map_refs(
                    block.child_blocks[item["type"]], item.get("value"), image=image, page=page
                ),
            }
            if isinstance(item, dict) and item.get("type") in block.child_blocks
            else item
            for item in value
        ]
    return value


def _page_export_id(pk: int) -> str | None:
    """A page reference in a body as the export id of its kind (article, section, page...)."""
    model = (
        Page.objects.filter(pk=pk).values_list("content_type__app_label", "content_type__model")
    ).first()
    kinds = {
        ("articles", "articlepage"): "article",
        ("articles", "sectionpage"): "section",
        ("people", "personpage"): "person",
        ("pages", "standardpage"): "page",
    }
    return export_id(kinds.get(model, "wagtailpage"), pk) if model else None


def export_body(page: Page, field: str) -> list[dict]:
    stream = getattr(page, field)
    raw = list(stream.raw_data)
    return map_refs(
        type(page)._meta.get_field(field).stream_block,
        raw,
        image=lambda pk: export_id("image", pk),
        page=_page_export_id,
    )


# Pages in their published or draft state ------------------------------------------------


def page_state(page: Page) -> tuple[str, Page, datetime | None]:
    """(status, the content to export, when a scheduled one goes live). A live page exports its
    live version; one never published exports its latest draft or scheduled revision."""
    if page.live:
        return "published", page, None
    scheduled = page.scheduled_revision
    if scheduled is not None:
        return "scheduled", scheduled.as_object(), scheduled.approved_go_live_at
    return "draft", page.get_latest_revision_as_object(), None


# Records --------------------------------------------------------------------------------


def image_records(directory: Path) -> Iterator[dict]:
    folder = directory / IMAGES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for image in get_image_model().objects.order_by("pk").iterator(chunk_size=CHUNK):
        name = f"{image.pk}-{Path(image.file.name).name}"
        digest = hashlib.sha256()
        with image.file.open("rb") as source, (folder / name).open("wb") as target:
            while chunk := source.read(1 << 16):
                digest.update(chunk)
                target.write(chunk)
        has_focus = image.focal_point_x is not None
        yield {
            "id": export_id("image", image.pk),
            "file": f"{IMAGES_DIR}/{name}",
            "sha256": digest.hexdigest(),
            "width": image.width,
            "height": image.height,
            "title": image.title,
            "description": image.description,
            "alt_text": image.alt_text,
            "caption": image.caption,
            "credit": image.credit,
            "credit_url": image.credit_url,
            "focal_point": {
                "x": image.focal_point_x,
                "y": image.focal_point_y,
                "width": image.focal_point_width,
                "height": image.focal_point_height,
            }
            if has_focus
            else None,
            "created_at": when(image.created_at),
        }


def tag_records() -> Iterator[dict]:
    for tag in Tag.objects.order_by("pk").iterator(chunk_size=CHUNK):
        yield {"id": export_id("tag", tag.pk), "name": tag.name, "slug": tag.slug}


def person_records() -> Iterator[dict]:
    for person in PersonPage.objects.order_by("path").iterator(chunk_size=CHUNK):
        status, person, _ = page_state(person)
        yield {
            "id": export_id("person", person.pk),
            "status": status,
            "name": person.title,
            "slug": person.slug,
            "role": person.role,
            "kind": person.kind,
            "location": person.location,
            "bio_html": person.bio,
            "photo": export_id("image", person.photo_id),
            "email": person.email,
            "website": person.website,
        }


def section_records() -> Iterator[dict]:
    for section in SectionPage.objects.order_by("path").iterator(chunk_size=CHUNK):
        yield {
            "id": export_id("section", section.pk),
            "status": "published" if section.live else "draft",
            "title": section.title,
            "slug": section.slug,
            "intro": section.intro,
            "show_in_menus": section.show_in_menus,
        }


def standard_page_records() -> Iterator[dict]:
    # By path, so a parent page always comes before the pages under it.
    for page in StandardPage.objects.order_by("path").iterator(chunk_size=CHUNK):
        parent = page.get_parent().specific_class
        status, content, go_live = page_state(page)
        yield {
            "id": export_id("page", page.pk),
            "parent": None
            if parent is not StandardPage
            else export_id("page", page.get_parent().pk),
            "status": status,
            "title": content.title,
            "slug": page.slug,
            "intro": content.intro,
            "body": export_body(content, "body"),
            "seo_title": content.seo_title,
            "search_description": content.search_description,
            "show_in_menus": content.show_in_menus,
            "first_published_at": when(page.first_published_at),
            "go_live_at": when(go_live),
        }


def article_records() -> Iterator[dict]:
    articles = ArticlePage.objects.order_by("path").prefetch_related(
        Prefetch("bylines", ArticleByline.objects.order_by("sort_order")),
        Prefetch("credits", ArticleCredit.objects.order_by("sort_order")),
        "tagged_items",
        "related_pins",
    )
    sections = dict(SectionPage.objects.values_list("path", "pk"))
    for page in articles.iterator(chunk_size=CHUNK):
        status, content, go_live = page_state(page)
        yield {
            "id": export_id("article", page.pk),
            "section": export_id("section", sections.get(page.path[: -page.steplen])),
            "status": status,
            "title": content.title,
            "slug": page.slug,
            "dek": content.dek,
            "kicker": content.kicker,
            "article_type": content.article_type,
            "bylines": [export_id("person", b.person_id) for b in content.bylines.all()],
            "byline_text": content.byline_text,
            "credits": [
                {"role": c.role, "person": export_id("person", c.person_id), "name": c.name}
                for c in content.credits.all()
            ],
            "dateline_place": content.dateline_place,
            "dateline_date": when(content.dateline_date),
            "lead_image": export_id("image", content.lead_image_id),
            "lead_image_caption": content.lead_image_caption,
            "lead_image_credit": content.lead_image_credit,
            "body": export_body(content, "body"),
            "tags": [export_id("tag", item.tag_id) for item in content.tagged_items.all()],
            "related": [export_id("article", pin.article_id) for pin in content.related_pins.all()],
            "seo_title": content.seo_title,
            "search_description": content.search_description,
            "social_image": export_id("image", content.social_image_id),
            "comments_mode": content.comments_mode,
            "first_published_at": when(page.first_published_at),
            "last_published_at": when(page.last_published_at),
            "go_live_at": when(go_live),
            "updated_at": when(content.updated_at),
        }


def note_records() -> Iterator[dict]:
    for note in ArticleNote.objects.order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "id": export_id("note", note.pk),
            "article": export_id("article", note.article_id),
            **values(note, "kind noted_at text created_at withdrawn_at withdrawn_reason"),
        }


def comment_records() -> Iterator[dict]:
    # By primary key: a reply is always stored after the comment it answers.
    for comment in Comment.objects.order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "id": export_id("comment", comment.pk),
            "article": export_id("article", comment.article_id),
            "parent": export_id("comment", comment.parent_id),
            **values(
                comment,
                "author_name author_email author_url body status is_staff_reply is_pinned "
                "is_highlighted hold_reason removal_reason created_at moderated_at",
            ),
        }


def rating_records() -> Iterator[dict]:
    # The reader key is already a keyed hash: it tells readers apart and names no one.
    for rating in Rating.objects.order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "id": export_id("rating", rating.pk),
            "article": export_id("article", rating.article_id),
            **values(rating, "reader_key stars created_at updated_at"),
        }


# Writing --------------------------------------------------------------------------------


def write_lines(path: Path, records: Iterable[dict], *, advance: Callable[[], None]) -> dict:
    """Write one JSON object a line; return the file's count and SHA-256 for the manifest."""
    digest, count = hashlib.sha256(), 0
    with path.open("wb") as out:
        for record in records:
            line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()
            digest.update(line)
            out.write(line)
            count += 1
            advance()
    return {"kind": FILES[path.name], "count": count, "sha256": digest.hexdigest()}


def site_source() -> str:
    """The name an import keys this site's records on: the same site exports the same name."""
    site = Site.objects.filter(is_default_site=True).first()
    return f"newsdesk:{site.hostname if site else 'site'}"


def export_site(*, directory: Path, advance: Callable[[], None] = lambda: None) -> dict:
    """Write the whole site into `directory` (made if missing); return the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).unlink(missing_ok=True)  # no manifest until every file is complete
    writers = {
        "images.jsonl": lambda: image_records(directory),
        "tags.jsonl": tag_records,
        "people.jsonl": person_records,
        "sections.jsonl": section_records,
        "pages.jsonl": standard_page_records,
        "articles.jsonl": article_records,
        "notes.jsonl": note_records,
        "comments.jsonl": comment_records,
        "ratings.jsonl": rating_records,
    }
    files = {
        name: write_lines(directory / name, records(), advance=advance)
        for name, records in writers.items()
    }
    site = Site.objects.filter(is_default_site=True).first()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "source": site_source(),
        "site": {
            "name": site.site_name if site else "",
            "hostname": site_source()[9:],
            **front_pages(),
        },
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def front_pages() -> dict:
    """The home page's curation and the people page's intro: one each, so in the manifest."""
    home = HomePage.objects.first()
    people = PeopleIndexPage.objects.first()
    return {
        "home": home
        and {
            **values(home, "title tagline"),
            "lead_story": export_id("article", home.lead_story_id),
            "top_stories": [
                export_id("article", top.article_id)
                for top in home.top_stories.order_by("sort_order")
            ],
        },
        "people_index": people and values(people, "title intro"),
    }


def count_records() -> dict[str, int]:
    """How many records each file would hold (for progress and a dry run)."""
    return {
        "images.jsonl": get_image_model().objects.count(),
        "tags.jsonl": Tag.objects.count(),
        "people.jsonl": PersonPage.objects.count(),
        "sections.jsonl": SectionPage.objects.count(),
        "pages.jsonl": StandardPage.objects.count(),
        "articles.jsonl": ArticlePage.objects.count(),
        "notes.jsonl": ArticleNote.objects.count(),
        "comments.jsonl": Comment.objects.count(),
        "ratings.jsonl": Rating.objects.count(),
    }
