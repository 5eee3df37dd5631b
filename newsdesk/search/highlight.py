"""Snippets of article text with the reader's words marked, built safely.

The text is plain text (the indexed content of the dek and body, never their HTML); every
piece is escaped before the <mark> elements are put around the matched words, so nothing an
author or a reader wrote is ever output as markup.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
DOTTED_I, DOT_ABOVE = "\u0130", "\u0307"
SNIPPET_LENGTH = 240
CONTEXT_BEFORE = 60
MAX_HITS = 200  # bounds the window search on very long texts
# Endings removed before comparing words, so that "elections" marks "election" as the
# search (English stemming in PostgreSQL and SQLite FTS5) found it.
ENDINGS = ("ings", "ing", "edly", "ed", "es", "s", "ly")


def key(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


class Marker:
    def __init__(self, words: Iterable[str]):
        self.keys = {key(word) for word in words if word}
        # Every word a key can match starts with the key, or with all of it but its "y"
        # ("policy" marks "policies"): finding those first spares key() for the rest of a
        # long text (a 1,200-word body cost 3 ms a result).
        prefixes = {k[:-1] if k.endswith("y") else k for k in self.keys if WORD.fullmatch(k)}
        self.prefixes = prefixes
        self.candidates = re.compile(
            rf"(?<![^\W_])(?:{'|'.join(map(re.escape, sorted(prefixes)))})[^\W_]*", re.IGNORECASE
        )

    def matches(self, word: str) -> str | None:
        """The query key this word of the text matches, if any."""
        k = key(word)
        if k in self.keys:
            return k
        # "elect" finds "election" and "electoral" in the index: mark them too.
        return next((q for q in self.keys if len(q) >= 4 and k.startswith(q)), None)

    def words(self, text: str, start: int = 0, end: int | None = None):
        """The words of text[start:end] that may match (a superset: matches() decides)."""
        end = len(text) if end is None else end
        if DOTTED_I in text or any(DOT_ABOVE in k for k in self.keys):
            # "İ" is the one letter whose lower case is longer ("i" and a combining dot):
            # the case-blind search cannot see it as key() does, so read every word.
            return WORD.finditer(text, start, end)
        if not self.prefixes:
            return iter(())
        return self.candidates.finditer(text, start, end)

    def mark(self, text: str, start: int = 0, end: int | None = None) -> SafeString:
        """text[start:end], escaped, with matched words in <mark>."""
        end = len(text) if end is None else end
        parts, position = [], start
        for match in self.words(text, start, end):
            if self.matches(match.group()):
                parts.append(escape(text[position : match.start()]))
                parts.append(f"<mark>{escape(match.group())}</mark>")
                position = match.end()
        parts.append(escape(text[position:end]))
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above

    def snippet(self, text: str, length: int = SNIPPET_LENGTH) -> SafeString | None:
        """About `length` characters around the densest run of matches, or None if none."""
        hits = [(m.start(), k) for m in self.words(text) if (k := self.matches(m.group()))]
        if not hits:
            return None
        hits = hits[:MAX_HITS]
        best, best_score = hits[0][0], 0
        for position, _ in hits:
            score = len({k for p, k in hits if position <= p < position + length - CONTEXT_BEFORE})
            if score > best_score:
                best, best_score = position, score
        start = max(0, best - CONTEXT_BEFORE)
        if start:
            space = text.find(" ", start, best)
            start = space + 1 if space != -1 else best
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        marked = self.mark(text, start, end)
        before = "… " if start else ""
        after = " …" if end < len(text) else ""
        return mark_safe(f"{before}{marked}{after}")  # noqa: S308 - marked is escaped


def lead_text(text: str, length: int = SNIPPET_LENGTH) -> str:
    """The opening of the text, cut at a word, for results that matched elsewhere."""
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > 0 else length] + " …"
