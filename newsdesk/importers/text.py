"""Raw copy in, structure out: how a careful editor reads pasted newsroom text.

Pure Python (no models), so it can be tested on any copy and reused by other importers.
`parse_copy(text)` reads, top to bottom:

- a header: an optional headline (first line, short, no full stop) and standfirst, "By"
  bylines, a leading photo caption with its credit in final parentheses ("... (Photo: X)") or
  after "Photo:", and labelled lines ("Headline:", "Standfirst:", "Caption:", "Byline:");
- the body, whose first paragraph may open with a dateline: "(November 13, 2024) – ",
  "LONDON, Nov 13 (Reuters) - ", "WASHINGTON (AP) — ", "NAIROBI, Kenya — ", "13 November
  2024 – "; then paragraphs, subheadings (short lines with no final punctuation between
  paragraphs, or "## ..." or ALL CAPS), quotes ("> ..." lines, or a quoted line followed by
  "— who said it") and bullet lists;
- credits: "Editor: NAME", "Edited by", "Reporting by", "Photo:", "Translated by", "Written by",
  Reuters' "(Reporting by X; Editing by Y)", "X contributed to this report", "Tags: ...";
- after the last credits, the page's reader comments: a comment thread, never body text.

Nothing is invented: copy without a headline is flagged `needs_headline` with a
`suggested_headline` for the editor to accept or replace.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from . import text_rules as rules


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "subheading", "quote", "list"
    text: str = ""
    attribution: str = ""
    items: tuple[str, ...] = ()

    CODES = {"paragraph": "p", "subheading": "h2", "quote": "blockquote", "list": "ul"}

    @property
    def code(self) -> str:
        return self.CODES[self.kind]


@dataclass(frozen=True)
class Credit:
    role: str  # an ArticleCredit role, or "reporter" / "writer" (bylines by another name)
    name: str
    label: str  # as the copy put it: "Editor", "Reporting by"


@dataclass(frozen=True)
class Comment:
    author: str  # "Anonymous" when the page kept no name
    text: str
    reply_to: int | None = None  # index of the comment it answers


@dataclass
class ParsedCopy:
    headline: str | None = None
    suggested_headline: str = ""
    standfirst: str = ""
    bylines: list[str] = field(default_factory=list)
    byline_text: str = ""
    lead_image_caption: str = ""
    lead_image_credit: str = ""
    dateline_place: str = ""
    dateline_date: date | None = None
    dateline_agency: str = ""
    blocks: list[Block] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comment_lines: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was dropped or guessed

    @property
    def needs_headline(self) -> bool:
        return not self.headline

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    @property
    def subheadings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "subheading"]

    @property
    def body_block_order(self) -> list[str]:
        return [b.code for b in self.blocks]

    def credited(self, role: str) -> list[str]:
        return [c.name for c in self.credits if c.role == role]

    @property
    def editor_credit(self) -> str:
        return " and ".join(self.credited("editor"))


def normalise(text: str) -> str:
    """One form for pasted text: NFC, \\n line ends, no BOM, zero-width or odd spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = rules.INVISIBLE.sub("", text)
    text = rules.ODD_SPACE.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def units(text: str) -> list[str]:
    """The copy's paragraphs: one per line, or re-joined if the copy was hard-wrapped."""
    lines = [line.strip() for line in text.split("\n")]
    filled = [line for line in lines if line]
    width = max((len(line) for line in filled), default=0)
    wrapped = _is_hard_wrapped(lines, width)
    out: list[str] = []
    previous = ""
    for line in lines:
        if not line:
            previous = ""
            continue
        joins = (
            wrapped
            and previous
            and len(previous) + 1 + len(line.split()[0]) > width - 2
            and not rules.BULLET.match(line)
        )
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(" ".join(line.split()))
        previous = line
    return out


def _is_hard_wrapped(lines: list[str], width: int) -> bool:
    """Wrapped at a column: no line past ~100 characters, and most near-full lines end
    mid-sentence (a paragraph per line ends with punctuation)."""
    if not 30 <= width <= 100:
        return False
    full = [line for line in lines if len(line) >= width * 0.75]
    mid_sentence = [line for line in full if not rules.ENDS_SENTENCE.search(line)]
    return len(full) >= 3 and len(mid_sentence) * 2 >= len(full)


