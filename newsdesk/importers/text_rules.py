"""The line-level rules `text.parse_copy` applies: how newsroom copy marks its parts.

Each rule looks at one line (or a line and the next) and says what it is. They follow common
newsroom and wire conventions (AP, Reuters, AFP datelines; "By" bylines; credit lines), not
any one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

INVISIBLE = re.compile("[\ufeff\u200b-\u200d\u2060\u00ad]")
ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
BULLET = re.compile(r"^(?:[-*•·▪‣◦]|\d{1,2}[.)])\s+")
ENDS_SENTENCE = re.compile(r"[.!?…:;\"”’')\]]$")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
QUOTES = "\"“”‘’'«»„"

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATE = (
    rf"(?:{WEEKDAY}(?:{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\.?(?:,?\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}))"
)
DASH = r"(?:\s+--?\s+|\s*[–—―]\s*)"
CAPS_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]+"
TITLE_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]+"
REGION = rf"(?:,\s+{TITLE_WORD}(?:\s+{TITLE_WORD}){{0,2}})"
AGENCY = r"\((?P<agency>[A-Za-z][\w .&'’/-]{0,40})\)"
NOT_PLACES = {
    "NOTE", "UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "ANALYSIS", "OPINION", "COMMENT",
    "CORRECTION", "ADVERTISEMENT", "PHOTO", "VIDEO", "WATCH", "LIVE", "WARNING", "EDITOR'S NOTE",
    "FILE", "UPDATES", "URGENT", "FLASH", "BULLETIN", "ALERT", "FACT CHECK", "EXPLAINER",
}  # fmt: skip
DATELINES = [
    re.compile(rf"^\(\s*(?P<date>{DATE})\s*\){DASH}(?P<rest>.*)$", re.I | re.S),
    re.compile(
        rf"^(?P<place>{CAPS_WORD}(?:\s+{CAPS_WORD}){{0,3}})(?P<region>{REGION})?"
        rf"(?:,\s+(?P<date>(?i:{DATE})))?\s*(?:{AGENCY})?(?:{DASH}|:\s+)(?P<rest>.*)$",
        re.S,
    ),
    re.compile(
        rf"^(?P<place>{TITLE_WORD}(?:\s+{TITLE_WORD}){{0,2}})(?P<region>{REGION})?"
        rf"(?:,\s+(?P<date>(?i:{DATE})))?\s*{AGENCY}{DASH}(?P<rest>.*)$",
        re.S,
    ),
    re.compile(
        rf"^(?P<place>{TITLE_WORD}(?:\s+{TITLE_WORD}){{0,2}})(?P<region>{REGION})?"
        rf",\s+(?P<date>(?i:{DATE})){DASH}(?P<rest>.*)$",
        re.S,
    ),
    re.compile(rf"^(?P<date>{DATE}){DASH}(?P<rest>.*)$", re.I | re.S),
]
DATE_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|filed|dated?)\s*:?\s*(?:on\s+)?)?(?P<date>{DATE})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?$",
    re.I,
)


def _line_of(*phrases: str, before: str = "", after: str = "$") -> re.Pattern:
    """A line made of one of these phrases (regex fragments), in any case."""
    return re.compile(rf"^{before}(?:{'|'.join(phrases)}){after}", re.I)


LABEL = _line_of(
    "headline", "title", "hed", "standfirst", "dek", "summary", "subhead", "subtitle",
    "strapline", "caption", "byline", before="(?P<label>", after=r")\s*:\s*(?P<value>.+)$",
)  # fmt: skip
NOTE_PARAGRAPH = _line_of(
    "editor'?s'? note", "note", "update", "updated", "correction", "clarification",
    "disclosure", "content warning", "warning", after=r"\s*:",
)  # fmt: skip
TAGS_LINE = _line_of("tags", "topics", "keywords", "filed under", after=r"\s*:\s*(?P<tags>.+)$")
RIGHTS_LINE = _line_of("©", r"\(c\)", r"copyright\b", after=".{0,120}$")
COMMENTS_HEADING = _line_of(
    "comments?", "responses?", "replies", "reader comments", "readers'? comments", "discussion",
    "join the (?:discussion|conversation)", "leave a (?:comment|reply)",
    "what readers (?:say|think)", before=r"(?:\d+\s+)?", after=r"\s*(?:\(\d+\))?\s*:?$",
)  # fmt: skip
COMMENT_CHROME = _line_of(
    "reply", "report", "like", "share", "flag", "reply ↓", r"\d+ likes?", "load more comments",
    "show more", "log in to reply", "cancel reply",
)  # fmt: skip
BOILERPLATE = _line_of(
    "advertisement", "advertising", "sponsored content", "share this(?: article| story)?:?",
    "share on (?:facebook|twitter|x)", r"(?:read more|related|also read|see also)\s*:.*",
    "click here.*", "(?:subscribe|sign up) (?:to|for) (?:our|the) .*newsletter.*",
)  # fmt: skip

# Credit lines. "by" forms and "label:" forms, each with the ArticleCredit role it gives;
# "reporter" and "writer" are bylines by another name.
ROLES = [
    (r"additional reporting|contributing reporting|additional writing", "additional reporting"),
    (r"edit(?:or|ors|ed|ing)|copy[- ]?edit(?:ed|ing|or)|sub[- ]?edit(?:ed|ing|or)", "editor"),
    (r"fact[- ]?check(?:ed|ing|er|ers)?", "fact-checker"),
    (r"translat(?:ed|ion|or|ors)(?: from [a-z]+)?", "translator"),
    (r"photo(?:s|graph|graphs|graphy|grapher|graphers)?(?: credit)?|pictures?|images?", "photographer"),
    (r"illustrat(?:ion|ions|ed|or)", "illustration"),
    (r"graphics?|data visuali[sz]ation", "graphics"),
    (r"report(?:ing|ed|er|ers)", "reporter"),
    (r"writ(?:ten|ing|er|ers)|text|words|story", "writer"),
]  # fmt: skip
CREDIT = re.compile(
    r"^(?P<label>(?:" + "|".join(p for p, _ in ROLES) + r"))(?:\s+by\s+|\s*:\s*|\s+[–—-]\s+)"
    r"(?P<names>.+)$",
    re.I,
)
CONTRIBUTED = re.compile(
    r"^(?:the\s+)?(?:associated press\s+|reuters\s+|afp\s+)?(?:writers?\s+|reporters?\s+|"
    r"journalists?\s+|correspondents?\s+)?(?P<names>.+?)\s+contributed\s+(?:to\s+this\s+"
    r"(?:report|story|article)|reporting)(?:\s+from\s+[\w ,.'-]+)?\.?$",
    re.I,
)
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")
PARTICLES = {"de", "da", "di", "van", "von", "der", "den", "del", "la", "le", "al", "bin", "el"}
AGENCIES = {
    "reuters", "ap", "associated press", "the associated press", "afp", "agence france-presse",
    "bloomberg", "dpa", "efe", "ansa", "kyodo", "xinhua", "pa", "press association", "upi",
    "bbc", "cna", "staff", "staff reporters", "staff reporter", "our correspondent",
}  # fmt: skip
DESK_WORDS = re.compile(r"\b(?:staff|desk|team|bureau|newsroom|correspondents?)\b", re.I)
ROLE_WORDS = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|columnist|contributor|chief|analyst|"
    r"critic|producer)s?\b",
    re.I,
)


@dataclass(frozen=True)
class Dateline:
    place: str
    date: date | None
    agency: str
    rest: str


def parse_date(text: str, *, today: date) -> date | None:
    """ "Nov. 13", "13 November 2024", "2024-11-13"... A missing year is the one that puts
    the date nearest `today` (wire copy is filed the day it happens)."""
    text = re.sub(rf"^{WEEKDAY}", "", text.strip(), flags=re.I)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        words = re.findall(r"[A-Za-z]+|\d+", text)
        month = next((MONTHS[w.lower()] for w in words if w.lower() in MONTHS), None)
        numbers = [int(w) for w in words if w.isdigit()]
        if month is None or not numbers:
            return None
        day = numbers[0]
        year = numbers[1] if len(numbers) > 1 else None
        if year is None:
            options = [_date(y, month, day) for y in (today.year - 1, today.year, today.year + 1)]
            options = [o for o in options if o]
            return min(options, key=lambda d: abs(d - today)) if options else None
    return _date(year, month, day)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_dateline(line: str, *, today: date) -> Dateline | None:
    for pattern in DATELINES:
        match = pattern.match(line)
        if not match:
            continue
        groups = match.groupdict()
        place = (groups.get("place") or "").strip()
        if place.upper() in NOT_PLACES or (place and len(re.sub(r"\W", "", place)) < 2):
            continue
        if re.fullmatch(rf"{WEEKDAY}|{MONTH}", place + ", ", re.I) or place.lower() in MONTHS:
            continue  # "Monday, March 2, 2026 —" is a date, not a place
        rest = match["rest"].strip()
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in QUOTES):
            continue
        when = parse_date(groups["date"], today=today) if groups.get("date") else None
        if groups.get("date") and when is None:
            continue
        region = (groups.get("region") or "").strip(", ")
        return Dateline(
            place=f"{place}, {region}" if region else place,
            date=when,
            agency=(groups.get("agency") or "").strip(),
            rest=rest,
        )
    return None


def split_caption(line: str) -> tuple[str, str] | None:
    """A photo caption ending with its credit: "... Shanxi. (Video screenshot composite)",
    "... on Monday. Photo: Jane Doe/Agency", "... [Photo: Agency]"."""
    match = re.match(r"^(?P<cap>.+?[.!?…\"”’])\s*[(\[](?P<credit>[^()\[\]]{2,80})[)\]]$", line)
    if match and len(match["credit"].split()) <= 10 and not re.search(r"\.\s", match["credit"]):
        caption, credit = match["cap"], match["credit"].strip()
    else:
        match = re.match(
            r"^(?P<cap>.+?[.!?…\"”’])\s+(?P<credit>(?:photo|photograph|picture|image|video"
            r"|credit|illustration)s?(?:\s+by)?\s*:?\s+[^.]{2,80})$",
            line,
            re.I,
        )
        if not match:
            return None
        caption, credit = match["cap"], match["credit"].strip()
    if len(caption.split()) < 3 or re.fullmatch(DATE, credit, re.I):
        return None
    return caption.strip(), credit


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 80 or re.search(r"[.!?]\s|[:;]", text):
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w.lower() in PARTICLES for w in words)


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+in\s+[A-Z][\w .'’-]*$", "", name.strip().strip(".")).strip()
    return name.title() if name.isupper() and len(name) > 3 else name


def parse_credit_line(line: str) -> list[tuple[str, str, str]]:
    """[(role, name, label)] for a credit line such as "Editor: Jane Doe", "(Reporting by A in
    Lagos; Editing by B and C)" or "A contributed to this report."; [] for anything else."""
    text = line.strip()
    if len(text) > 240:
        return []
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    credits: list[tuple[str, str, str]] = []
    for segment in (s.strip() for s in text.split(";")):
        match = CREDIT.match(segment.rstrip("."))
        if match:
            label = match["label"]
            role = next(r for p, r in ROLES if re.fullmatch(p, label, re.I))
            names = match["names"].strip()
            parts = [names] if role == "photographer" else NAME_SPLIT.split(names)
        elif contributed := CONTRIBUTED.match(segment):
            label, role = "contributed to this report", "additional reporting"
            parts = NAME_SPLIT.split(contributed["names"])
        else:
            return []
        cleaned = [_clean_name(part) for part in parts if part.strip()]
        if role == "photographer":
            if not cleaned or len(cleaned[0]) > 100 or re.search(r"\.\s", cleaned[0]):
                return []
        elif not cleaned or not all(_is_name(name) for name in cleaned):
            return []
        label = label.strip()
        credits += [(role, name, label[:1].upper() + label[1:]) for name in cleaned]
    return credits


