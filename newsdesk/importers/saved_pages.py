"""Saved web pages (an old site that survives only as HTML files) into draft articles.

`trafilatura` finds the article in the page, leaving out navigation, sidebars, share buttons
and footers, and reads its title, author and date. The text it keeps is written out as copy
(headline, "By" line, paragraphs, `## ` subheadings, lists, quotes, then the page's reader
comments) and structured by the same rules as pasted copy (`text.py`): datelines, credits,
quotes, comment threads. Each page becomes a draft for an editor, like pasted copy.

The lead image is the article's first figure: its file is read from beside the saved page
(the `page_files/` folder browsers write), never fetched, and its `<figcaption>` gives the
caption and credit. HTML is only parsed (lxml, through trafilatura): nothing in it is loaded.
A page is keyed on its canonical URL, or on its content when it names none, so re-importing
the same pages updates their drafts instead of adding more.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import trafilatura
from django.core.exceptions import ValidationError
from lxml import etree

from newsdesk.articles.models import ArticlePage, SectionPage

from . import text_rules
from .intake import IntakeResult, draft_from_copy
from .records import Upserted
from .runner import ItemError, reason_for
from .services import upsert_image
from .text import parse_copy

SOURCE = "html"
MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".html", ".htm", ".xhtml")
CHROME = re.compile(
    r"(?:^|[\s_-])(?:menu|nav|navbar|navigation|footer|sidebar|breadcrumbs?|share|sharing"
    r"|social|newsletter|advert|advertisement|ad-slot|ads|trending|banner|contentinfo)(?:[\s_-]|$)"
)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NAME_LINE = re.compile(r"[A-ZÀ-Þ@][\w'’.-]*(?: [A-ZÀ-Þ][\w'’.-]*){0,3}")


@dataclass
class LeadImage:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class SavedPage:
    title: str = ""
    author: str = ""
    date: date | None = None
    url: str = ""  # canonical, when the page names one
    copy: str = ""  # the article as raw copy, for parse_copy
    lead_image: LeadImage | None = None


def parse_html(html: bytes):
    """The page as an lxml tree. Parsing reads no DTD, entity or URL the page names."""
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ItemError(f"not an HTML page ({error})") from None
    # lxml keeps control characters it parsed but refuses them when text is moved (dropping an
    # element moves its tail): they are noise in a page anyway.
    for node in tree.iter():
        if node.text and CONTROL.search(node.text):
            node.text = CONTROL.sub("", node.text)
        if node.tail and CONTROL.search(node.tail):
            node.tail = CONTROL.sub("", node.tail)
    return tree


def strip_chrome(tree):
    """Take out what is plainly not the article, which trafilatura can miss on older sites:
    navigation, sidebars and footers by element or by name, and layout tables (a table whose
    cells hold headings or paragraphs is page layout, not data, so its cells become blocks)."""
    for node in list(tree.iter("nav", "footer", "aside", "form", "script", "style")):
        node.drop_tree()
    for node in list(tree.xpath("//*[@class or @id or @role]")):
        names = f"{node.get('class', '')} {node.get('id', '')} {node.get('role', '')}"
        if node.tag not in ("html", "body") and CHROME.search(names.lower()):
            node.drop_tree()
    for table in list(tree.iter("table")):
        if table.xpath(".//td//h1 | .//td//h2 | .//td//p[string-length(normalize-space()) > 80]"):
            for cell in table.iter("table", "thead", "tbody", "tr", "td", "th"):
                cell.tag = "div"
    return tree


def read_page(html: bytes) -> SavedPage:
    """The article in a saved page, or ItemError when there is none to find."""
    doc = trafilatura.bare_extraction(
        strip_chrome(parse_html(html)),
        with_metadata=True,
        include_comments=True,
        include_images=True,
        include_tables=True,
        include_formatting=False,
    )
    if doc is None or doc.body is None or not "".join(doc.body.itertext()).strip():
        raise ItemError("no article text found in the page")
    page = SavedPage(
        title=" ".join((doc.title or "").split()),
        author=" ".join((doc.author or "").split()),
        url=doc.url if (doc.url or "").startswith(("http://", "https://")) else "",
    )
    try:
        page.date = date.fromisoformat(doc.date) if doc.date else None
    except ValueError:
        page.date = None
    lines = [page.title] if page.title else []
    if page.author:
        lines.append(f"By {page.author}")
    body = _copy_lines(doc.body, title=page.title)
    if not body:
        raise ItemError("no article text found in the page")
    lines += body
    if doc.commentsbody is not None and "".join(doc.commentsbody.itertext()).strip():
        lines += _comment_lines(doc.commentsbody)
    page.copy = "\n\n".join(lines)
    graphic = next(doc.body.iter("graphic"), None)
    if graphic is not None and graphic.get("src"):
        page.lead_image = _lead_image(html, graphic.get("src"), graphic.get("alt") or "")
    return page


def _text(node) -> str:
    return " ".join("".join(node.itertext()).split())


def _copy_lines(body, *, title: str) -> list[str]:
    """trafilatura's XML (head, p, list, quote) as lines of copy in the intake's markup."""
    lines: list[str] = []
    for node in body:
        text = _text(node)
        if node.tag == "head" and text:
            if text != title:
                lines.append(f"## {text}")
        elif node.tag == "list":
            lines.append("\n".join(f"- {_text(item)}" for item in node.iter("item")))
        elif node.tag == "quote" and text:
            lines.append(f"> {text}")
        elif node.tag != "graphic" and text:
            lines.append(text)
    return lines


def _comment_lines(body) -> list[str]:
    """The page's comments as copy: a "Comments" heading, then each commenter's name (a line
    that is only a name, as comment templates print it) as "NAME says:" over their text."""
    texts = [_text(node) for node in body if _text(node)]
    lines = ["Comments"]
    if texts and text_rules.COMMENTS_HEADING.match(texts[0].lstrip("# ")):
        texts = texts[1:]
    for n, text in enumerate(texts):
        if NAME_LINE.fullmatch(text) and n + 1 < len(texts):
            lines.append(f"{text} says:")
        else:
            lines.append(text)
    return lines


def _lead_image(html: bytes, src: str, alt: str) -> LeadImage:
    """The page's own figure for the image, for its caption (split from a credit)."""
    image = LeadImage(src=src, alt=" ".join(alt.split()))
    for img in parse_html(html).iter("img"):
        if img.get("src") != src:
            continue
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = figure.find(".//figcaption") if figure is not None else None
        if caption is not None:
            text = _text(caption)
            image.caption, image.credit = text_rules.split_caption(text) or (text, "")
        break
    return image


