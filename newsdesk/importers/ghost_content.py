"""Ghost post content (Mobiledoc, Lexical, HTML cards) as Newsdesk body blocks.

Pure conversion: images, and links to the site's own posts, are resolved through callbacks,
so nothing here reads files or the network. Inline markup is limited to what our paragraphs allow (bold, italic, links,
superscript, subscript) and every HTML string that leaves here has been through nh3. Cards
with no Newsdesk equivalent (signup forms, paywalls, buttons, audio) are dropped with a note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape

import lxml.html
import nh3
from django.utils.html import escape, strip_tags
from lxml import etree

from . import blocks
from .links import rewrite_links
from .runner import ItemError

INLINE_TAGS = {"b", "i", "a", "sup", "sub", "br"}
TAG_NAMES = {"strong": "b", "b": "b", "em": "i", "i": "i", "a": "a", "sup": "sup", "sub": "sub"}
URL_SCHEMES = {"http", "https", "mailto"}
# Lexical text format bits: bold 1, italic 2, subscript 32, superscript 64.
LEXICAL_FORMATS = ((1, "b"), (2, "i"), (32, "sub"), (64, "sup"))
DROPPED_CARDS = {
    "signup", "paywall", "email", "email-cta", "button", "product", "audio", "video", "file",
    "header", "collection", "transistor",
}  # fmt: skip

# resolve(src, alt) -> a Wagtail image id, or None when the file is not available.
ImageResolver = Callable[[str, str], int | None]
# resolve(href) -> the id of the page a link to the old site's own post now points at.
PageResolver = Callable[[str], int | None]


def no_page(href: str) -> int | None:
    return None


@dataclass
class Converter:
    resolve_image: ImageResolver
    resolve_page: PageResolver = no_page  # links in paragraphs
    resolve_article: PageResolver = no_page  # bookmark cards, which link articles only
    notes: list[str] = field(default_factory=list)
    body: list[dict] = field(default_factory=list)

    # Shared by both formats -----------------------------------------------------------

    def paragraph(self, html: str) -> None:
        html = rewrite_links(clean_inline(html), self.resolve_page)
        if strip_tags(html).strip():
            self.body.append(blocks.paragraph_html(f"<p>{html}</p>"))

    def heading(self, text: str) -> None:
        text = " ".join(unescape(strip_tags(text)).split())
        if text:
            self.body.append(blocks.subheading(text[:255]))

    def quote(self, html: str, *, pull: bool = False) -> None:
        text = plain(html)
        if not text:
            return
        # A last line "— Name" is who said it.
        attribution = ""
        said = re.match(r"(?s)(.+?)\s*[—–-]{1,2}\s*([^\n—–-]{2,80})$", text)
        if said and "\n" in text:
            text, attribution = said.group(1).strip(), said.group(2).strip()
        block = blocks.quote(text, attribution=attribution)
        if pull:
            block["type"] = "pull_quote"
        self.body.append(block)

    def list(self, items: list[str]) -> None:
        items = [plain(item)[:255] for item in items]
        items = [item for item in items if item]
        if not items:
            return
        # As in copy intake: a short lead-in ending with a colon titles the box.
        title = "At a glance"
        last = self.body[-1] if self.body else None
        if last and last["type"] == "paragraph":
            lead_in = plain(last["value"])
            if lead_in.endswith(":") and len(lead_in.split()) <= 8:
                title = lead_in.rstrip(":").strip()
                self.body.pop()
        self.body.append(blocks.fact_box(items=items, title=title))

    def image(self, src: str, *, alt: str = "", caption: str = "") -> None:
        image_id = self.resolve_image(src, plain(alt))
        if image_id is not None:
            self.body.append(blocks.figure(image_id=image_id, caption=plain(caption)))

    def card(self, name: str, payload: dict) -> None:
        """A Ghost card: the same payload keys in Mobiledoc and Lexical."""
        if name == "image":
            self.image(payload.get("src") or "", alt=payload.get("alt") or "",
                       caption=payload.get("caption") or "")  # fmt: skip
        elif name == "gallery":
            for image in payload.get("images") or []:
                self.image(image.get("src") or "", alt=image.get("alt") or "",
                           caption=image.get("caption") or "")  # fmt: skip
        elif name == "html":
            self.html(payload.get("html") or "")
        elif name == "markdown":
            self.markdown(payload.get("markdown") or "")
        elif name == "embed":
            self.embed(payload.get("url") or "", caption=payload.get("caption") or "")
        elif name == "bookmark":
            metadata = payload.get("metadata") or {}
            url = payload.get("url") or metadata.get("url") or ""
            page = self.resolve_article(url) if isinstance(url, str) else None
            if page is not None:  # one of the site's own posts: the article, under its headline
                value = {"page": page, "url": "", "title": ""}
                self.body.append({"type": "related_link", "value": value})
            elif safe_url(url):
                title = plain(metadata.get("title") or "") or url
                value = {"page": None, "url": url, "title": title[:255]}
                self.body.append({"type": "related_link", "value": value})
        elif name == "callout":
            self.paragraph(payload.get("calloutText") or "")
        elif name == "toggle":
            self.heading(payload.get("heading") or payload.get("toggleHeading") or "")
            self.html(payload.get("content") or payload.get("toggleContent") or "")
        elif name in ("code", "codeblock"):
            self.paragraph(escape(payload.get("code") or ""))
        elif name in ("hr", "horizontalrule"):
            pass
        elif name in DROPPED_CARDS:
            self.notes.append(f"a {name} card has no Newsdesk equivalent and was left out")
        else:
            self.notes.append(f"unknown card {name!r} left out")

    def embed(self, url: str, *, caption: str = "") -> None:
        if safe_url(url) and not url.startswith("mailto:"):
            self.body.append({"type": "embed", "value": {"embed": url, "caption": plain(caption)}})

    # HTML and Markdown cards ------------------------------------------------------------

    def html(self, html: str) -> None:
        """An HTML card, sanitised with nh3 first, read block by block."""
        cleaned = nh3.clean(
            html,
            tags=INLINE_TAGS | set(TAG_NAMES) | {"p", "h1", "h2", "h3", "h4", "h5", "h6",
                                                 "blockquote", "ul", "ol", "li", "figure",
                                                 "img", "figcaption", "div", "iframe"},
            attributes={"a": {"href"}, "img": {"src", "alt"}, "iframe": {"src"}},
            url_schemes=URL_SCHEMES,
            link_rel=None,
        )  # fmt: skip
        if not cleaned.strip():
            return
        try:
            nodes = lxml.html.fragments_fromstring(cleaned)
        except (etree.ParserError, ValueError):
            self.notes.append("an HTML card could not be read and was left out")
            return
        for node in nodes:
            if isinstance(node, str):
                self.paragraph(escape(node))
            else:
                self.html_element(node)
                self.paragraph(escape(node.tail or ""))

    def html_element(self, node) -> None:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(node.text_content())
        elif tag == "blockquote":
            self.quote(inner_html(node))
        elif tag in ("ul", "ol"):
            self.list([inner_html(li) for li in node.iter("li")])
        elif tag == "figure" or tag == "img":
            img = node if tag == "img" else next(node.iter("img"), None)
            caption = next(node.iter("figcaption"), None)
            if img is not None:
                self.image(img.get("src") or "", alt=img.get("alt") or "",
                           caption=caption.text_content() if caption is not None else "")  # fmt: skip
        elif tag == "iframe":
            self.embed(node.get("src") or "")
        elif tag == "div":
            if node.text and node.text.strip():
                self.paragraph(escape(node.text))
            for child in node:
                self.html_element(child)
                self.paragraph(escape(child.tail or ""))
        else:  # p, or inline markup at the top level
            self.paragraph(inner_html(node) if tag == "p" else outer_html(node, tail=False))

    def markdown(self, text: str) -> None:
        """The common part of Markdown: headings, quotes, lists, paragraphs, links, emphasis."""
        for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
            lines = [line.strip() for line in chunk.strip().split("\n")]
            if not lines or not lines[0]:
                continue
            if lines[0].startswith("#"):
                self.heading(lines[0].lstrip("#"))
                lines = lines[1:]
                if not lines:
                    continue
            if all(line.startswith(">") for line in lines):
                self.quote("\n".join(markdown_inline(line.lstrip("> ")) for line in lines))
            elif all(re.match(r"([-*+]|\d+[.)])\s", line) for line in lines):
                self.list([markdown_inline(re.sub(r"^([-*+]|\d+[.)])\s+", "", x)) for x in lines])
            else:
                self.paragraph(markdown_inline(" ".join(lines)))

    # Mobiledoc ------------------------------------------------------------------------

    def mobiledoc(self, doc: dict) -> None:
        markups = doc.get("markups") or []
        atoms = doc.get("atoms") or []
        cards = doc.get("cards") or []
        for section in doc.get("sections") or []:
            kind = section[0]
            if kind == 1:  # markup section: [1, tag, markers]
                tag, html = str(section[1]).lower(), mobiledoc_markers(section[2], markups, atoms)
                if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    self.heading(html)
                elif tag == "blockquote":
                    self.quote(html)
                elif tag == "aside":
                    self.quote(html, pull=True)
                else:
                    self.paragraph(html)
            elif kind == 3:  # list section: [3, tag, items]
                self.list([mobiledoc_markers(item, markups, atoms) for item in section[2]])
            elif kind == 10:  # card section: [10, card index]
                name, payload = cards[section[1]]
                self.card(str(name), payload or {})
            elif kind == 2:  # image section: [2, src]
                self.image(str(section[1]))
            else:
                raise ValueError(f"unknown Mobiledoc section type {kind!r}")

    # Lexical --------------------------------------------------------------------------

    def lexical(self, doc: dict) -> None:
        for node in doc["root"].get("children") or []:
            kind = node.get("type")
            if kind in ("paragraph", "extended-text"):
                self.paragraph(lexical_inline(node.get("children") or []))
            elif kind in ("heading", "extended-heading"):
                self.heading(lexical_inline(node.get("children") or []))
            elif kind in ("quote", "extended-quote"):
                self.quote(lexical_inline(node.get("children") or []))
            elif kind == "aside":
                self.quote(lexical_inline(node.get("children") or []), pull=True)
            elif kind == "list":
                self.list(lexical_list_items(node))
            elif isinstance(kind, str):
                self.card(kind, node)
            else:
                raise ValueError("a Lexical node without a type")


def convert_post(
    post: dict,
    resolve_image: ImageResolver,
    *,
    resolve_page: PageResolver = no_page,
    resolve_article: PageResolver = no_page,
) -> tuple[list[dict], list[str]]:
    """A Ghost post's body blocks and notes, from its Lexical, else Mobiledoc, else HTML.
    Links to the site's own posts go through `resolve_page` (`resolve_article` for bookmark
    cards). Content that cannot be read raises ItemError naming the format."""
    converter = Converter(
        resolve_image=resolve_image, resolve_page=resolve_page, resolve_article=resolve_article
    )
    for name in ("lexical", "mobiledoc"):
        content = post.get(name)
        if not content:
            continue
        try:
            doc = json.loads(content) if isinstance(content, str) else content
            getattr(converter, name)(doc)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise ItemError(f"its {name.title()} content is malformed ({error})") from None
        except RecursionError:
            raise ItemError(f"its {name.title()} content is nested too deeply") from None
        break
    else:
        converter.html(str(post.get("html") or ""))
    return converter.body, converter.notes


def mobiledoc_markers(markers: list, markups: list, atoms: list) -> str:
    """Markers are [type, markups opened, how many close after, value]; type 1 is an atom."""
    out: list[str] = []
    open_tags: list[str | None] = []
    for kind, opens, closes, value in markers:
        for index in opens:
            markup = markups[index]
            tag = TAG_NAMES.get(str(markup[0]).lower())
            attrs = markup[1] if len(markup) > 1 else []
            if tag == "a":
                href = dict(zip(attrs[::2], attrs[1::2], strict=False)).get("href", "")
                out.append(f'<a href="{escape(href)}">')
            elif tag:
                out.append(f"<{tag}>")
            open_tags.append(tag)
        if kind == 1:
            name, text = atoms[value][0], atoms[value][1]
            out.append("<br>" if name == "soft-return" else escape(text))
        else:
            out.append(escape(value))
        for _ in range(closes):
            tag = open_tags.pop() if open_tags else None
            if tag:
                out.append(f"</{tag}>")
    out.extend(f"</{tag}>" for tag in reversed(open_tags) if tag)
    return "".join(out)


def lexical_inline(children: list) -> str:
    out: list[str] = []
    for node in children:
        kind = node.get("type")
        if kind in ("text", "extended-text"):
            html = escape(node.get("text") or "")
            fmt = node.get("format") or 0
            for bit, tag in LEXICAL_FORMATS:
                if isinstance(fmt, int) and fmt & bit:
                    html = f"<{tag}>{html}</{tag}>"
            out.append(html)
        elif kind == "linebreak":
            out.append("<br>")
        elif kind in ("link", "autolink"):
            inner = lexical_inline(node.get("children") or [])
            out.append(f'<a href="{escape(node.get("url") or "")}">{inner}</a>')
        elif node.get("children"):
            out.append(lexical_inline(node["children"]))
        elif node.get("text"):
            out.append(escape(node["text"]))
    return "".join(out)


def lexical_list_items(node: dict) -> list[str]:
    """A list's items, nested lists flattened after their parent item."""
    items: list[str] = []
    for item in node.get("children") or []:
        nested = [child for child in item.get("children") or [] if child.get("type") == "list"]
        inline = [child for child in item.get("children") or [] if child.get("type") != "list"]
        if inline:
            items.append(lexical_inline(inline))
        for child in nested:
            items.extend(lexical_list_items(child))
    return items


