"""What a reader typed, made safe to search for and to show back.

Any string is accepted. It is normalised (NFKC), stripped of control and bidi-override
characters, capped at MAX_QUERY_LENGTH characters and split into words (letters, digits and
combining marks) and "quoted phrases". Operators, brackets, SQL and markup are not syntax
here: they separate words like spaces do, so nothing a reader types can reach the search
backend's query language, and each search costs at most MAX_TERMS words.
"""

import unicodedata
from dataclasses import dataclass, field

from wagtail.search.query import And, Phrase, PlainText

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Zero-width (non-)joiners shape emoji and Persian, Indic and other scripts; other format
# characters (bidi overrides, byte order marks) are dropped.
KEEP_FORMAT = {"\u200c", "\u200d"}


def clean(raw: str) -> tuple[str, bool]:
    """The query as it will be searched and shown, and whether it had to be shortened."""
    # Far more than any real query; keeps the normalisation below cheap for 100 KB inputs.
    text = unicodedata.normalize("NFKC", raw[: MAX_QUERY_LENGTH * 8])
    text = "".join(
        " "
        if ch.isspace() or (unicodedata.category(ch)[0] == "C" and ch not in KEEP_FORMAT)
        else ch
        for ch in text
    )
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH or len(raw) > MAX_QUERY_LENGTH * 8
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        cut = text.rfind(" ")
        if cut > MAX_QUERY_LENGTH - 40:
            text = text[:cut]
        text = text.rstrip()
    return text, truncated


def is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNM"


def words(text: str) -> list[str]:
    """Runs of letters, digits and combining marks; everything else separates them."""
    found, current = [], []
    for ch in text:
        if is_word_char(ch):
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


@dataclass
class ReaderQuery:
    text: str = ""
    truncated: bool = False
    terms: list[str] = field(default_factory=list)  # loose words, lower case
    phrases: list[list[str]] = field(default_factory=list)  # quoted runs of words
    dropped_terms: bool = False

    @classmethod
    def parse(cls, raw: str) -> "ReaderQuery":
        text, truncated = clean(raw)
        query = cls(text=text, truncated=truncated)
        budget = MAX_TERMS
        # Text between pairs of double quotes is a phrase; an unpaired quote is ignored.
        for n, part in enumerate(text.split('"')):
            in_quotes = n % 2 == 1 and n < text.count('"')
            found = [word.lower() for word in words(part)]
            if len(found) > budget:
                found, query.dropped_terms = found[:budget], True
            budget -= len(found)
            if in_quotes and len(found) > 1:
                query.phrases.append(found)
            else:
                query.terms.extend(w for w in found if w not in query.terms)
        return query

    @property
    def all_words(self) -> list[str]:
        return [*self.terms, *(word for phrase in self.phrases for word in phrase)]

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    def search_query(self):
        """A Wagtail search query: every word and phrase must match."""
        parts = []
        if self.terms:
            parts.append(PlainText(" ".join(self.terms), operator="and"))
        parts.extend(Phrase(" ".join(phrase)) for phrase in self.phrases)
        return parts[0] if len(parts) == 1 else And(parts)