def parse_byline(line: str) -> tuple[list[str], str] | None:
    """ "By Jane Doe and John Roe, Reuters" -> (["Jane Doe", "John Roe"], "Reuters")."""
    match = re.match(r"^by\s+(?P<rest>.{2,150})$", line.strip(), re.I)
    if not match:
        return None
    names: list[str] = []
    desk = ""
    pieces = re.split(r"\s*[|,]\s*|\s+(?:and|&)\s+", match["rest"].strip().rstrip("."), flags=re.I)
    for piece in pieces:
        if not piece:
            continue
        if names and ROLE_WORDS.search(piece) and piece.lower() not in AGENCIES:
            continue  # "Jane Doe, Staff Writer": a title, not a desk
        if piece.lower() in AGENCIES or DESK_WORDS.search(piece):
            desk = desk or piece
        elif ROLE_WORDS.search(piece):
            continue  # "Political Correspondent": a title, not a name
        elif _is_name(piece):
            names.append(_clean_name(piece))
        else:
            return None
    return (names, desk) if names or desk else None


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(words) <= 20
        and len(line) <= 160
        and not re.search(r"[.,;:]$", line)
        and not BULLET.match(line)
        and not parse_credit_line(line)
        and not parse_byline(line)
    )


def opens_story(line: str, *, today: date) -> bool:
    """Lines that come between a standfirst and the body: bylines, captions, dates, datelines."""
    return bool(
        parse_byline(line)
        or split_caption(line)
        or parse_dateline(line, today=today)
        or DATE_LINE.match(line)
        or LABEL.match(line)
        or any(role == "photographer" for role, _n, _l in parse_credit_line(line))
    )


