"""Reading a Newsdesk export (`export.py`, docs/export-format.md) back into a site.

The manifest is checked first (format, version, and each file's count and SHA-256): a bad one
is refused as a whole with the file and line at fault, before anything is stored. Then every
record is one item for the shared runner, in the manifest's order, so that what a record
refers to already exists; each is keyed on its export id through `ImportedItem`, so importing
the same export again updates or leaves alone instead of duplicating, and one bad record is
reported (file, line, id, reason) while the rest carry on. Body links to articles further on
in the file are filled in by a second look at just those articles.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsdesk.articles.models import ArticlePage, HomePage, HomePageTopStory
from newsdesk.comments.models import Comment
from newsdesk.corrections.models import ArticleNote
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage
from newsdesk.ratings.models import Rating
from newsdesk.ratings.services import InvalidRating, clean_stars

from .export import FILES, FORMAT, IMAGES_DIR, MANIFEST, VERSION, map_refs
from .records import Upserted, checksum, find_imported, lookup, record
from .runner import ItemError, SourceItem
from .services import (
    upsert_article,
    upsert_comment,
    upsert_image,
    upsert_person,
    upsert_section,
    upsert_standard_page,
    upsert_tag,
)
from .site_values import (
    a,
    check_stream,
    day,
    json_type,
    listed,
    mapping,
    moment,
    number,
    shown,
    text,
    texts,
)

STATUSES = ("published", "draft", "scheduled")


class ManifestError(Exception):
    """The export as a whole cannot be read; the message names the file (and line) at fault."""


# The manifest -----------------------------------------------------------------------------


def read_manifest(directory: Path, *, verify: bool = True) -> dict:
    """The manifest, checked; with `verify`, every file's count and SHA-256 too."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{path}: no manifest here; is this a Newsdesk export folder?")
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ManifestError(f"{path}: not UTF-8 (byte {error.start}).") from None
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})."
        ) from None
    except RecursionError:
        raise ManifestError(f"{path}: nested too deeply to be a manifest.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError(f'{path}: not a Newsdesk export (no "format": "{FORMAT}").')
    version = manifest.get("version")
    if version != VERSION:
        raise ManifestError(
            f"{path}: format version {version!r}; this Newsdesk reads version {VERSION}."
        )
    if not isinstance(manifest.get("source"), str) or not manifest["source"].strip():
        raise ManifestError(f'{path}: "source" (the exporting site\'s name) is missing.')
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ManifestError(f'{path}: "files" is missing or not an object.')
    for name, entry in files.items():
        if name not in FILES:
            raise ManifestError(f"{path}: unknown file {name!r} listed.")
        if not isinstance(entry, dict) or not isinstance(entry.get("count"), int):
            raise ManifestError(f"{path}: {name}: needs a count and a sha256.")
        if not isinstance(entry.get("sha256"), str):
            raise ManifestError(f"{path}: {name}: needs a count and a sha256.")
    missing = [name for name in FILES if name not in files]
    if missing:
        raise ManifestError(f"{path}: files not listed: {', '.join(missing)}.")
    for name, entry in files.items():
        if not (directory / name).is_file():
            raise ManifestError(f"{directory / name}: listed in the manifest but missing.")
        if verify:
            verify_file(directory / name, count=entry["count"], sha256=entry["sha256"])
    return manifest


def verify_file(path: Path, *, count: int, sha256: str) -> None:
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as data:
        for line in data:
            digest.update(line)
            lines += 1
    if digest.hexdigest() != sha256:
        raise ManifestError(
            f"{path}: its SHA-256 does not match the manifest's: the file was changed or cut "
            f"short since the export ({lines} lines, the manifest says {count})."
        )
    if lines != count:
        raise ManifestError(f"{path}: {lines} records, the manifest says {count}.")


class SiteImport:
    """One run of `import_site`: the items to import and how to import each."""

    def __init__(self, *, directory: Path, source: str, site: dict | None = None):
        self.directory, self.source, self.site = directory, source, site or {}
        self.deferred: set[str] = set()  # articles whose body links point further on

    # Reading ------------------------------------------------------------------------------

    def items(self) -> Iterator[SourceItem]:
        for name, kind in FILES.items():
            yield from self.read(name, kind)
        if self.deferred:
            for item in self.read("articles.jsonl", "article"):
                if isinstance(item.data, tuple) and item.data[1].get("id") in self.deferred:
                    yield SourceItem(item.file, item.label, ("article_links", item.data[1]))
        if self.site.get("home") or self.site.get("people_index"):
            yield SourceItem(MANIFEST, "site", ("front_pages", self.site))

    def read(self, name: str, kind: str) -> Iterator[SourceItem]:
        with (self.directory / name).open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                where = f"{name}:{number}"
                try:
                    data = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    yield SourceItem(where, "line", ItemError(f"not a JSON record ({error})"))
                    continue
                except RecursionError:
                    yield SourceItem(where, "line", ItemError("nested too deeply to be a record"))
                    continue
                if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                    yield SourceItem(where, "line", ItemError('not a record with an "id"'))
                    continue
                yield SourceItem(where, data["id"][:80], (kind, data))

    def import_one(self, item: SourceItem):
        if isinstance(item.data, Exception):
            raise item.data
        kind, data = item.data
        return getattr(self, f"import_{kind}")(data)

    # References ---------------------------------------------------------------------------

    def ref(self, kind: str, value: Any, field: str, *, required: bool = False):
        if value in (None, ""):
            if required:
                raise ItemError(f"{field} is missing.")
            return None
        if not isinstance(value, str) or not value.startswith(f"{kind}:"):
            raise ItemError(f"{field}: {shown(value)} is not the id of {a(kind)}.")
        found = find_imported(source=self.source, kind=kind, source_id=value)
        if found is None:
            raise ItemError(f"{field} refers to {value}, which has not been imported.")
        return found

    def refs(self, kind: str, record: dict, field: str, *, within: str = "") -> list:
        """A list of ids (people, tags...), none of them empty."""
        name = f"{within}.{field}" if within else field
        found = []
        for value in listed(record, field, within=within):
            if not isinstance(value, str) or not value:
                raise ItemError(f"{name}: {shown(value)} is not the id of {a(kind)}.")
            found.append(self.ref(kind, value, name))
        return found

    def body(self, model, raw: Any, *, strict: bool) -> tuple[list, bool]:
        """The body with export ids turned back into this site's ids; and whether a link to a
        page not imported yet was left empty (`strict`: refuse instead)."""
        check_stream(model._meta.get_field("body").stream_block, raw, "body")
        pending = False

        def page(value):
            nonlocal pending
            kind = value.split(":", 1)[0] if isinstance(value, str) and ":" in value else ""
            try:
                return self.ref(kind or "page", value, "a link in the body").pk
            except ItemError:
                if strict or kind != "article":
                    raise
                pending = True
                return None

        mapped = map_refs(
            model._meta.get_field("body").stream_block,
            raw,
            image=lambda value: self.ref("image", value, "an image in the body").pk,
            page=page,
        )
        return mapped, pending

    # Each kind ----------------------------------------------------------------------------

    def import_image(self, data: dict) -> Upserted:
        relative = Path(text(data, "file"))
        if (
            relative.parts[:1] != (IMAGES_DIR,)
            or ".." in relative.parts
            or len(relative.parts) != 2
        ):
            raise ItemError(f"file: {str(relative)!r} is not a file in {IMAGES_DIR}/.")
        path = self.directory / relative
        if not path.is_file():
            raise ItemError(f"{relative}: the image file is missing.")
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != data.get("sha256"):
            raise ItemError(f"sha256: does not match the SHA-256 of {relative}.")
        result = upsert_image(
            source=self.source,
            source_id=data["id"],
            file=content,
            filename=relative.name.split("-", 1)[-1],
            title=text(data, "title"),
            caption=text(data, "caption"),
            credit=text(data, "credit"),
            credit_url=text(data, "credit_url"),
            alt_text=text(data, "alt_text"),
        )
        focus = data.get("focal_point") or {}
        if not isinstance(focus, dict):
            raise ItemError("focal_point: expected {x, y, width, height} or null.")
        extra = {
            "description": text(data, "description")[:255],
            **{
                f"focal_point_{name}": number(focus, name, within="focal_point")
                for name in ("x", "y", "width", "height")
            },
        }
        created_at = moment(data.get("created_at"), "created_at")
        if created_at:
            extra["created_at"] = created_at
        return self.set_extra(result, extra)

    def set_extra(self, result: Upserted, extra: dict) -> Upserted:
        """Fields the shared upsert does not take, set on the row; 'updated' if any changed."""
        obj = result.obj
        changed = {name: value for name, value in extra.items() if getattr(obj, name) != value}
        if changed:
            type(obj).objects.filter(pk=obj.pk).update(**changed)
            for name, value in changed.items():
                setattr(obj, name, value)
            if result.action == "unchanged":
                return Upserted(obj, result.kind, "updated")
        return result

    def import_tag(self, data: dict) -> Upserted:
        return upsert_tag(source=self.source, source_id=data["id"], **texts(data, "name slug"))

    def import_person(self, data: dict) -> Upserted:
        return upsert_person(
            source=self.source,
            source_id=data["id"],
            **texts(data, "name slug role location email website bio_html"),
            kind=text(data, "kind") or "author",
            photo=self.ref("image", data.get("photo"), "photo"),
        )

    def import_section(self, data: dict) -> Upserted:
        result = upsert_section(
            source=self.source,
            source_id=data["id"],
            **texts(data, "title slug intro"),
        )
        return self.set_extra(result, {"show_in_menus": bool(data.get("show_in_menus", True))})

    def import_page(self, data: dict) -> Upserted:
        parent = self.ref("page", data.get("parent"), "parent")
        status = text(data, "status")
        body, _ = self.body(StandardPage, data.get("body", []), strict=True)
        result = upsert_standard_page(
            source=self.source,
            source_id=data["id"],
            title=text(data, "title"),
            slug=text(data, "slug"),
            intro=text(data, "intro"),
            body=body,
            status="published" if status == "published" else "draft",
            published_at=moment(data.get("first_published_at"), "first_published_at"),
        )
        page = result.obj
        if parent is not None and page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()
            result = Upserted(page, result.kind, "updated")
        return self.set_extra(
            result,
            {
                "seo_title": text(data, "seo_title"),
                "search_description": text(data, "search_description"),
                "show_in_menus": bool(data.get("show_in_menus")),
            },
        )

    def import_article(self, data: dict, *, strict: bool = False) -> Upserted:
        status = text(data, "status")
        if status not in STATUSES:
            raise ItemError(f"status: {status!r}; expected one of {', '.join(STATUSES)}.")
        body, pending = self.body(ArticlePage, data.get("body", []), strict=strict)
        related = []
        for value in listed(data, "related"):
            if not isinstance(value, str) or not value:
                raise ItemError(f"related: {shown(value)} is not the id of an article.")
            try:
                related.append(self.ref("article", value, "related"))
            except ItemError:
                if strict:
                    raise
                pending = True
        if pending:
            self.deferred.add(data["id"])
        published_at = moment(data.get("first_published_at"), "first_published_at")
        if status == "scheduled":
            published_at = moment(data.get("go_live_at"), "go_live_at")
        credits = []
        for n, credit in enumerate(listed(data, "credits")):
            where = f"credits[{n}]"
            if not isinstance(credit, dict):
                raise ItemError(
                    f"{where}: expected {{role, person, name}}, got {json_type(credit)}."
                )
            who = credit.get("person")
            person = self.ref("person", who, f"{where}.person") if who is not None else None
            credits.append(
                (text(credit, "role", within=where), person or text(credit, "name", within=where))
            )
        result = upsert_article(
            source=self.source,
            source_id=data["id"],
            section=self.ref("section", data.get("section"), "section", required=True),
            title=text(data, "title"),
            status=status,
            slug=text(data, "slug"),
            dek=text(data, "dek"),
            kicker=text(data, "kicker"),
            article_type=text(data, "article_type") or "news",
            bylines=self.refs("person", data, "bylines"),
            byline_text=text(data, "byline_text"),
            credits=credits,
            dateline_place=text(data, "dateline_place"),
            dateline_date=day(data.get("dateline_date"), "dateline_date"),
            lead_image=self.ref("image", data.get("lead_image"), "lead_image"),
            lead_image_caption=text(data, "lead_image_caption"),
            lead_image_credit=text(data, "lead_image_credit"),
            body=body,
            tags=self.refs("tag", data, "tags"),
            published_at=published_at,
            updated_at=moment(data.get("updated_at"), "updated_at"),
            page_fields={
                "seo_title": text(data, "seo_title"),
                "search_description": text(data, "search_description"),
                "social_image": self.ref("image", data.get("social_image"), "social_image"),
                "comments_mode": text(data, "comments_mode") or "open",
            },
            related=related,
        )
        last = moment(data.get("last_published_at"), "last_published_at")
        if status == "published" and last:
            result = self.set_extra(result, {"last_published_at": last})
        return result

    def import_article_links(self, data: dict) -> Upserted:
        result = self.import_article(data, strict=True)
        return Upserted(result.obj, "article links", result.action)

    def import_front_pages(self, data: dict) -> Upserted:
        """The home page's name, tagline and picks, and the people page's intro."""
        home, people = HomePage.objects.first(), PeopleIndexPage.objects.first()
        if home is None:
            raise ItemError("There is no home page to import into; run `manage.py migrate`.")
        wanted = mapping(data, "home")
        tops = self.refs("article", wanted, "top_stories", within="home")
        picks = {
            "title": text(wanted, "title", within="home") or home.title,
            "tagline": text(wanted, "tagline", within="home"),
            "lead_story": self.ref("article", wanted.get("lead_story"), "home.lead_story"),
        }
        changed = any(getattr(home, name) != value for name, value in picks.items()) or [
            top.article_id for top in home.top_stories.order_by("sort_order")
        ] != [top.pk for top in tops]
        if changed:
            for name, value in picks.items():
                setattr(home, name, value)
            home.draft_title = home.title
            home.top_stories = [HomePageTopStory(article=top) for top in tops]
            home.save_revision().publish(skip_permission_checks=True)
        index = mapping(data, "people_index")
        title = text(index, "title", within="people_index") or "People"
        intro = text(index, "intro", within="people_index")
        if people is not None and (people.title, people.intro) != (title, intro):
            people.title = people.draft_title = title
            people.intro = intro
            people.save_revision().publish(skip_permission_checks=True)
            changed = True
        return Upserted(home, "front pages", "updated" if changed else "unchanged")

    def import_note(self, data: dict) -> Upserted:
        fields = {
            "article": self.ref("article", data.get("article"), "article", required=True),
            "kind": text(data, "kind"),
            "noted_at": moment(data.get("noted_at"), "noted_at"),
            "text": text(data, "text").strip(),
            "withdrawn_at": moment(data.get("withdrawn_at"), "withdrawn_at"),
            "withdrawn_reason": text(data, "withdrawn_reason")[:255],
        }
        if fields["kind"] not in ArticleNote.Kind.values:
            raise ItemError(f"kind: {fields['kind']!r}; expected one of {ArticleNote.Kind.values}.")
        if not fields["text"] or fields["noted_at"] is None:
            raise ItemError("A note needs its text and time (noted_at).")
        if bool(fields["withdrawn_at"]) != bool(fields["withdrawn_reason"]):
            raise ItemError("A withdrawn note needs both withdrawn_at and withdrawn_reason.")
        created_at = moment(data.get("created_at"), "created_at")
        digest = checksum(fields, created_at)
        stored, note = lookup(source=self.source, kind="note", source_id=data["id"])
        if note is not None and stored.checksum == digest:
            return Upserted(note, "note", "unchanged")
        # Stored as the export has it: a note's own checks are for editors adding one now.
        if note is None:
            note = ArticleNote.objects.create(**fields)
            action = "created"
        else:
            ArticleNote.objects.filter(pk=note.pk).update(**fields)
            action = "updated"
        if created_at:
            ArticleNote.objects.filter(pk=note.pk).update(created_at=created_at)
        record(
            stored=stored,
            source=self.source,
            kind="note",
            source_id=data["id"],
            obj=note,
            digest=digest,
        )
        return Upserted(note, "note", action)

    def import_comment(self, data: dict) -> Upserted:
        result = upsert_comment(
            source=self.source,
            source_id=data["id"],
            article=self.ref("article", data.get("article"), "article", required=True),
            parent=self.ref("comment", data.get("parent"), "parent"),
            name=text(data, "author_name"),
            body=text(data, "body"),
            email=text(data, "author_email"),
            website=text(data, "author_url"),
            posted_at=moment(data.get("created_at"), "created_at"),
            status=text(data, "status") or Comment.Status.APPROVED,
            staff=bool(data.get("is_staff_reply")),
        )
        return self.set_extra(
            result,
            {
                "is_pinned": bool(data.get("is_pinned")),
                "is_highlighted": bool(data.get("is_highlighted")),
                "hold_reason": text(data, "hold_reason")[:120],
                "removal_reason": text(data, "removal_reason")[:255],
                "moderated_at": moment(data.get("moderated_at"), "moderated_at"),
            },
        )

    def import_rating(self, data: dict) -> Upserted:
        # Keyed on what makes a rating one reader's: the article and the reader's hashed key.
        article = self.ref("article", data.get("article"), "article", required=True)
        reader_key = text(data, "reader_key")
        if not reader_key or len(reader_key) > 64:
            raise ItemError("reader_key: needs 1 to 64 characters.")
        try:
            stars = clean_stars(data.get("stars"))
        except InvalidRating as error:
            raise ItemError(f"stars: {error}") from None
        rating, created = Rating.objects.get_or_create(
            article=article, reader_key=reader_key, defaults={"stars": stars}
        )
        result = Upserted(rating, "rating", "created" if created else "unchanged")
        extra = {"stars": stars}
        for field in ("created_at", "updated_at"):
            if value := moment(data.get(field), field):
                extra[field] = value
        return self.set_extra(result, extra)
