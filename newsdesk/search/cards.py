"""Search results' cards, kept as HTML per article between searches.

A result is the same card in every search but for its headline and snippet, where the
reader's words are marked. The rest (picture, section, byline, time) is rendered once per
publication of the article and kept by `caching.fragments` with the tags of the article and
of its bylined people, so an edit, an unpublished article or a renamed author shows at once.
Beside the HTML is the article's body as plain text, from which snippets are cut: a card
already seen costs no query for its bylines, renditions or body.
"""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.queries import card_prefetches, picture_renditions
from newsdesk.caching.fragments import cached_each
from newsdesk.caching.tags import page_tag
from newsdesk.caching.templatetags.fragments import SECONDS, fragment_key

from .highlight import Marker, lead_text
from .query import ReaderQuery

# The sizes search/result.html shows: a card fetches no other rendition.
RESULT_RENDITIONS = picture_renditions("480x270", "960x540")
# Where search/result.html leaves the headline and the snippet (escaped text never holds "<").
HEADLINE, SNIPPET = "<!--headline-->", "<!--snippet-->"


@dataclass(frozen=True)
class Card:
    html: str  # search/result.html, with HEADLINE and SNIPPET where they go
    body: str  # the body as plain text

    def filled(self, headline: str, snippet: str) -> SafeString:
        """The card with its headline and snippet, both already escaped."""
        html = self.html.replace(HEADLINE, headline, 1)
        if snippet:
            html = html.replace(SNIPPET, snippet, 1)
        else:
            html = html.replace(f'<p class="search-snippet">{SNIPPET}</p>', "", 1)
        return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def result_cards(articles, query: ReaderQuery, request) -> None:
    """Give each result its `card`: the HTML with the reader's words marked (browsing without
    words: the headline and dek as they are)."""
    cards = kept_cards(articles, request)
    marker = Marker(query.all_words) if query else None
    for article in articles:
        card = cards[article.pk]
        if marker is None:
            headline, snippet = article.title, article.dek
        else:
            text = " ".join(part for part in (article.dek, card.body) if part)
            headline = marker.mark(article.title)
            snippet = marker.snippet(text) or lead_text(article.dek or card.body)
        article.card = card.filled(conditional_escape(headline), conditional_escape(snippet))


def kept_cards(articles, request) -> dict[int, Card]:
    host = request.get_host()
    keys = {
        article.pk: fragment_key(
            "search-card",
            host,
            [article.pk, article.last_published_at, article.lead_image_id],
        )
        for article in articles
    }
    by_id = {article.pk: article for article in articles}

    def build(missing: list[int]) -> dict[int, tuple[Card, set[str]]]:
        pages = [by_id[pk] for pk in missing]
        prefetch_related_objects(pages, *card_prefetches(RESULT_RENDITIONS))
        bodies = dict(ArticlePage.objects.filter(pk__in=missing).values_list("pk", "body"))
        return {page.pk: (card(page, bodies.get(page.pk), request), tags(page)) for page in pages}

    return cached_each(keys, build, timeout=SECONDS)


def card(article, body, request) -> Card:
    stream_block = ArticlePage.body.field.stream_block
    text = " ".join(stream_block.get_searchable_content(body)) if body else ""
    html = render_to_string("search/result.html", {"article": article, "request": request})
    if HEADLINE not in html or SNIPPET not in html:
        raise ValueError(f"search/result.html must hold {HEADLINE} and {SNIPPET}")
    return Card(html=html, body=text)


def tags(article) -> set[str]:
    return {page_tag(article.pk), *(page_tag(b.person_id) for b in article.bylines.all())}
