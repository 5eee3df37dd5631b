"""'Did you mean': the closest known words, from headlines, tags, sections and people.

Only asked when a search found nothing. The vocabulary is built from the newest headlines and
every tag, section and person name, and cached; each process indexes it by its words with one
letter left out, so that a misspelling is compared with the few words one or two edits away
instead of every word (difflib over the whole vocabulary took 50 ms a word).
"""

import difflib
import uuid

from django.core.cache import cache

from .query import ReaderQuery, words

CACHE_KEY = "site_search:vocabulary:2"
CACHE_SECONDS = 3600
HEADLINES = 5000  # the newest headlines; enough for current news vocabulary
MIN_LENGTH = 4  # shorter words have too many close neighbours to guess from


def vocabulary() -> tuple[str, list[str]]:
    """(a token naming this build, the known words)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        from taggit.models import Tag

        from newsdesk.articles.models import ArticlePage, SectionPage
        from newsdesk.people.models import PersonPage

        headlines = (
            ArticlePage.objects.published()
            .order_by("-first_published_at")
            .values_list("title", flat=True)[:HEADLINES]
        )
        texts = [
            *headlines,
            *Tag.objects.values_list("name", flat=True),
            *SectionPage.objects.live().values_list("title", flat=True),
            *PersonPage.objects.live().values_list("title", flat=True),
        ]
        known = sorted({w.lower() for text in texts for w in words(text) if len(w) >= MIN_LENGTH})
        found = (uuid.uuid4().hex, known)
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def one_left_out(word: str) -> set[str]:
    return {word[:n] + word[n + 1 :] for n in range(len(word))}


_neighbourhoods: dict[str, dict[str, list[str]]] = {}


def neighbourhoods() -> dict[str, list[str]]:
    """{a known word, or one with a letter left out: the known words it comes from}."""
    token, known = vocabulary()
    if token not in _neighbourhoods:
        index: dict[str, list[str]] = {}
        for word in known:
            for key in one_left_out(word) | {word}:
                index.setdefault(key, []).append(word)
        _neighbourhoods.clear()  # one build per process: the newest
        _neighbourhoods[token] = index
    return _neighbourhoods[token]


def near(term: str) -> list[str]:
    """Known words within about two edits of `term` (a letter added, left out, changed, or two
    swapped): those sharing a key with it when each loses at most one letter."""
    index = neighbourhoods()
    found = set()
    for key in one_left_out(term) | {term}:
        found.update(index.get(key, ()))
    return sorted(found)


def did_you_mean(query: ReaderQuery) -> str | None:
    """The query with unknown words replaced by their closest known word, if any changed."""
    index = neighbourhoods()
    changed = False
    suggestion = []
    for term in query.all_words:
        if len(term) < MIN_LENGTH or term in index.get(term, ()) or term.isdigit():
            suggestion.append(term)
            continue
        close = difflib.get_close_matches(term, near(term), n=1, cutoff=0.75)
        if close:
            suggestion.append(close[0])
            changed = True
        else:
            suggestion.append(term)
    return " ".join(suggestion) if changed else None