def looks_like_subheading(line: str) -> bool:
    """Short, no final punctuation (a question mark is fine), not a quote or list item."""
    words = line.split()
    return (
        1 <= len(words) <= 18
        and len(line) <= 120
        and (line[0].isupper() or line[0].isdigit())
        and not re.search(r"[.,;:…\"”’')\]]$", line)
        and not BULLET.match(line)
        and not parse_credit_line(line)
        and not parse_byline(line)
        and bool(re.search(r"[^\W\d_]{2}", line))
    )


def explicit_heading(line: str) -> str:
    """ "## Heading" (Markdown) or a short ALL CAPS line."""
    if MARKDOWN_HEADING.match(line):
        return MARKDOWN_HEADING.sub("", line).strip()
    letters = re.sub(r"[^\w]|\d|_", "", line)
    if len(letters) >= 4 and line.isupper() and len(line.split()) <= 10 and line[-1] != ".":
        return line
    return ""


def is_boilerplate(line: str) -> bool:
    return bool(BOILERPLATE.match(line))


def _unquote(text: str) -> str | None:
    text = text.strip()
    if len(text) > 2 and text[0] in '"“«„' and text[-1] in '"”»“':
        return text[1:-1].strip()
    return None


def split_attribution(text: str) -> tuple[str, str]:
    match = re.match(r"^(?P<q>.+?)\s+[—–―-]{1,2}\s*(?P<who>[A-Z][^.!?]{1,80})$", text)
    if match and len(match["who"].split()) <= 12:
        return _unquote(match["q"]) or match["q"], match["who"].strip()
    return _unquote(text) or text, ""


