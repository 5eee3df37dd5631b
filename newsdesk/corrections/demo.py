"""Correction notes for the demo magazine, added to its articles by slug."""

from newsdesk.articles.models import ArticlePage
from newsdesk.demo.factories import hours_ago

from .models import ArticleNote
from .services import note_add

# (article slug, type, hours ago, text). Times match the articles' own "updated" times, so
# the notes explain them rather than move them.
DEMO_NOTES = [
    (
        "kesterford-by-election-independent-overturns-majority",
        ArticleNote.Kind.CORRECTION,
        11,
        "An earlier version of this article said the Civic Alliance had held Kesterford for "
        "more than three decades. The party had held the seat for over two decades.",
    ),
    (
        "kesterford-by-election-independent-overturns-majority",
        ArticleNote.Kind.UPDATE,
        9,
        "This article was updated with the final vote shares declared at the count: Nadia "
        "Ferris 38 per cent, Civic Alliance 27 per cent, Progressive Union 21 per cent.",
    ),
    (
        "lantern-probe-first-close-images-near-earth-asteroid",
        ArticleNote.Kind.CORRECTION,
        7,
        "An earlier version of this article said Lantern passed within 32 kilometres of the "
        "asteroid. Its closest approach was 3.2 kilometres.",
    ),
    (
        "halvard-drops-parts-pairing-after-repair-campaign",
        ArticleNote.Kind.CLARIFICATION,
        12,
        "This article has been amended to make clear that fingerprint readers and other "
        "biometric sensors will stay paired to the handset after the update; screens, "
        "batteries and cameras will not.",
    ),
]


def load_demo_notes() -> int:
    """Add the demo notes to whichever of their articles exist; returns how many were added."""
    slugs = {slug for slug, *_ in DEMO_NOTES}
    articles = {article.slug: article for article in ArticlePage.objects.filter(slug__in=slugs)}
    added = 0
    for slug, kind, hours, text in DEMO_NOTES:
        article = articles.get(slug)
        if article is None:
            continue
        note_add(article=article, kind=kind, text=text, noted_at=hours_ago(hours))
        added += 1
    return added
