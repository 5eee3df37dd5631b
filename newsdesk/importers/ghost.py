"""Ghost's JSON export (Ghost 4 to 6) into Newsdesk.

`db[0].data` holds the tables: `posts` (posts and pages, `type`), `tags`, `posts_tags`
(ordered: the first public tag is the post's primary tag), `users`, `posts_authors` and
`posts_meta` (feature image alt text and caption; meta, Open Graph and X titles, descriptions
and images, which fill the article's SEO and social fields). Items are imported in dependency
order, each on its own: the authors, then the tags (a primary tag becomes a section, any other
a tag; internal `#` tags are skipped), then the posts (articles) and pages (standard pages).
Content is Lexical (Ghost 5 and 6) or Mobiledoc (Ghost 4 and 5), converted by
`ghost_content.py`. Images come from a local copy of the site's `content/images` folder;
nothing is fetched. Links between the site's posts (relative, `__GHOST_URL__/slug/`, or
absolute with the site's address) point at the pages they became (`links.py`, shared with
WordPress); a post linking to one further down the export is imported again at the end.
Old URLs (`/slug/`, `/slug/amp/`, `/tag/slug/`, `/author/slug/`) redirect to the new pages.
Everything is keyed on Ghost's ids, so running the import again updates.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from newsdesk.articles.models import SectionPage

from .ghost_content import convert_post, plain
from .links import SiteLinks, old_path, redirect_old_paths
from .records import Upserted, checksum, find_imported
from .runner import ItemError, SkipItem, SourceItem, reason_for
from .services import (
    ArticleStatus,
    upsert_article,
    upsert_image,
    upsert_person,
    upsert_redirect,
    upsert_section,
    upsert_standard_page,
    upsert_tag,
)

SOURCE = "ghost"
STATUSES = {
    "published": ArticleStatus.PUBLISHED,
    "draft": ArticleStatus.DRAFT,
    "scheduled": ArticleStatus.SCHEDULED,
    "sent": ArticleStatus.DRAFT,  # sent as a newsletter only: never on the site
}
IMAGE_PATH = re.compile(
    r"^(?:__GHOST_URL__|https?://[^/]+)?(?:/[^?#]*)?/content/images/"
    r"(?:size/w\d+(?:h\d+)?/)?(?:format/\w+/)?([^?#]+)"
)


class GhostExportError(ValueError):
    """The file is not a Ghost export we can read; the message says what and where."""


@dataclass
class GhostExport:
    file: str
    version: str = ""
    posts: list[dict] = field(default_factory=list)
    tags: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    post_tags: dict[str, list[str]] = field(default_factory=dict)  # post id -> tag ids
    post_authors: dict[str, list[str]] = field(default_factory=dict)  # post id -> user ids
    meta: dict[str, dict] = field(default_factory=dict)  # post id -> posts_meta row

    def public_tags(self, post_id: str) -> list[dict]:
        tags = (self.tags.get(tag_id) for tag_id in self.post_tags.get(post_id, []))
        return [tag for tag in tags if tag and not is_internal(tag)]


def is_internal(tag: dict) -> bool:
    return tag.get("visibility") == "internal" or str(tag.get("name", "")).startswith("#")


def read_export(path: Path) -> GhostExport:
    """Read and index a Ghost export file, or raise GhostExportError naming the problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GhostExportError(f"{path}: cannot read the file ({error.strerror})") from None
    return parse_export(data, file=str(path))


def parse_export(data: bytes, *, file: str) -> GhostExport:
    path = file
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise GhostExportError(f"{path}: not a JSON file ({error})") from None
    try:
        db = raw["db"][0] if "db" in raw else raw
        data, meta = db["data"], db.get("meta") or {}
    except (KeyError, IndexError, TypeError):
        raise GhostExportError(f"{path}: not a Ghost export (no db[0].data)") from None
    if not isinstance(data, dict) or not isinstance(data.get("posts", []), list):
        raise GhostExportError(f"{path}: not a Ghost export (db[0].data.posts is not a list)")
    if not isinstance(meta, dict):
        meta = {}
    export = GhostExport(file=file, version=str(meta.get("version", "")))

    def table(name: str) -> list[dict]:
        rows = data.get(name) or []
        if not isinstance(rows, list):
            raise GhostExportError(f"{path}: db[0].data.{name} is not a list")
        return [row for row in rows if isinstance(row, dict)]

    export.posts = table("posts")
    export.tags = {str(t.get("id")): t for t in table("tags")}
    export.users = {str(u.get("id")): u for u in table("users")}
    export.meta = {str(m.get("post_id")): m for m in table("posts_meta")}
    for links, key, target in (
        (table("posts_tags"), "tag_id", export.post_tags),
        (table("posts_authors"), "author_id", export.post_authors),
    ):
        grouped = defaultdict(list)
        for n, link in enumerate(links):
            grouped[str(link.get("post_id"))].append((_order(link.get("sort_order"), n), link))
        for post_id, rows in grouped.items():
            target[post_id] = [str(link.get(key)) for _order_n, link in sorted(rows)]
    # Ghost 4 and earlier kept each post's single author on the post.
    for post in export.posts:
        if str(post.get("id")) not in export.post_authors and post.get("author_id"):
            export.post_authors[str(post["id"])] = [str(post["author_id"])]
    return export