def source_id_for(page: SavedPage, html: bytes) -> str:
    if page.url:
        return f"url:{page.url}"[:255]
    return f"sha256:{hashlib.sha256(html).hexdigest()}"


def page_files(root: Path) -> list[Path]:
    """A file, or every saved page under a folder (sorted, so runs go in the same order)."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


@dataclass
class SavedPageResult:
    intake: IntakeResult
    image: Upserted | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Upserted]:
        return [*([self.image] if self.image else []), *self.intake.changes]


def import_saved_page(*, path: Path, section: SectionPage, owner=None) -> SavedPageResult:
    """Make (or update) the draft for one saved page, with its lead image if saved with it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ItemError(f"larger than {MAX_BYTES // 1024 // 1024} MB: not a saved article")
        html = path.read_bytes()
    except OSError as error:
        raise ItemError(error.strerror or str(error)) from None
    page = read_page(html)
    source_id = f"page:{source_id_for(page, html)}"[:255]
    # A dateline's missing year is the one nearest the page's own date.
    parsed = parse_copy(page.copy, today=page.date)
    if page.title:
        parsed.headline = page.title
    if parsed.dateline_date is None and page.date is not None:
        parsed.dateline_date = page.date
    notes: list[str] = []
    image = None
    if page.lead_image is not None:
        parsed.lead_image_caption = page.lead_image.caption or parsed.lead_image_caption
        parsed.lead_image_credit = page.lead_image.credit or parsed.lead_image_credit
        image = _upsert_lead_image(page.lead_image, page_path=path, key=source_id, notes=notes)
    intake = draft_from_copy(parsed=parsed, section=section, source_id=source_id, owner=owner)
    if image is not None:
        _set_lead_image(intake.article.obj, image.obj)
    return SavedPageResult(intake=intake, image=image, notes=notes + intake.notes)


def _upsert_lead_image(
    lead: LeadImage, *, page_path: Path, key: str, notes: list[str]
) -> Upserted | None:
    parts = urlsplit(lead.src)
    if parts.scheme or parts.netloc:
        notes.append(f"lead image {lead.src[:120]} is not saved with the page: not fetched")
        return None
    folder = page_path.parent.resolve()
    file = (folder / unquote(parts.path)).resolve()
    if not file.is_relative_to(folder) or not file.is_file():
        notes.append(f"lead image {parts.path[:120]} not found beside the page")
        return None
    try:
        return upsert_image(
            source=SOURCE,
            source_id=f"{key}#lead"[:255],
            file=file,
            caption=lead.caption,
            credit=lead.credit,
            alt_text=lead.alt,
        )
    except ValidationError as error:
        notes.append(f"lead image {file.name} left out: {reason_for(error)}")
        return None


def _set_lead_image(page: ArticlePage, image) -> None:
    """The draft's lead image (intake drafts have none of their own)."""
    draft = page.get_latest_revision_as_object()
    if draft.lead_image_id == image.pk:
        return
    draft.lead_image = image
    draft.save_revision()
    if not page.live:
        ArticlePage.objects.filter(pk=page.pk).update(lead_image=image)
