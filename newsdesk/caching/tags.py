"""Cache tags: what a public response shows, so that a change purges exactly those responses.

Every public response carries its tags in the `X-Cache-Tags` header, separated by spaces:

    all               every public response: banner, navigation, footer, site settings
    page-<id>         shows page <id>: the page itself, or a story card, byline or feed item of
                      an article or person (recorded when the page object is loaded)
    section-<id>      lists a section's articles: the section page (every page of it), its feeds
    person-<id>       lists a person's articles: the profile, the author feeds
    tag-<id>          lists a tag's articles: the tag page, the tag feeds
    archive-<Y>-<M>   lists a month's articles: /archive/<Y>/<M>/, the month's sitemap
    articles          lists articles from the whole site: home, /archive/, site feeds, search
    people            lists people: the people index, the search filters
    sitemaps          the sitemap index, the pages sitemap and the news sitemap
    corrections       the corrections page
    missing           404s and redirects: a page published or moved may take their URL

`services.page_change_tags()` is the other half: which tags a change purges.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

HEADER = "X-Cache-Tags"
ALL = "all"
ARTICLES = "articles"
PEOPLE = "people"
SITEMAPS = "sitemaps"
CORRECTIONS = "corrections"
MISSING = "missing"
# Varnish refuses response headers over 8 KB; past this, cards' page tags give way to the
# list tags that every article or person change purges anyway.
MAX_HEADER = 4000

_collected: ContextVar[set[str] | None] = ContextVar("newsdesk_cache_tags", default=None)


def page_tag(page_id: int) -> str:
    return f"page-{page_id}"


def section_tag(section_id: int) -> str:
    return f"section-{section_id}"


def person_tag(person_id: int) -> str:
    return f"person-{person_id}"


def tag_tag(tag_id: int) -> str:
    return f"tag-{tag_id}"


def archive_tag(when: date | datetime | None = None, *, year: int = 0, month: int = 0) -> str:
    """The month of `when` in the site's time zone (as the sitemaps group it), or year/month."""
    if when is not None:
        if isinstance(when, datetime):
            when = timezone.localtime(when) if timezone.is_aware(when) else when
        year, month = when.year, when.month
    return f"archive-{int(year):04d}-{int(month):02d}"


@contextmanager
def collecting():
    """Collect the tags of what is loaded and declared while handling one request."""
    tags: set[str] = set()
    token = _collected.set(tags)
    try:
        yield tags
    finally:
        _collected.reset(token)


def collected() -> frozenset[str]:
    """The tags collected so far for the response being built (none outside a request)."""
    return frozenset(_collected.get() or ())


def add_tags(*tags: str) -> None:
    """Declare tags for the response being built (no-op outside a request)."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


def page_loaded(sender, instance, **kwargs) -> None:
    """post_init receiver for the page types shown as cards and bylines (articles, people)."""
    collected = _collected.get()
    if collected is not None and instance.pk is not None:
        collected.add(f"page-{instance.pk}")


def subject_tags(subject) -> tuple[str, ...]:
    """The list tags of a listing's subject: None is the whole site."""
    from taggit.models import Tag

    from newsdesk.articles.models import HomePage, SectionPage
    from newsdesk.people.models import PeopleIndexPage, PersonPage

    if subject is None or isinstance(subject, HomePage):
        return (ARTICLES,)
    if isinstance(subject, SectionPage):
        return (section_tag(subject.pk),)
    if isinstance(subject, PersonPage):
        return (person_tag(subject.pk),)
    if isinstance(subject, Tag):
        return (tag_tag(subject.pk),)
    if isinstance(subject, PeopleIndexPage):
        return (PEOPLE,)
    return ()


ROUTE_TAGS = {
    "sitemaps:index": (SITEMAPS,),
    "sitemaps:pages": (SITEMAPS,),
    "sitemaps:news": (SITEMAPS,),
    "site_search:search": (ARTICLES, PEOPLE),
    "corrections:index": (CORRECTIONS,),
}


def route_tags(request) -> tuple[str, ...]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ()
    if match.view_name == "sitemaps:articles":
        return (archive_tag(year=match.kwargs["year"], month=match.kwargs["month"]),)
    return ROUTE_TAGS.get(match.view_name, ())


def response_tags(request, response, collected: Iterable[str] = ()) -> list[str]:
    """Every tag of a public response: collected while rendering, from the page, the route."""
    from wagtail.models import Page

    tags = {ALL, *collected, *route_tags(request)}
    served = None
    context = getattr(response, "context_data", None) or {}
    page = context.get("page")
    if isinstance(page, Page):
        served = page_tag(page.pk)
        tags.add(served)
        route = getattr(request, "routable_resolver_match", None)  # the home page's sub-pages
        if route is not None and route.url_name == "archive_month":
            tags.add(archive_tag(year=route.kwargs["year"], month=route.kwargs["month"]))
        else:
            tags.update(subject_tags(context.get("tag") or page))
    if response.status_code in (301, 404, 410):
        tags.add(MISSING)
    if len(" ".join(tags)) > MAX_HEADER:
        # Cards beyond counting: any article or person change purges this response instead.
        tags = {tag for tag in tags if not tag.startswith("page-") or tag == served}
        tags.update((ARTICLES, PEOPLE))
    return sorted(tags)
