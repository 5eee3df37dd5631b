"""The sitemap views: each streams its XML while the rows arrive from the database.

The response starts as soon as the first ~64 KB are written, and memory holds one chunk of
rows at a time, however many URLs there are. The queries run inside the generators, so a view
returns at once; a failure half-way leaves a truncated document, which crawlers retry.
"""

from collections.abc import Iterator

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

from . import queries
from .queries import ROWS_PER_FETCH, SiteURLs
from .xml import (
    IMAGE_NS,
    NEWS_NS,
    SITEMAP_NS,
    XML_DECLARATION,
    chunked,
    newest,
    text,
    url,
    w3c,
)

XML = "application/xml; charset=utf-8"

# Kept out of crawlers: the admin, search result pages (endless and thin), signed preview
# links, and the reader-interaction endpoints (comment and rating POSTs, reply forms and
# unsubscribe links, which are noindex pages reached only from articles or emails; the read
# counter's beacon and pixel).
ROBOTS_DISALLOW = (
    "/admin/",
    "/django-admin/",
    "/search/",
    "/preview/",
    "/comments/",
    "/ratings/",
    "/views/",
)


def stream(parts: Iterator[str]) -> StreamingHttpResponse:
    return StreamingHttpResponse(chunked(parts), content_type=XML)


def site_urls(request) -> SiteURLs:
    urls = SiteURLs.for_request(request)
    if urls is None:
        raise Http404("No site is configured for this host.")
    return urls


def lastmod(moment) -> str:
    return f"<lastmod>{w3c(moment)}</lastmod>" if moment else ""


@require_safe
def sitemap_index(request):
    return stream(index_parts(site_urls(request)))


def index_parts(urls: SiteURLs) -> Iterator[str]:
    def entry(name: str, moment, **kwargs) -> str:
        loc = url(urls.absolute(reverse(f"sitemaps:{name}", kwargs=kwargs or None)))
        return f"<sitemap><loc>{loc}</loc>{lastmod(moment)}</sitemap>\n"

    yield XML_DECLARATION
    yield f'<sitemapindex xmlns="{SITEMAP_NS}">\n'
    months = queries.article_sitemaps(urls)
    newest_article = newest(*(month.lastmod for month in months))
    yield entry("pages", queries.pages_lastmod(urls, newest_article))
    # Listed even while empty (a quiet weekend): Google asks for one stable news sitemap.
    yield entry("news", queries.lastmod_of(queries.news_articles(urls)))
    for month in reversed(months):
        yield entry("articles", month.lastmod, **month.kwargs)
    yield "</sitemapindex>\n"


@require_safe
def pages_sitemap(request):
    urls = site_urls(request)

    def parts() -> Iterator[str]:
        yield XML_DECLARATION
        yield f'<urlset xmlns="{SITEMAP_NS}">\n'
        for url_path, moment in queries.page_rows(urls):
            yield f"<url><loc>{url(urls.page(url_path))}</loc>{lastmod(moment)}</url>\n"
        yield "</urlset>\n"

    return stream(parts())


@require_safe
def articles_sitemap(request, year: str, month: str, page: str | None = None):
    urls = site_urls(request)
    year_, month_, page_ = int(year), int(month), int(page or 1)
    if not queries.page_slice(queries.month_articles(urls, year_, month_), page_).exists():
        raise Http404("No articles were published in that month (or on that page).")
    return stream(article_parts(urls, queries.article_rows(urls, year_, month_, page_)))


def article_parts(urls: SiteURLs, rows) -> Iterator[str]:
    """A urlset of articles from rows of queries.article_rows (the benchmark reuses it)."""
    storage = get_image_model().get_rendition_model()._meta.get_field("file").storage
    yield XML_DECLARATION
    yield f'<urlset xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}">\n'
    for url_path, published, updated, image_file in rows.iterator(ROWS_PER_FETCH):
        image = ""
        if image_file:
            image_url = url(urls.absolute(storage.url(image_file)))
            image = f"<image:image><image:loc>{image_url}</image:loc></image:image>"
        yield (
            f"<url><loc>{url(urls.page(url_path))}</loc>"
            f"{lastmod(newest(published, updated))}{image}</url>\n"
        )
    yield "</urlset>\n"


@require_safe
def news_sitemap(request):
    urls = site_urls(request)
    publication = (
        f"<news:publication><news:name>{text(urls.publication_name)}</news:name>"
        f"<news:language>{queries.news_language()}</news:language></news:publication>"
    )
    rows = queries.news_rows(urls)

    def parts() -> Iterator[str]:
        yield XML_DECLARATION
        yield f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
        for url_path, title, first_published, published, updated in rows.iterator(ROWS_PER_FETCH):
            yield (
                f"<url><loc>{url(urls.page(url_path))}</loc>"
                f"{lastmod(newest(published, updated))}"
                f"<news:news>{publication}"
                f"<news:publication_date>{w3c(first_published)}</news:publication_date>"
                f"<news:title>{text(title)}</news:title></news:news></url>\n"
            )
        yield "</urlset>\n"

    return stream(parts())


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemaps:index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
