"""A WordPress post's HTML as article body blocks.

Handles the three shapes WordPress content comes in, often mixed in one site:
- Gutenberg: `<!-- wp:paragraph -->...<!-- /wp:paragraph -->` comments around each block;
- the classic editor: bare paragraphs separated by blank lines (what `wpautop` turns into
  `<p>` when WordPress shows the post) between a few HTML elements;
- shortcodes: `[caption]` becomes a figure with its caption, `[embed]` an embed block,
  `[gallery ids=...]` one figure per image; other shortcodes are dropped, keeping their text.

Paragraph HTML is cleaned with nh3 down to what the paragraph block allows (bold, italic,
links, super- and subscript). Images and links are resolved through the `Resolver` the
importer gives: an image that was not imported is left out (and noted), a link to an
imported post becomes a Wagtail page link, so it follows the article if it moves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment as HTMLComment

from newsdesk.importers import blocks
from newsdesk.importers.links import rewrite_links
from newsdesk.importers.runner import ItemError

INLINE_TAGS = {"a", "b", "strong", "i", "em", "sup", "sub"}
DROPPED = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "hr",
           "br", "noscript", "table", "svg", "video", "audio", "canvas", "template"}  # fmt: skip
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "center"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED_BLOCKS = {"separator", "spacer", "more", "nextpage", "shortcode-placeholder"}
# Hosts WordPress turns into players when their URL stands alone on a line.
AUTO_EMBED = re.compile(
    r"^https?://(www\.)?(youtube\.com/watch|youtu\.be/|vimeo\.com/|twitter\.com/|x\.com/|"
    r"soundcloud\.com/|instagram\.com/p/|open\.spotify\.com/|tiktok\.com/)\S*$"
)
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)([^\]]*)\]", re.IGNORECASE)
SHORTCODE_ATTR = re.compile(r"""([a-z_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))""", re.I)
SELF_CLOSING_SHORTCODES = {"gallery", "audio", "video", "playlist", "embed"}
GUTENBERG = re.compile(
    r"<!--\s+(?P<close>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")


@dataclass
class Resolver:
    """What the importer knows: image ids for attachments, page ids for old links."""

    image: Callable[[str, str], int | None] = lambda attachment_id, src: None
    page: Callable[[str], int | None] = lambda href: None
    notes: list[str] = field(default_factory=list)


def to_blocks(html: str, resolver: Resolver) -> list[dict]:
    """The body blocks for a post's `content:encoded`; `ItemError` if it cannot be read."""
    try:
        return _to_blocks(html, resolver)
    except RecursionError:  # thousands of nested elements: this post fails alone
        raise ItemError("the post's HTML is nested too deeply to convert") from None


def _to_blocks(html: str, resolver: Resolver) -> list[dict]:
    html = expand_shortcodes(html or "")
    if GUTENBERG.search(html):
        out: list[dict] = []
        for name, attrs, chunk in gutenberg_blocks(html):
            if name is None:
                _convert(chunk, resolver, out, autop=True)
            elif name in SKIPPED_BLOCKS:
                continue
            elif name == "embed" or name.startswith("core-embed/"):
                url = str(attrs.get("url", "")).strip()
                soup = BeautifulSoup(chunk, "html.parser")
                caption = soup.find("figcaption")
                out += _embed(url, caption.get_text(" ", strip=True) if caption else "", resolver)
            else:
                hint = str(attrs.get("id", "")) if name in ("image", "core/image") else ""
                _convert(chunk, resolver, out, autop=False, image_hint=hint)
        return out
    return _convert(html, resolver, [], autop=True)


def gutenberg_blocks(html: str):
    """Top-level (name, attrs, inner HTML) triples; name is None for freeform HTML between
    blocks. Inner block comments are removed: their HTML is standard and read as such."""
    depth, start, opened, last = 0, 0, None, 0
    for match in GUTENBERG.finditer(html):
        name = match["name"].removeprefix("core/")
        if depth == 0 and match.start() > last and html[last : match.start()].strip():
            yield None, {}, html[last : match.start()]
        if match["void"]:
            if depth == 0:
                yield name, _attrs(match["attrs"]), ""
                last = match.end()
        elif match["close"]:
            depth = max(0, depth - 1)
            if depth == 0 and opened is not None:
                inner = GUTENBERG.sub("", html[start : match.start()])
                yield opened[0], opened[1], inner
                opened, last = None, match.end()
        else:
            if depth == 0:
                opened, start = (name, _attrs(match["attrs"])), match.end()
            depth += 1
    if opened is not None:  # a block never closed: keep its HTML
        yield opened[0], opened[1], GUTENBERG.sub("", html[start:])
    elif html[last:].strip():
        yield None, {}, html[last:]


