"""Paging through listings: numbered pages near the top, keyset pages further back.

A listing's first NUMBERED_PAGES pages are `?page=N` (an OFFSET of at most a few hundred
rows). Past them, "Older" links carry the last story shown, `?before=<time>-<id>`, and the
next page is the stories just older than it, read from the date index whatever the depth:
at a million articles, OFFSET to the middle of a section read half a million rows. A keyset
page links back with `?after=` (the stories just newer than its first). Search results are
ranked, not dated: they keep numbered pages (`paginate(..., keyset=False)`).
"""

from datetime import UTC, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property

from .queries import attach_sections

PAGE_SIZE = 12
NUMBERED_PAGES = 10
COUNT_SECONDS = 5 * 60  # a story scheduled to appear is counted within five minutes


class ListingPaginator(Paginator):
    """Django's paginator with the listing's count cached and page numbers elided.

    Counting a section of a million-article site reads every story in it; the count only
    changes when an article of the listing does, which purges the listing's tag. Page links
    are the first and two either side of the current page, up to NUMBERED_PAGES (then keyset
    links), or up to the last page for listings without keyset pages.
    """

    def __init__(self, object_list, per_page, *, tag: str = "", keyset: bool = True):
        super().__init__(object_list, per_page)
        self.tag = tag
        self.keyset = keyset

    @cached_property
    def count(self) -> int:
        from newsdesk.caching.fragments import cached

        if not self.tag:
            return super().count
        return cached(
            f"count:{self.tag}", self.object_list.count, tags=[self.tag], timeout=COUNT_SECONDS
        )

    def _get_page(self, object_list, number, paginator):
        return NumberedPage(object_list, number, paginator)

    def numbers(self, current: int | None) -> list:
        last = min(self.num_pages, NUMBERED_PAGES) if self.keyset else self.num_pages
        if current is None or current > last:
            return list(range(1, min(last, 3) + 1))
        shown = Paginator(range(last), 1)
        return list(shown.get_elided_page_range(current, on_each_side=2, on_ends=1))


class NumberedPage(Page):
    """A `?page=N` page. Its links are query strings: `page=3`, or a keyset `before=...`."""

    @property
    def numbers(self) -> list:
        return self.paginator.numbers(self.number)

    @property
    def query(self) -> str:
        return f"page={self.number}" if self.number > 1 else ""

    @property
    def previous_query(self) -> str | None:
        if not self.has_previous():
            return None
        return f"page={self.number - 1}" if self.number > 2 else ""

    @property
    def next_query(self) -> str | None:
        if not self.has_next():
            return None
        if self.paginator.keyset and self.number >= NUMBERED_PAGES and len(self):
            return f"before={cursor(self[-1])}"
        return f"page={self.number + 1}"


class KeysetPage:
    """Stories just older (`before`) or just newer (`after`) than a story, newest first."""

    number = None  # no page number: "Older stories" in titles and links

    def __init__(self, paginator, object_list, *, query: str, older: bool, newer: bool):
        self.paginator = paginator
        self.object_list = object_list
        self.query = query
        self.next_query = f"before={cursor(object_list[-1])}" if older else None
        self.previous_query = f"after={cursor(object_list[0])}" if newer else None

    @property
    def numbers(self) -> list:
        return self.paginator.numbers(None)

    def has_next(self) -> bool:
        return self.next_query is not None

    def has_previous(self) -> bool:
        return self.previous_query is not None

    def __len__(self) -> int:
        return len(self.object_list)


def cursor(article) -> str:
    moment = article.first_published_at
    return f"{int(moment.timestamp() * 1_000_000)}-{article.pk}"


def parse_cursor(value: str) -> tuple[datetime, int]:
    micros, _, pk = value.partition("-")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 17 or len(pk) > 12:
        raise Http404("That page of stories does not exist: its link is damaged.")
    return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(pk)


def keyset_page(paginator: ListingPaginator, *, before: str = "", after: str = ""):
    """The page of stories older than `before` or newer than `after`, or None when `after`
    reaches the newest stories (the first page shows those)."""
    moment, pk = parse_cursor(before or after)
    per_page, stories = paginator.per_page, paginator.object_list
    if before:
        # The first condition alone is what the date index can seek to; with only the OR,
        # PostgreSQL read every newer story first (0.9 s half-way through a million).
        older = Q(first_published_at__lte=moment) & (
            Q(first_published_at__lt=moment) | Q(pk__lt=pk)
        )
        found = list(stories.filter(older)[: per_page + 1])
        if not found:
            raise Http404("There are no older stories.")
        return KeysetPage(
            paginator,
            found[:per_page],
            query=f"before={before}",
            older=len(found) > per_page,
            newer=True,
        )
    newer = Q(first_published_at__gte=moment) & (Q(first_published_at__gt=moment) | Q(pk__gt=pk))
    found = list(stories.filter(newer).order_by("first_published_at", "pk")[: per_page + 1])
    if len(found) <= per_page:
        return None
    found = found[:per_page][::-1]
    return KeysetPage(paginator, found, query=f"after={after}", older=True, newer=True)


def listing_page(request, queryset, per_page: int = PAGE_SIZE, *, tag: str = "", keyset=True):
    """The page of the listing the request asks for (`page`, `before` or `after`)."""
    paginator = ListingPaginator(queryset, per_page, tag=tag, keyset=keyset)
    before, after = request.GET.get("before", ""), request.GET.get("after", "")
    if keyset and (before or after):
        page = keyset_page(paginator, before=before, after=after)
        if page is not None:
            return page
        return paginator.get_page(1)
    return paginator.get_page(request.GET.get("page"))


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, tag: str = "", keyset=True):
    """A page of the listing, its cards with their sections.

    `tag`: the listing's cache tag (`section-5`), under which its count is cached.
    `keyset`: False for listings not in date order (search results by relevance).
    """
    page_obj = listing_page(request, queryset, per_page, tag=tag, keyset=keyset)
    page_obj.object_list = attach_sections(page_obj.object_list)
    return page_obj