def markdown_inline(text: str) -> str:
    html = escape(text)
    html = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', html)
    html = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: f"<b>{m[1] or m[2]}</b>", html)
    return re.sub(r"(?<![\w*])[*_](\S.*?)[*_](?![\w*])", r"<i>\1</i>", html)


def clean_inline(html: str) -> str:
    """Rich text for a paragraph: only our inline tags, safe links, no attributes else."""
    html = re.sub(r"</?(strong|em)\b", lambda m: m[0].replace(m[1], "b" if m[1] == "strong" else "i"), html)  # fmt: skip
    cleaned = nh3.clean(
        html, tags=INLINE_TAGS, attributes={"a": {"href"}}, url_schemes=URL_SCHEMES, link_rel=None
    )
    # A link whose address nh3 refused (javascript:) is left as its text.
    return re.sub(r"<a>(.*?)</a>", r"\1", cleaned, flags=re.S).strip()


def plain(html: str) -> str:
    """Text of an HTML fragment, line breaks kept, spaces tidied."""
    text = re.sub(r"<br\s*/?>", "\n", html or "")
    text = unescape(strip_tags(text))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def safe_url(url: str) -> bool:
    return bool(re.match(r"(https?://[^\s/]+|mailto:)", url or ""))


def inner_html(node) -> str:
    parts = [escape(node.text or "")]
    parts += [outer_html(child) for child in node]
    return "".join(parts)


def outer_html(node, *, tail: bool = True) -> str:
    return lxml.html.tostring(node, encoding="unicode", with_tail=tail)