def parse_copy(text: str, *, today: date | None = None) -> ParsedCopy:
    today = today or date.today()
    result = ParsedCopy()
    items = units(normalise(text))
    start = _read_header(items, result, today)
    body, tail = _split_tail(items[start:], result)
    _read_body(body, result, today)
    _read_comments(tail, result)
    if not result.headline:
        result.suggested_headline = suggest_headline(result)
    return result


# Header -------------------------------------------------------------------------------


def _read_header(items: list[str], result: ParsedCopy, today: date) -> int:
    """Fill headline, standfirst, bylines and caption; return where the body starts."""
    i = 0
    while i < len(items):
        line = items[i]
        following = items[i + 1] if i + 1 < len(items) else None
        label = rules.LABEL.match(line)
        if label:
            _apply_label(result, label["label"].lower(), label["value"].strip())
        elif rules.MARKDOWN_HEADING.match(line) and i == 0:
            result.headline = rules.MARKDOWN_HEADING.sub("", line)
        elif byline := rules.parse_byline(line):
            names, desk = byline
            result.bylines += names
            result.byline_text = result.byline_text or desk
        elif credits := rules.parse_credit_line(line):
            if credits[0][0] == "photographer" and not result.lead_image_credit:
                # "Photo: NAME" under the caption (or before it) credits the lead image.
                result.lead_image_credit = line.strip("()")
            else:
                result.credits += [Credit(*credit) for credit in credits]
        elif not result.lead_image_caption and (caption := rules.split_caption(line)):
            result.lead_image_caption, result.lead_image_credit = caption
        elif rules.parse_dateline(line, today=today):
            return i
        elif (date_line := rules.DATE_LINE.match(line)) and not result.dateline_date:
            result.dateline_date = rules.parse_date(date_line["date"], today=today)
            result.notes.append(f"Date line {line!r} used as the dateline date.")
        elif i == 0 and following is not None and rules.looks_like_headline(line):
            result.headline = line
        elif (
            result.headline
            and not result.standfirst
            and not result.blocks
            and following is not None
            and not rules.NOTE_PARAGRAPH.match(line)
            and rules.opens_story(following, today=today)
            and len(line.split()) <= 60
        ):
            result.standfirst = line
        else:
            return i
        i += 1
    return i


def _apply_label(result: ParsedCopy, label: str, value: str) -> None:
    if label in ("headline", "title", "hed"):
        result.headline = value
    elif label in ("standfirst", "dek", "summary", "subhead", "subtitle", "strapline"):
        result.standfirst = value
    elif label == "caption":
        caption = rules.split_caption(value)
        result.lead_image_caption, result.lead_image_credit = caption or (value, "")
    elif label == "byline":
        names, desk = rules.parse_byline(f"By {value}") or ([], value)
        result.bylines += names
        result.byline_text = result.byline_text or desk


# Body ---------------------------------------------------------------------------------


def _read_body(items: list[str], result: ParsedCopy, today: date) -> None:
    i = 0
    while i < len(items):
        line = items[i]
        following = items[i + 1] if i + 1 < len(items) else None
        # The dateline opens the first paragraph, after any editor's note.
        if not result.dateline_place and all(_is_note(b) for b in result.blocks):
            dateline = rules.parse_dateline(line, today=today)
            if dateline:
                result.dateline_place = dateline.place
                result.dateline_date = dateline.date or result.dateline_date
                result.dateline_agency = dateline.agency
                line = dateline.rest
                if not line:
                    i += 1
                    continue
        if rules.is_boilerplate(line):
            result.notes.append(f"Dropped {line!r}.")
        elif rules.BULLET.match(line):
            run = []
            while i < len(items) and rules.BULLET.match(items[i]):
                run.append(rules.BULLET.sub("", items[i]))
                i += 1
            result.blocks.append(Block("list", items=tuple(run)))
            continue
        elif line.startswith(">"):
            run = []
            while i < len(items) and items[i].startswith(">"):
                run.append(items[i].lstrip("> ").strip())
                i += 1
            text, attribution = rules.split_attribution(" ".join(run).strip())
            if text:
                result.blocks.append(Block("quote", text, attribution))
            continue
        elif (quote := rules.quote_with_attribution(line, following)) is not None:
            text, attribution, used = quote
            result.blocks.append(Block("quote", text, attribution))
            i += used
            continue
        elif heading := rules.explicit_heading(line):
            result.blocks.append(Block("subheading", heading))
        elif (
            result.blocks
            and following is not None
            and rules.looks_like_subheading(line)
            and not rules.looks_like_subheading(following)
            and not rules.parse_credit_line(following)
        ):
            result.blocks.append(Block("subheading", line))
        else:
            result.blocks.append(Block("paragraph", line))
        i += 1