def _attrs(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# Shortcodes -------------------------------------------------------------------------------


def expand_shortcodes(html: str) -> str:
    closed = {m[2].lower() for m in SHORTCODE.finditer(html) if m[1]}

    def attrs_of(text: str) -> dict[str, str]:
        return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in SHORTCODE_ATTR.finditer(text)}

    html = re.sub(
        r"\[caption([^\]]*)\](.*?)\[/caption\]",
        lambda m: _caption_figure(attrs_of(m[1]), m[2]),
        html,
        flags=re.DOTALL | re.IGNORECASE,
    )
    html = re.sub(
        r"\[embed[^\]]*\](.*?)\[/embed\]",
        lambda m: f'<figure data-embed="{escape(m[1].strip())}"></figure>',
        html,
        flags=re.DOTALL | re.IGNORECASE,
    )

    def other(match: re.Match) -> str:
        name = match[2].lower()
        if name == "gallery" and not match[1]:
            ids = re.findall(r"\d+", attrs_of(match[3]).get("ids", ""))
            return "".join(f'<figure data-attachment="{n}"></figure>' for n in ids)
        if name in closed or name in SELF_CLOSING_SHORTCODES:
            return ""  # the tag goes, any text it wrapped stays
        return match[0]  # "[sic]", "[1]": not a shortcode

    return SHORTCODE.sub(other, html)


