"""Reading WordPress's export format (WXR 1.1 and 1.2), streamed, with hostile XML refused.

Pure Python, no models. `read(path)` yields the channel's authors, terms and items one at a
time and drops each element once read, so memory stays flat on a large export. The parser is
defusedxml's: a DTD, an entity declaration or an external reference stops the file with a
`WXRError` before anything is read from it, and nothing is fetched or opened on the file's
say-so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

# WXR 1.0-1.2 put the same names in versioned namespaces: map them all to short prefixes.
NAMESPACES = [
    (re.compile(r"^http://wordpress\.org/export/1\.\d+/excerpt/$"), "excerpt"),
    (re.compile(r"^http://wordpress\.org/export/1\.\d+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
]


class WXRError(Exception):
    """The file as a whole cannot be read (hostile, not XML, not a WordPress export)."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    login: str
    display_name: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    bio: str = ""

    @property
    def name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or self.login


@dataclass
class Term:
    taxonomy: str  # "category" or "post_tag" (others are read and ignored by the importer)
    term_id: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class Comment:
    id: str
    author: str = ""
    email: str = ""
    url: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"  # "1", "0" (pending), "spam", "trash"
    type: str = ""  # "", "comment", "pingback", "trackback"
    parent: str = "0"
    user_id: str = "0"


@dataclass
class Item:
    id: str
    title: str = ""
    link: str = ""
    guid: str = ""
    post_type: str = "post"
    status: str = ""
    slug: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date_gmt: str = ""
    modified_gmt: str = ""
    sticky: bool = False
    attachment_url: str = ""
    password: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, slug, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    @property
    def label(self) -> str:
        title = " ".join(self.title.split())[:60]
        return f"{self.post_type} {self.id} {title!r}" if title else f"{self.post_type} {self.id}"


def parse_gmt(value: str) -> datetime | None:
    """A WXR `*_gmt` date ("2024-03-14 09:30:00", UTC); WordPress writes zeros for none."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"bad date {value[:40]!r} (expected YYYY-MM-DD HH:MM:SS)") from None


def _name(tag: str) -> str:
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    for pattern, prefix in NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{local}"
    return local


def _children(element: Element) -> dict[str, str]:
    """Text of each simple child, by short name (the first of repeated names)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(_name(child.tag), (child.text or "").strip())
    return values


