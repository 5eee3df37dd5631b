"""'Did you mean': the closest known words, from headlines, tags, sections and people.

Only asked when a search found nothing, so it may take a few milliseconds. The vocabulary is
built from the newest headlines and every tag, section and person name, and cached.
"""

import difflib

from django.core.cache import cache

from .query import ReaderQuery, words

CACHE_KEY = "site_search:vocabulary:1"
CACHE_SECONDS = 3600
HEADLINES = 5000  # the newest headlines; enough for current news vocabulary
MIN_LENGTH = 4  # shorter words have too many close neighbours to guess from


def vocabulary() -> list[str]:
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
        found = sorted({w.lower() for text in texts for w in words(text) if len(w) >= MIN_LENGTH})
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def did_you_mean(query: ReaderQuery) -> str | None:
    """The query with unknown words replaced by their closest known word, if any changed."""
    known = vocabulary()
    known_set = set(known)
    changed = False
    suggestion = []
    for term in query.all_words:
        if len(term) < MIN_LENGTH or term in known_set or term.isdigit():
            suggestion.append(term)
            continue
        candidates = [w for w in known if abs(len(w) - len(term)) <= 2]
        close = difflib.get_close_matches(term, candidates, n=1, cutoff=0.75)
        if close:
            suggestion.append(close[0])
            changed = True
        else:
            suggestion.append(term)
    return " ".join(suggestion) if changed else None