def _order(value, n: int) -> tuple[int, int]:
    return (value if isinstance(value, int) else 0, n)


def parse_date(value, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace(" ", "T"))
    except ValueError:
        raise ItemError(f"{name} is not a date: {str(value)[:40]!r}") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.UTC)


class GhostImporter:
    """Imports one Ghost export item by item (see `items()`); `notes` gathers what was left
    out or guessed, each naming its item."""

    def __init__(
        self,
        export: GhostExport,
        *,
        section: SectionPage,
        images: Path | None = None,
        site_url: str = "",
    ):
        self.export, self.default_section, self.notes = export, section, []
        self.images = images.resolve() if images else None
        site = urlsplit(site_url.strip())
        if site_url.strip() and (site.scheme not in ("http", "https") or not site.hostname):
            raise ValueError(f"site URL {site_url!r} is not an http(s) address")
        self.prefix = site.path.rstrip("/")  # a site under /blog keeps its posts there
        self.page_ids = {_id(post) for post in export.posts if _is_page(post) and post.get("id")}
        paths = {
            old_path(f"{self.prefix}/{post['slug']}/"): str(post["id"])
            for post in export.posts
            if post.get("id") and isinstance(post.get("slug"), str) and post["slug"]
        }
        self.links = SiteLinks(
            find=self.imported_post,
            hosts=[site.hostname or ""],
            paths=paths,
            # Ghost 4 and later write the site's own address as __GHOST_URL__ in exports.
            aliases={"__GHOST_URL__": site_url.strip() or "/"},
        )

    def items(self) -> Iterator[SourceItem]:
        file, export = self.export.file, self.export
        author_ids = {uid for ids in export.post_authors.values() for uid in ids}
        for user_id, user in export.users.items():
            if user_id in author_ids:
                yield SourceItem(file, f"author {user.get('slug') or user_id}", ("author", user))
        primary, other = set(), set()
        for post in export.posts:
            tags = export.public_tags(str(post.get("id")))
            primary.update(str(tag.get("id")) for tag in tags[:1])
            other.update(str(tag.get("id")) for tag in tags[1:])
        for tag_id, tag in export.tags.items():
            label = f"tag {tag.get('slug') or tag.get('name') or tag_id}"
            yield SourceItem(file, label, ("tag", tag, tag_id in primary, tag_id in other))
        for post in export.posts:
            yield self._post_item(post)
        if self.links.relink:  # posts that linked to posts further down the export
            relink = set(self.links.relink)
            for post in export.posts:
                if str(post.get("id")) in relink:
                    yield self._post_item(post)

    def _post_item(self, post: dict) -> SourceItem:
        kind = "page" if _is_page(post) else "post"
        label = f"{kind} {post.get('slug') or post.get('id')}"
        return SourceItem(self.export.file, label, (kind, post))

    def imported_post(self, post_id: str):
        kind = "page" if post_id in self.page_ids else "article"
        return find_imported(source=SOURCE, kind=kind, source_id=post_id)

    def count(self) -> int:
        return sum(1 for _ in self.items())

    def import_one(self, item: SourceItem) -> list[Upserted]:
        kind, *data = item.data
        notes: list[str] = []
        if kind == "author":
            done = self.author(*data)
        elif kind == "tag":
            done = self.tag(*data)
        else:
            done = self.post(data[0], page=kind == "page", notes=notes)
        self.notes += [f"{item.file}: {item.label}: {note}" for note in notes]
        return [result for result in done if result is not None]

    # Authors and tags -------------------------------------------------------------------

    def author(self, user: dict) -> list[Upserted]:
        website = str(user.get("website") or "")
        person = upsert_person(
            source=SOURCE,
            source_id=_id(user),
            name=str(user.get("name") or ""),
            slug=str(user.get("slug") or ""),
            bio=str(user.get("bio") or ""),
            website=website if website.startswith(("http://", "https://")) else "",
            location=str(user.get("location") or ""),
        )
        old = f"{self.prefix}/author/{user.get('slug')}/"
        return [person, self.redirect(old, person.obj, user)]

    def tag(self, tag: dict, primary: bool, other: bool) -> list[Upserted | None]:
        if is_internal(tag):
            raise SkipItem("an internal tag (#): Ghost's own label, not shown to readers")
        name, slug = str(tag.get("name") or ""), str(tag.get("slug") or "")
        done: list[Upserted | None] = []
        if primary:
            intro = str(tag.get("description") or "")
            section = upsert_section(
                source=SOURCE, source_id=_id(tag), title=name, slug=slug, intro=intro
            )
            done += [section, self.redirect(f"{self.prefix}/tag/{slug}/", section.obj, tag)]
        if other or not primary:
            done.append(upsert_tag(source=SOURCE, source_id=_id(tag), name=name, slug=slug))
        return done

    def redirect(self, old_path: str, page, row: dict) -> Upserted | None:
        return upsert_redirect(old_path=old_path, page=page) if row.get("slug") else None

    # Posts and pages --------------------------------------------------------------------

    def post(self, post: dict, *, page: bool, notes: list[str]) -> list[Upserted | None]:
        post_id = _id(post)
        title = " ".join(str(post.get("title") or "").split())
        if not title:
            raise ItemError("it has no title")
        ghost_status = post.get("status")
        if ghost_status not in STATUSES:
            raise ItemError(f"unknown status {ghost_status!r}")
        if ghost_status == "sent":
            notes.append("sent as a newsletter only: imported as a draft")
        status = STATUSES[ghost_status]
        published_at = parse_date(post.get("published_at"), "published_at")
        if status == ArticleStatus.SCHEDULED and published_at is None:
            raise ItemError("it is scheduled but has no published_at")
        done: list[Upserted | None] = []
        body = self.body(post, done=done, notes=notes)
        slug, dek = str(post.get("slug") or ""), plain(str(post.get("custom_excerpt") or ""))
        if page:
            result = upsert_standard_page(
                source=SOURCE, source_id=post_id, title=title, slug=slug, intro=dek,
                body=standard_body(body), status=status, published_at=published_at,
            )  # fmt: skip
        else:
            result = self.article(post, title=title, slug=slug, dek=dek, body=body,
                                  status=status, published_at=published_at, done=done,
                                  notes=notes)  # fmt: skip
        done.append(result)
        if slug and status != ArticleStatus.DRAFT:
            old = [f"{self.prefix}/{slug}/"] + ([] if page else [f"{self.prefix}/{slug}/amp/"])
            done += redirect_old_paths(old, result.obj)
        return done

    def article(self, post: dict, *, done: list, notes: list[str], **fields) -> Upserted:
        post_id = _id(post)
        tags = self.export.public_tags(post_id)
        section = self.default_section
        if tags:
            section = find_imported(source=SOURCE, kind="section", source_id=_id(tags[0]))
            if section is None:
                notes.append(f"its section {tags[0].get('name')!r} was not imported")
                section = self.default_section
        tag_objects = [
            find_imported(source=SOURCE, kind="tag", source_id=_id(tag)) or str(tag.get("name"))
            for tag in tags[1:]
        ]
        bylines, names = [], []
        for user_id in self.export.post_authors.get(post_id, []):
            person = find_imported(source=SOURCE, kind="person", source_id=user_id)
            user = self.export.users.get(user_id) or {}
            if person is not None:
                bylines.append(person)
            elif user.get("name"):
                names.append(str(user["name"]))
        meta = self.meta(post)
        caption = plain(str(meta.get("feature_image_caption") or ""))
        lead_image = self.image(
            str(post.get("feature_image") or ""),
            alt=plain(str(meta.get("feature_image_alt") or "")),
            done=done,
            notes=notes,
        )
        return upsert_article(
            source=SOURCE,
            source_id=post_id,
            section=section,
            bylines=bylines,
            byline_text=" and ".join(names),
            lead_image=lead_image,
            lead_image_caption=caption if lead_image else "",
            tags=tag_objects,
            updated_at=parse_date(post.get("updated_at"), "updated_at"),
            page_fields=self.seo(meta, done=done, notes=notes) or None,
            **fields,
        )

    def meta(self, post: dict) -> dict:
        """The post's fields with its posts_meta row over them (Ghost 4 moved SEO, social and
        feature image details there; older exports keep them on the post). Empty values in
        the row leave the post's own."""
        row = self.export.meta.get(_id(post), {})
        return {**post, **{key: value for key, value in row.items() if value not in (None, "")}}

    def seo(self, meta: dict, *, done: list, notes: list[str]) -> dict:
        """Search and social fields: Ghost's meta title and description, else its Open Graph
        or X (Twitter) ones; the social image from og_image or twitter_image."""

        def first(*names: str) -> str:
            return next((plain(str(meta[n])) for n in names if meta.get(n)), "")

        title = first("meta_title", "og_title", "twitter_title")
        description = first("meta_description", "og_description", "twitter_description")
        src = first("og_image", "twitter_image")
        image = self.image(src, alt="", done=done, notes=notes) if src else None
        if not (title or description or image):
            return {}
        return {
            "seo_title": " ".join(title.split())[:255],
            "search_description": description,
            "social_image": image,
        }

    def body(self, post: dict, *, done: list, notes: list[str]) -> list[dict]:
        post_id = _id(post)

        def article(href: str) -> int | None:
            target = self.links.source_id_for(href)
            return None if target in self.page_ids else self.links.page_id(href, current=post_id)

        body, found = convert_post(
            post,
            lambda src, alt: _pk(self.image(src, alt=alt, done=done, notes=notes)),
            resolve_page=lambda href: self.links.page_id(href, current=post_id),
            resolve_article=article,
        )
        notes += found
        return body

    # Images -----------------------------------------------------------------------------

    def image(self, src: str, *, alt: str, done: list, notes: list[str]):
        """The imported image for a Ghost image URL, or None (with a note) when it is not in
        the local images folder. Images from other hosts are never fetched."""
        if not src:
            return None
        match = IMAGE_PATH.match(src)
        if match is None:
            notes.append(f"image {src[:120]} is not in the site's content/images: not fetched")
            return None
        relative = unquote(match.group(1))
        if self.images is None:
            notes.append(f"image {relative} left out: no --images folder given")
            return None
        file = self.image_file(relative)
        if file is None:
            notes.append(f"image {relative} not found in {self.images.name}/")
            return None
        # Keyed on the file and its alt text, so that two posts describing the same file
        # differently do not overwrite each other's on every run.
        source_id = f"image:{relative}" + (f"#{checksum(alt)[:12]}" if alt else "")
        try:
            result = upsert_image(source=SOURCE, source_id=source_id[:255], file=file, alt_text=alt)
        except ValidationError as error:
            notes.append(f"image {relative} left out: {reason_for(error)}")
            return None
        done.append(result)
        return result.obj

    def image_file(self, relative: str) -> Path | None:
        root = self.images
        for base in (root, root / "content" / "images", root / "images"):
            candidate = (base / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


def standard_body(body: list[dict]) -> list[dict]:
    """Standard pages take paragraphs, subheadings, quotes and images only."""
    out = []
    for block in body:
        kind, value = block["type"], block["value"]
        if kind in ("paragraph", "subheading", "quote", "image"):
            out.append(block)
        elif kind == "pull_quote":
            out.append({"type": "quote", "value": value})
        elif kind == "fact_box":
            items = "".join(f"<br>• {escape(item)}" for item in value["items"])
            title = escape(value["title"])
            out.append({"type": "paragraph", "value": f"<p><b>{title}</b>{items}</p>"})
        elif kind in ("embed", "related_link"):
            url = value.get("embed") or value.get("url")
            title = value.get("title") or value.get("caption") or url
            link = f'<a href="{escape(url)}">{escape(title)}</a>'
            out.append({"type": "paragraph", "value": f"<p>{link}</p>"})
    return out


def _is_page(post: dict) -> bool:
    return post.get("type") == "page" or post.get("page") in (True, 1)


def _id(row: dict) -> str:
    value = row.get("id")
    if value in (None, ""):
        raise ItemError("it has no id")
    return str(value)


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None