def quote_with_attribution(line: str, following: str | None) -> tuple[str, str, int] | None:
    """A quoted line with who said it: on the same line after a dash, or on the next line
    starting with a dash. A quoted paragraph with no such line stays a paragraph."""
    quoted = _unquote(line)
    if quoted and following:
        who = re.match(r"^[—–―-]{1,2}\s*(?P<who>[A-Z].{1,80})$", following)
        if who and len(who["who"].split()) <= 12:
            return quoted, who["who"].strip().rstrip("."), 2
    if line[:1] in '"“«„':
        text, who = split_attribution(line)
        if who:
            return text, who, 1
    return None


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z“\"])", text.strip(), maxsplit=1)[0]


# Reader comments ------------------------------------------------------------------------

COMMENT_HEADER = [
    re.compile(
        r"^(?P<name>[^\s].{0,40}?)\s+(?:says|said|wrote|writes|commented|replied)"
        r"(?:\s*:?\s*$|\s+(?:on\s+)?.{0,30}\d.{0,20}:?$)",
        re.I,
    ),
    re.compile(
        rf"^(?P<name>{TITLE_WORD}(?:\s+{TITLE_WORD}){{0,3}})\s*(?:·|•|\||—|–|-|,|on)\s*"
        rf"(?:\d+\s+\w+\s+ago|(?i:{DATE}).*|\d{{1,2}}[:.]\d{{2}}.*|yesterday.*|today.*)$"
    ),
]
REPLYISH = re.compile(
    r"^(?:@\w+|thanks?\b|thank you|thx|you'?re welcome|you are welcome|no problem|yes\b|no\b|"
    r"sure\b|agreed|indeed|exactly|well said|hi\b|hello\b|dear\b|re:)",
    re.I,
)
ADDRESSED = re.compile(
    r"^(?:(?i:thank you|thanks?|cheers|hi|hello|dear|hey)(?i: so much| very much| again)?,?\s+"
    r"|@)(?P<name>[A-Z][\w'’\-]+)\b"
)