def _author(element: Element) -> Author:
    values = _children(element)
    bio = values.get("wp:author_description", "")
    for meta in element:
        if _name(meta.tag) == "wp:usermeta":
            pair = _children(meta)
            if pair.get("wp:meta_key") == "description" and not bio:
                bio = pair.get("wp:meta_value", "")
    return Author(
        login=values.get("wp:author_login", ""),
        display_name=values.get("wp:author_display_name", ""),
        email=values.get("wp:author_email", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
        bio=bio,
    )


def _term(element: Element, name: str) -> Term:
    v = _children(element)
    if name == "wp:category":
        return Term(
            "category",
            v.get("wp:term_id", ""),
            v.get("wp:category_nicename", ""),
            v.get("wp:cat_name", ""),
            v.get("wp:category_parent", ""),
            v.get("wp:category_description", ""),
        )
    if name == "wp:tag":
        return Term(
            "post_tag",
            v.get("wp:term_id", ""),
            v.get("wp:tag_slug", ""),
            v.get("wp:tag_name", ""),
            description=v.get("wp:tag_description", ""),
        )
    return Term(
        v.get("wp:term_taxonomy", ""),
        v.get("wp:term_id", ""),
        v.get("wp:term_slug", ""),
        v.get("wp:term_name", ""),
        v.get("wp:term_parent", ""),
        v.get("wp:term_description", ""),
    )


def _comment(element: Element) -> Comment:
    v = _children(element)
    return Comment(
        id=v.get("wp:comment_id", ""),
        author=v.get("wp:comment_author", ""),
        email=v.get("wp:comment_author_email", ""),
        url=v.get("wp:comment_author_url", ""),
        date_gmt=v.get("wp:comment_date_gmt", ""),
        content=v.get("wp:comment_content", ""),
        approved=v.get("wp:comment_approved", "1"),
        type=v.get("wp:comment_type", ""),
        parent=v.get("wp:comment_parent", "0") or "0",
        user_id=v.get("wp:comment_user_id", "0") or "0",
    )


def _item(element: Element) -> Item:
    v = _children(element)
    item = Item(
        id=v.get("wp:post_id", ""),
        title=v.get("title", ""),
        link=v.get("link", ""),
        guid=v.get("guid", ""),
        post_type=v.get("wp:post_type", "post") or "post",
        status=v.get("wp:status", ""),
        slug=v.get("wp:post_name", ""),
        creator=v.get("dc:creator", ""),
        content=v.get("content:encoded", ""),
        excerpt=v.get("excerpt:encoded", ""),
        date_gmt=v.get("wp:post_date_gmt", ""),
        modified_gmt=v.get("wp:post_modified_gmt", ""),
        sticky=v.get("wp:is_sticky", "0") == "1",
        attachment_url=v.get("wp:attachment_url", ""),
        password=v.get("wp:post_password", ""),
    )
    for child in element:
        name = _name(child.tag)
        if name == "category":
            domain = child.get("domain", "category")
            item.terms.append((domain, child.get("nicename", ""), (child.text or "").strip()))
        elif name == "wp:postmeta":
            pair = _children(child)
            item.meta.setdefault(pair.get("wp:meta_key", ""), pair.get("wp:meta_value", ""))
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


CHANNEL_FIELDS = {"title": "title", "link": "link", "wp:base_site_url": "base_site_url"}


def read(path: Path | str) -> Iterator[Channel | Author | Term | Item]:
    """Yield the `Channel` (once, before anything else), then authors, terms and items in
    file order. Raises `WXRError` naming the file for hostile or unreadable XML."""
    path = Path(path)
    channel, container, depth, sent = Channel(), None, 0, False
    try:
        with path.open("rb") as stream:
            for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                name = _name(element.tag)
                if event == "start":
                    depth += 1
                    if depth == 1 and name != "rss":
                        raise WXRError(f"{path}: not a WordPress export (root <{name}>, not <rss>)")
                    if depth == 2 and name == "channel":
                        container = element
                    continue
                depth -= 1
                if depth != 2 or container is None:
                    continue
                if name in CHANNEL_FIELDS:
                    setattr(channel, CHANNEL_FIELDS[name], (element.text or "").strip())
                elif name == "wp:wxr_version":
                    channel.wxr_version = (element.text or "").strip()
                else:
                    parsed = _parse_child(name, element)
                    if parsed is not None:
                        if not sent:
                            sent = True
                            yield _checked(channel, path)
                        yield parsed
                container.remove(element)  # read once: keep memory flat
    except DTDForbidden:
        raise WXRError(f"{path}: refused: the file declares a DTD (<!DOCTYPE>)") from None
    except EntitiesForbidden as error:
        raise WXRError(f"{path}: refused: the file declares entity {error.name!r}") from None
    except ExternalReferenceForbidden as error:
        raise WXRError(
            f"{path}: refused: the file refers to an external resource {error.sysid!r}"
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise WXRError(f"{path}: not well-formed XML (line {line}, column {column})") from None
    except OSError as error:
        raise WXRError(f"{path}: {error.strerror or error}") from None
    except (LookupError, ValueError) as error:  # an encoding the XML declares but expat lacks
        raise WXRError(f"{path}: cannot be decoded ({error})") from None
    if container is None:
        raise WXRError(f"{path}: not a WordPress export (no <channel>)")
    if not sent:
        yield _checked(channel, path)


def _parse_child(name: str, element: Element) -> Author | Term | Item | None:
    if name == "wp:author":
        return _author(element)
    if name in ("wp:category", "wp:tag", "wp:term"):
        return _term(element, name)
    if name == "item":
        return _item(element)
    return None


def _checked(channel: Channel, path: Path) -> Channel:
    if not channel.wxr_version:
        raise WXRError(f"{path}: not a WordPress export (no <wp:wxr_version>)")
    return channel
