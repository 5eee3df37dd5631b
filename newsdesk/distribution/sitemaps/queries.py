"""What the sitemaps list: a few queries each, however many URLs there are.

Articles always start from ``ArticlePage.objects.published()``; the other pages from
``live().public()``. Rows come as tuples (``values_list``), never as page objects: building
100,000 model instances would cost more than the rest of the response together.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import HttpRequest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site, get_page_models

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.articles.pagination import COUNT_SECONDS
from newsdesk.caching.fragments import DEFAULT_TIMEOUT, cached
from newsdesk.caching.tags import archive_tag
from newsdesk.people.models import PersonPage

from .xml import newest

# The sitemaps protocol's limit per file. Month children rarely come near it; a month that
# does is split into pages (-p2, -p3...) in publication order, so an article never moves.
URLS_PER_SITEMAP = 50_000
# Rows fetched per round trip while streaming. On PostgreSQL, iterator() uses a server-side
# cursor; outside a transaction Django declares it WITH HOLD, so the server runs the query to
# the end before the first fetch (the first byte waits for the query, not for the whole
# document) and no snapshot is held while a slow crawler reads. Python holds one chunk.
ROWS_PER_FETCH = 2_000
# Google News: articles of the last two days, at most 1,000 per news sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000
# The lead image as the article page shows it (the JPEG in the figure's <picture>, which the
# feeds and JSON-LD use too), so that the sitemap names a file readers and Google Images see.
# Only renditions that already exist are listed: making one costs a file read, a resize and a
# write, which a sitemap request for thousands of articles must never do. The article page
# makes it on its first view (the demo loader makes it at once), and the next sitemap fetch
# lists it. The original upload is not an alternative: it can be huge, uncropped, carry camera
# metadata, and is not what the page shows.
IMAGE_RENDITION = "fill-1200x675|format-jpeg"


@dataclass(frozen=True)
class SiteURLs:
    """The Wagtail site a request is for, and how its page paths become absolute URLs.

    URLs use the scheme and host of the request: a sitemap may only list URLs of the host it
    is served from, and the site was chosen by that host in the first place.
    """

    site: Site
    root: Page
    base: str

    @classmethod
    def for_request(cls, request: HttpRequest) -> SiteURLs | None:
        site = Site.find_for_request(request)
        if site is None:
            return None
        base = f"{request.scheme}://{request.get_host()}"
        return cls(site=site, root=site.root_page, base=base)

    def page(self, url_path: str) -> str:
        # Page.get_url_parts does the same (url_path below the site root) for a site without
        # WAGTAIL_I18N_ENABLED, which this one is; no page type here overrides its URL.
        return f"{self.base}/{url_path[len(self.root.url_path) :]}"

    def absolute(self, path: str) -> str:
        """A URL from storage or reverse(): absolute already (object storage), or made so."""
        return path if "://" in path else f"{self.base}{path}"

    @cached_property
    def articles(self):
        # Built once per request: published() reads the view restrictions when it is built.
        return ArticlePage.objects.published().descendant_of(self.root)

    @property
    def publication_name(self) -> str:
        return self.site.site_name or settings.WAGTAIL_SITE_NAME


def news_language(language_code: str = "") -> str:
    """Google News wants an ISO 639 code, and zh-cn / zh-tw for the two Chinese scripts."""
    code = (language_code or settings.LANGUAGE_CODE).lower().replace("_", "-")
    chinese = {"zh-hans": "zh-cn", "zh-cn": "zh-cn", "zh-sg": "zh-cn", "zh-hant": "zh-tw"}
    if code.startswith("zh"):
        return chinese.get(code, "zh-tw" if code in ("zh-tw", "zh-hk", "zh-mo") else "zh-cn")
    return code.split("-")[0]


# Articles by month -------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSitemap:
    year: int
    month: int
    page: int
    urls: int
    lastmod: datetime | None

    @property
    def kwargs(self) -> dict:
        kwargs = {"year": f"{self.year:04d}", "month": f"{self.month:02d}"}
        return kwargs | ({"page": str(self.page)} if self.page > 1 else {})


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in the site's time zone (the one TruncMonth groups by)."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


def month_articles(urls: SiteURLs, year: int, month: int):
    start, end = month_bounds(year, month)
    return urls.articles.filter(first_published_at__gte=start, first_published_at__lt=end).order_by(
        "first_published_at", "pk"
    )


def page_slice(queryset, page: int):
    offset = (page - 1) * URLS_PER_SITEMAP
    return queryset[offset : offset + URLS_PER_SITEMAP]


def lastmod_of(queryset) -> datetime | None:
    values = queryset.aggregate(published=Max("last_published_at"), updated=Max("updated_at"))
    return newest(values["published"], values["updated"])


def article_sitemaps(urls: SiteURLs) -> list[ArticleSitemap]:
    """Every month that has published articles, with its count and newest change.

    Months come from the fragment cache (`month_summary`), so a render reads one index entry
    for the first month, however many articles there are. A month over URLS_PER_SITEMAP
    costs one more query per page, for that page's lastmod.
    """
    first = urls.articles.order_by("first_published_at").values_list(
        "first_published_at", flat=True
    )[:1]
    if not first:
        return []
    start, today = timezone.localtime(first[0]), timezone.localdate()
    sitemaps = []
    for n in range(start.year * 12 + start.month - 1, today.year * 12 + today.month):
        year, month = n // 12, n % 12 + 1
        count, lastmod = month_summary(urls, year, month)
        pages = math.ceil(count / URLS_PER_SITEMAP)
        if pages == 1:
            sitemaps.append(ArticleSitemap(year, month, 1, count, lastmod))
            continue
        articles = month_articles(urls, year, month)
        for page in range(1, pages + 1):  # none for a month without articles
            size = min(URLS_PER_SITEMAP, count - (page - 1) * URLS_PER_SITEMAP)
            lastmod = lastmod_of(page_slice(articles, page))
            sitemaps.append(ArticleSitemap(year, month, page, size, lastmod))
    return sitemaps


def month_summary(urls: SiteURLs, year: int, month: int) -> tuple[int, datetime | None]:
    """(articles, newest change) of a month: one query over the month's stretch of the date
    index, cached until an article of the month changes (its archive tag). The current month
    also expires after COUNT_SECONDS, so that stories scheduled to appear are counted.
    Grouping every article by month on each render took 2 s at a million articles."""

    def build():
        articles = month_articles(urls, year, month).order_by()
        values = articles.aggregate(
            urls=Count("pk"), published=Max("last_published_at"), updated=Max("updated_at")
        )
        return values["urls"], newest(values["published"], values["updated"])

    today = timezone.localdate()
    return cached(
        f"sitemap-month:{urls.root.pk}:{year}-{month}",
        build,
        tags=[archive_tag(year=year, month=month)],
        timeout=COUNT_SECONDS if (year, month) >= (today.year, today.month) else DEFAULT_TIMEOUT,
    )


def article_values(articles):
    """(url_path, last_published_at, updated_at, rendition file) rows for `articles`."""
    renditions = get_image_model().get_rendition_model().objects
    image_file = (
        renditions.filter(image_id=OuterRef("lead_image_id"), filter_spec=IMAGE_RENDITION)
        .order_by("-pk")
        .values("file")[:1]
    )
    return articles.annotate(image_file=Subquery(image_file)).values_list(
        "url_path", "last_published_at", "updated_at", "image_file"
    )


def article_rows(urls: SiteURLs, year: int, month: int, page: int):
    """The rows of one article child, in publication order."""
    return page_slice(article_values(month_articles(urls, year, month)), page)


# Pages that are not articles ---------------------------------------------------------------


def listing_lastmods(urls: SiteURLs) -> tuple[dict[str, datetime], dict[int, datetime]]:
    """When each section's and each person's list of articles last changed: one query.

    A section or profile page shows its newest articles, so it changes whenever one of them
    is published or updated, not only when its own fields are edited. One pass over the
    published articles grouped by (section, byline) serves both; Python folds the groups.
    """
    parent = Substr("path", 1, Length("path") - ArticlePage.steplen)
    groups = (
        urls.articles.order_by()
        .annotate(parent=parent)
        .values("parent", "bylines__person_id")
        .annotate(published=Max("last_published_at"), updated=Max("updated_at"))
    )
    by_section: dict[str, datetime] = {}
    by_person: dict[int, datetime] = {}
    for row in groups:
        moment = newest(row["published"], row["updated"])
        by_section[row["parent"]] = newest(by_section.get(row["parent"]), moment)
        if (person := row["bylines__person_id"]) is not None:
            by_person[person] = newest(by_person.get(person), moment)
    return by_section, by_person


def other_pages(urls: SiteURLs):
    # Named by their types (an index), not as "not an article": that read every article.
    others = [m for m in get_page_models() if m is not Page and not issubclass(m, ArticlePage)]
    return (
        Page.objects.live()
        .public()
        .descendant_of(urls.root, inclusive=True)
        .type(*others)
        .order_by("path")
    )


def page_rows(urls: SiteURLs) -> Iterator[tuple[str, datetime | None]]:
    """(url_path, lastmod) of every live public page that is not an article."""
    by_section, by_person = listing_lastmods(urls)
    newest_article = max(filter(None, by_section.values()), default=None)
    home_type, section_type, person_type = (
        ContentType.objects.get_for_model(model).pk for model in (HomePage, SectionPage, PersonPage)
    )
    rows = other_pages(urls).values_list(
        "pk", "path", "url_path", "content_type_id", "last_published_at"
    )
    for pk, path, url_path, content_type, published in rows.iterator(ROWS_PER_FETCH):
        if content_type == home_type:
            yield url_path, newest(published, newest_article)
        elif content_type == section_type:
            yield url_path, newest(published, by_section.get(path))
        elif content_type == person_type:
            yield url_path, newest(published, by_person.get(pk))
        else:
            yield url_path, published


def pages_lastmod(urls: SiteURLs, newest_article: datetime | None) -> datetime | None:
    """The newest lastmod in the pages child: its own newest, or the home page's listing."""
    own = other_pages(urls).aggregate(newest=Max("last_published_at"))["newest"]
    return newest(own, newest_article)


# Google News -------------------------------------------------------------------------------


def news_articles(urls: SiteURLs, now: datetime | None = None):
    since = (now or timezone.now()) - NEWS_WINDOW
    return urls.articles.filter(first_published_at__gte=since).order_by(
        "-first_published_at", "-pk"
    )[:NEWS_LIMIT]


def news_rows(urls: SiteURLs, now: datetime | None = None):
    return news_articles(urls, now).values_list(
        "url_path", "title", "first_published_at", "last_published_at", "updated_at"
    )
