"""The reader-facing search page at /search/.

Anonymous and cacheable: a GET form, no session, no cookies. Every query starts from
`ArticlePage.objects.published()`, so drafts, scheduled, embargoed, expired and private
articles never appear. Any input gets a page: unusable filter values are ignored with a
note, the query is cleaned and capped (see query.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from newsdesk.articles.models import ArticleByline, ArticlePage, SectionPage
from newsdesk.articles.pagination import paginate
from newsdesk.articles.queries import public_sections
from newsdesk.people.models import PersonPage

from . import backend
from .cards import RESULT_RENDITIONS, result_cards
from .query import MAX_QUERY_LENGTH, ReaderQuery
from .suggest import did_you_mean

SORTS = {"relevance": "Best match", "newest": "Newest first"}
FIRST_YEAR, LAST_YEAR = 1900, 2999  # dates outside are typing slips, not archive searches
SHOWN = 40  # characters of a rejected filter value repeated in its note
PEOPLE_CACHE_KEY = "site_search:people:1"
PEOPLE_CACHE_SECONDS = 600


def shown(value: str) -> str:
    return value if len(value) <= SHOWN else value[:SHOWN] + "…"


@dataclass
class Filters:
    section: SectionPage | None = None
    author: PersonPage | None = None
    article_type: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(
            self.section or self.author or self.article_type or self.date_from or self.date_to
        )

    @classmethod
    def parse(cls, params: QueryDict, *, sections, people) -> "Filters":
        # Values are matched against lists in memory, never sent to the database as typed.
        filters = cls()
        if slug := params.get("section", ""):
            filters.section = next((s for s in sections if s.slug == slug), None)
            if filters.section is None:
                filters.notes.append(f"There is no section “{shown(slug)}”: searched all sections.")
        if slug := params.get("author", ""):
            filters.author = next((p for p in people if p.slug == slug), None)
            if filters.author is None:
                filters.notes.append(f"No author “{shown(slug)}” found: searched every author.")
        if kind := params.get("type", ""):
            if kind in ArticlePage.ArticleType.values:
                filters.article_type = kind
            else:
                filters.notes.append(f"“{shown(kind)}” is not an article type: searched all types.")
        for name, label, attr in (("from", "From", "date_from"), ("to", "To", "date_to")):
            if value := params.get(name, ""):
                parsed = parse_date(value)
                if parsed is None:
                    filters.notes.append(
                        f"{label} date “{shown(value)}” is not a date from {FIRST_YEAR} to "
                        f"{LAST_YEAR} (YYYY-MM-DD): ignored."
                    )
                setattr(filters, attr, parsed)
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            filters.date_from, filters.date_to = filters.date_to, filters.date_from
            filters.notes.append("The dates were the wrong way round: we swapped them.")
        sort = params.get("sort", "")
        if sort in SORTS:
            filters.sort = sort
        elif sort:
            filters.notes.append(f"Unknown order “{shown(sort)}”: sorted by best match.")
        return filters

    def apply(self, articles):
        """Narrow a published() queryset; every lookup is on a FilterField, for any backend."""
        if self.section:
            articles = articles.child_of(self.section)
        if self.author:
            articles = articles.filter(bylines__person=self.author)
        if self.article_type:
            articles = articles.filter(article_type=self.article_type)
        if self.date_from:
            articles = articles.filter(first_published_at__gte=start_of(self.date_from))
        if self.date_to:
            articles = articles.filter(first_published_at__lt=start_of(self.date_to + timedelta(1)))
        return articles


def parse_date(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def bylined_people() -> list[PersonPage]:
    """People with a byline on a live article, for the author filter. Cached: finding them
    reads every byline (about 150 ms at 100,000 articles), and they change rarely."""
    people = cache.get(PEOPLE_CACHE_KEY)
    if people is None:
        bylined = ArticleByline.objects.filter(person=OuterRef("pk"), page__live=True)
        people = list(PersonPage.objects.live().public().filter(Exists(bylined)).order_by("title"))
        cache.set(PEOPLE_CACHE_KEY, people, PEOPLE_CACHE_SECONDS)
    return people


def suggest(query: ReaderQuery, filters: Filters, published) -> tuple[str, bool] | None:
    """A respelling that finds something: with the reader's filters if possible, else
    without them (then the link drops them). Only asked when nothing was found."""
    text = did_you_mean(query)
    if not text:
        return None
    respelled = ReaderQuery.parse(text).search_query()

    def finds(articles) -> bool:
        # The newest match is enough to know (a count would find the newest 500).
        newest = articles.order_by("-first_published_at")
        return bool(list(newest.search(respelled, order_by_relevance=False)[:1]))

    if filters.active and finds(filters.apply(published)):
        return text, True
    if finds(published):
        return text, False
    return None


@require_safe
def search(request):
    raw = request.GET.get("q", "")
    query = ReaderQuery.parse(raw)
    sections = public_sections()
    published = ArticlePage.objects.published()
    people = bylined_people()
    filters = Filters.parse(request.GET, sections=sections, people=people)
    notes = list(filters.notes)
    if query.truncated:
        notes.insert(
            0, f"Searches use the first {MAX_QUERY_LENGTH} characters: we shortened yours."
        )
    elif query.dropped_terms:
        notes.insert(0, "Searches use the first 12 words: we left out the rest.")
    if raw.strip() and not query:
        notes.insert(
            0, "Search for words or numbers: symbols and emoji on their own are not searched."
        )

    # Bylines and renditions only for cards not kept already (cards.py).
    articles = filters.apply(published).for_listing(renditions=RESULT_RENDITIONS)
    articles = articles.prefetch_related(None)
    results = None
    if query:
        if filters.sort == "newest":
            results = articles.order_by("-first_published_at").search(
                query.search_query(), order_by_relevance=False
            )
        else:
            results = articles.search(query.search_query())
    elif filters.active:
        # Browsing a section, an author or dates: newest first, counted up to the same cap
        # as a search (the section's own page lists everything).
        results = articles[: backend.RESULTS_CAP + 1]

    page_obj = paginate(request, results, keyset=False) if results is not None else None
    suggestion = None
    if page_obj is not None:
        result_cards(page_obj.object_list, query, request)
        if query and not page_obj.paginator.count:
            suggestion = suggest(query, filters, published)

    params = {
        "q": query.text,
        "section": filters.section.slug if filters.section else "",
        "author": filters.author.slug if filters.author else "",
        "type": filters.article_type,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
        "sort": filters.sort if filters.sort != "relevance" else "",
    }
    kept = {name: value for name, value in params.items() if value}
    if suggestion:
        text, keep_filters = suggestion
        suggestion = text
        suggestion_query = urlencode({**(kept if keep_filters else {}), "q": text})
    context = {
        "query": query,
        "filters": filters,
        "notes": notes,
        "page_obj": page_obj,
        "searched": page_obj is not None,
        "sections": sections,
        "people": people,
        "types": ArticlePage.ArticleType.choices,
        "sorts": SORTS,
        "max_length": MAX_QUERY_LENGTH,
        "results_cap": backend.RESULTS_CAP,
        "suggestion": suggestion,
        "suggestion_query": suggestion_query if suggestion else "",
        "page_query": urlencode(kept) + "&" if kept else "",
        "newer_label": "← Previous",
        "older_label": "Next →",
        "is_search": True,  # the masthead leaves its search box to this page
    }
    return TemplateResponse(request, "search/search.html", context)