def comment_header(line: str) -> str:
    for pattern in COMMENT_HEADER:
        match = pattern.match(line)
        if match and _is_name(match["name"].strip()):
            return match["name"].strip()
    return ""


def headed_comments(lines: list[str]) -> list[tuple[str, str, int | None]]:
    """Comments under "NAME says:" / "NAME · 2 days ago" headers. A comment that addresses an
    earlier commenter ("@Ana", "Thanks Ana") answers that person's latest comment."""
    entries: list[list] = []
    for line in lines:
        name = comment_header(line)
        if name:
            entries.append([name, []])
        elif entries and not entries[-1][1] and DATE_LINE.match(line):
            continue  # the header's date line
        elif entries:
            entries[-1][1].append(line)
        else:
            entries.append(["Anonymous", [line]])
    out: list[tuple[str, str, int | None]] = []
    for name, body in entries:
        if not body:
            continue
        text = "\n\n".join(body)
        addressed = ADDRESSED.match(text)
        reply_to = None
        if addressed:
            earlier = [
                n for n, (who, _t, _r) in enumerate(out) if who.split()[0] == addressed["name"]
            ]
            reply_to = earlier[-1] if earlier else None
        out.append((name, text, reply_to))
    return out


def conversation(lines: list[str]) -> list[tuple[str, str, int | None]]:
    """Comments with no names kept: one thread, each answering the one before, between two
    people taking turns. A short first line with text under it is the opening comment's
    title; a reply that thanks or greets someone by name names the author it answers."""
    opener = 1
    if len(lines) >= 3 and _is_title(lines[0]) and not REPLYISH.match(lines[1]):
        opener = 2
    entries = ["\n\n".join(lines[:opener]), *lines[opener:]]
    names = ["Anonymous", "Anonymous"]  # the opener, and whoever answers them
    for n, text in enumerate(entries[1:], start=1):
        addressed = ADDRESSED.match(text)
        if addressed:
            names[(n - 1) % 2] = addressed["name"]
    return [(names[n % 2], text, n - 1 if n else None) for n, text in enumerate(entries)]


def _is_title(line: str) -> bool:
    return len(line.split()) <= 6 and not re.search(r"[,;]|\.\s", line)
