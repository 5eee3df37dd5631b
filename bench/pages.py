"""The pages the side-by-side benchmarks load: home, a section, a long article and a feed.

The demo's articles run to about 500 words; the issue compares systems on an article of about
1,200. `bench_article()` adds one such article to the bench database once (through Wagtail,
with a revision, like an editor's), its body assembled from the demo's own sentences with a
fixed seed, under World, with a demo article's lead image and bylines.
"""

from __future__ import annotations

import random
import re
from html import escape

SLUG = "a-long-read-for-the-benchmarks"
HEADLINE = "How a harbour town rebuilt its economy, one quay at a time"
DEK = "A long read of about 1,200 words that the side-by-side benchmarks load."
WORDS = 1200
SECTION = "world"
FEED = "/feeds/rss/"


def bench_article():
    """The benchmark's long article, published (made once, reused)."""
    from django.db import transaction

    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.demo.factories import make_article

    from .corpus import NUMBER_SUFFIX, sentence_pool

    existing = ArticlePage.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    rng = random.Random(1200)
    sentences = sentence_pool()
    blocks, words = [], 0
    while words < WORDS:
        if blocks and len(blocks) % 5 == 0:
            blocks.append({"type": "subheading", "value": f"Part {len(blocks) // 5 + 1}"})
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 5)))
        blocks.append({"type": "paragraph", "value": text})
        words += len(text.split())
    donor = (
        ArticlePage.objects.live()
        .exclude(slug__regex=NUMBER_SUFFIX)
        .filter(lead_image__isnull=False, bylines__isnull=False)
        .order_by("pk")
        .first()
    )
    with transaction.atomic():
        return make_article(
            section=SectionPage.objects.get(slug=SECTION),
            headline=HEADLINE,
            slug=SLUG,
            dek=DEK,
            bylines=[byline.person for byline in donor.bylines.all()] if donor else [],
            image=donor.lead_image if donor else None,
            body=blocks,
        )


def pages() -> list[tuple[str, str]]:
    """(page type, path) of the pages every system is measured on."""
    from newsdesk.articles.models import SectionPage

    article = bench_article()
    section = SectionPage.objects.get(slug=SECTION)
    return [
        ("home", "/"),
        ("section", section.relative_url(None)),
        ("article", article.relative_url(None)),
        ("feed", FEED),
    ]


def article_text() -> tuple[str, str, str, int]:
    """(headline, dek, body HTML, words) of the long article, for the stock Wagtail page."""
    article = bench_article()
    parts = []
    for block in article.body.raw_data:
        if block["type"] == "paragraph":
            parts.append(block["value"])
        elif block["type"] == "subheading":
            parts.append(f"<h2>{escape(block['value'])}</h2>")
    body = "\n".join(parts)
    words = len(re.sub(r"<[^>]+>", " ", body).split())
    return article.title, article.dek, body, words