def _is_note(block: Block) -> bool:
    return block.kind == "paragraph" and bool(rules.NOTE_PARAGRAPH.match(block.text))


# Credits and comments -----------------------------------------------------------------


def _split_tail(items: list[str], result: ParsedCopy) -> tuple[list[str], list[str]]:
    """Body lines, and the reader comments after the closing credits (or after a "Comments"
    heading). Credit lines anywhere after the header become credits; a lone photo credit in
    the body (for a picture inside the story) does not close it."""
    marker = next((i for i, line in enumerate(items) if rules.COMMENTS_HEADING.match(line)), None)
    scope = items if marker is None else items[:marker]
    credit_at = {i for i, line in enumerate(scope) if _credit_or_meta(line)}
    closing = [i for i in credit_at if not _photo_credit(scope[i])]
    end = len(scope) - 1
    if marker is None and closing:
        end = max(closing)
        while end + 1 in credit_at:
            end += 1
    for i in sorted(credit_at):
        line = scope[i]
        if tags := rules.TAGS_LINE.match(line):
            result.tags += [t.strip() for t in re.split(r"[,;]", tags["tags"]) if t.strip()]
        elif rules.RIGHTS_LINE.match(line):
            result.notes.append(f"Dropped {line!r}.")
        else:
            result.credits += [Credit(*c) for c in rules.parse_credit_line(line)]
    body = [line for i, line in enumerate(scope[: end + 1]) if i not in credit_at]
    if marker is not None:
        return body, items[marker + 1 :]
    return body, scope[end + 1 :]


def _photo_credit(line: str) -> bool:
    credits = rules.parse_credit_line(line)
    return bool(credits) and all(role == "photographer" for role, _name, _label in credits)


def _credit_or_meta(line: str) -> bool:
    return bool(
        rules.parse_credit_line(line)
        or rules.TAGS_LINE.match(line)
        or rules.RIGHTS_LINE.match(line)
    )


def _read_comments(lines: list[str], result: ParsedCopy) -> None:
    lines = [line for line in lines if not rules.COMMENT_CHROME.match(line)]
    result.comment_lines = lines
    if not lines:
        return
    if any(rules.comment_header(line) for line in lines):
        result.comments = [Comment(*c) for c in rules.headed_comments(lines)]
    else:
        result.comments = [Comment(*c) for c in rules.conversation(lines)]
    result.notes.append(
        f"{len(lines)} line(s) after the credits read as {len(result.comments)} reader comment(s)."
    )


def suggest_headline(result: ParsedCopy) -> str:
    """A starting point for the editor, never used silently: a short first sentence of the
    lead, else the first subheading, else the lead's first clause."""
    lead = next((p for p in result.paragraphs if re.search(r"\w", p)), "")
    sentence = rules.first_sentence(lead)
    words = sentence.split()
    candidates = [
        sentence.rstrip(".") if len(words) <= 14 else "",
        next((h for h in result.subheadings if len(h.split()) <= 16), ""),
        " ".join(words[:12]).rstrip(",;:") + ("…" if len(words) > 12 else ""),
    ]
    return next((c.strip() for c in candidates if re.search(r"\w", c)), "")