def _caption_figure(attrs: dict[str, str], inner: str) -> str:
    attachment = re.sub(r"\D", "", attrs.get("id", ""))
    soup = BeautifulSoup(inner, "html.parser")
    image = soup.find("img")
    caption = attrs.get("caption", "")
    if image is not None:
        (image.find_parent("a") or image).extract()
        caption = caption or soup.get_text(" ", strip=True)
    src = escape(image.get("src", "")) if image is not None else ""
    alt = escape(image.get("alt", "")) if image is not None else ""
    return (
        f'<figure data-attachment="{attachment}"><img src="{src}" alt="{alt}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


# HTML -------------------------------------------------------------------------------------


def _convert(
    html: str, resolver: Resolver, out: list[dict], *, autop: bool, image_hint: str = ""
) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    _walk(soup.contents, out, resolver, autop=autop, image_hint=image_hint)
    return out


def _walk(nodes, out: list[dict], resolver: Resolver, *, autop: bool, image_hint: str) -> None:
    inline: list[str] = []

    def flush() -> None:
        text = "".join(inline)
        inline.clear()
        chunks = re.split(r"\n\s*\n", text) if autop else [text]
        for chunk in chunks:
            out.extend(_paragraph(chunk, resolver))

    for node in list(nodes):
        if isinstance(node, HTMLComment):
            continue
        if isinstance(node, NavigableString):
            inline.append(escape(str(node), quote=False))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name.lower()
        if name in INLINE_TAGS or name not in _BLOCK_TAGS:
            if name in DROPPED:
                continue
            inline.append(str(node))
            continue
        flush()
        _block(node, name, out, resolver, autop=autop, image_hint=image_hint)
    flush()


def _block(node: Tag, name: str, out, resolver: Resolver, *, autop: bool, image_hint: str):
    if name == "p":
        images = node.find_all("img")
        if images and not node.get_text(strip=True):
            for image in images:
                out.extend(_figure(image, "", resolver, image_hint))
        else:
            out.extend(_paragraph(node.decode_contents(), resolver))
    elif name in HEADINGS:
        text = " ".join(node.get_text(" ").split())
        if text:
            out.append(blocks.subheading(text[:255]))
    elif name == "blockquote":
        out.extend(_quote(node))
    elif name in ("ul", "ol"):
        items = [" ".join(li.get_text(" ").split()) for li in node.find_all("li")]
        items = [item[:255] for item in items if item]
        if items:
            title = "At a glance"
            if out and out[-1]["type"] == "paragraph":
                lead = re.sub(r"<[^>]+>", "", out[-1]["value"]).strip()
                if lead.endswith(":") and len(lead) <= 80:  # "Key facts:" titles its list
                    out.pop()
                    title = unescape(lead[:-1])
            out.append(blocks.fact_box(items=items, title=title))
    elif name == "figure":
        _figure_element(node, out, resolver, image_hint)
    elif name == "img":
        out.extend(_figure(node, "", resolver, image_hint))
    elif name in ("pre", "code"):
        out.extend(_paragraph(escape(node.get_text(), quote=False), resolver))
    elif name in CONTAINERS:
        _walk(node.contents, out, resolver, autop=autop, image_hint=image_hint)
    # DROPPED elements (scripts, frames, tables, rules) leave nothing behind.


_BLOCK_TAGS = {"p", "blockquote", "ul", "ol", "figure", "img", "pre", "code"}
_BLOCK_TAGS |= HEADINGS | CONTAINERS | DROPPED - INLINE_TAGS


def _figure_element(node: Tag, out, resolver: Resolver, image_hint: str) -> None:
    caption_tag = node.find("figcaption")
    caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
    wrapper = node.find(class_="wp-block-embed__wrapper")
    if node.get("data-embed") is not None or wrapper is not None:
        url = node.get("data-embed") or (wrapper.get_text(strip=True) if wrapper else "")
        out.extend(_embed(url, caption, resolver))
    elif node.find("blockquote") is not None:
        out.extend(_quote(node.find("blockquote")))
    elif node.find("img") is not None:
        hint = node.get("data-attachment") or image_hint
        for image in node.find_all("img"):
            out.extend(_figure(image, caption, resolver, hint))
    elif node.get("data-attachment"):
        out.extend(_figure(None, caption, resolver, node["data-attachment"]))


def _figure(image: Tag | None, caption: str, resolver: Resolver, hint: str) -> list[dict]:
    src = image.get("src", "") if image is not None else ""
    found = IMAGE_CLASS.search(" ".join(image.get("class", []))) if image is not None else None
    attachment = found[1] if found else hint
    image_id = resolver.image(attachment, src)
    if image_id is None:
        resolver.notes.append(f"image left out (not imported): {src or 'attachment ' + hint}")
        return []
    return [blocks.figure(image_id=image_id, caption=caption)]


def _quote(node: Tag) -> list[dict]:
    attribution = ""
    for cite in node.find_all(["cite", "footer"]):
        attribution = attribution or " ".join(cite.get_text(" ").split())
        cite.extract()
    paragraphs = [" ".join(p.get_text(" ").split()) for p in node.find_all("p")]
    text = "\n\n".join(p for p in paragraphs if p) or " ".join(node.get_text(" ").split())
    if not text:
        return []
    return [blocks.quote(text, attribution=attribution.lstrip("—–- ")[:255])]


def _embed(url: str, caption: str, resolver: Resolver) -> list[dict]:
    url = unescape(url).strip()
    if not re.match(r"^https?://\S+$", url):
        resolver.notes.append(f"embed left out (not a web address): {url[:80]!r}")
        return []
    return [{"type": "embed", "value": {"embed": url, "caption": caption}}]


def _paragraph(html: str, resolver: Resolver) -> list[dict]:
    text = " ".join(html.split())
    if not text:
        return []
    if AUTO_EMBED.match(unescape(text)):
        return _embed(text, "", resolver)
    cleaned = nh3.clean(
        text,
        tags=INLINE_TAGS,
        attributes={"a": {"href"}, "*": set()},
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    )
    cleaned = re.sub(r"<(/?)strong>", r"<\1b>", cleaned)
    cleaned = re.sub(r"<(/?)em>", r"<\1i>", cleaned)
    cleaned = rewrite_links(cleaned, resolver.page).strip()
    if not re.sub(r"<[^>]+>", "", cleaned).strip():
        return []
    return [blocks.paragraph_html(f"<p>{cleaned}</p>")]


def plain_text(html: str) -> str:
    """An excerpt or caption as one line of plain text."""
    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


def text_lines(html: str) -> str:
    """A comment as plain text, keeping its line breaks and paragraphs."""
    text = BeautifulSoup(html or "", "html.parser").get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
