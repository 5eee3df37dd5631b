"""Sitemaps, the Google News sitemap and robots.txt.

Every document is validated against the official sitemaps.org schemas with Google's news and
image schemas loaded beside them (``processContents="strict"``: an extension element is
checked, not skipped), and holds exactly what readers may see.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from wagtail.models import PageViewRestriction, Site

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.conftest import shared_dir
from newsdesk.demo import factories
from newsdesk.distribution.sitemaps import queries
from newsdesk.distribution.sitemaps.xml import IMAGE_NS, NEWS_NS, SITEMAP_NS
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"sm": SITEMAP_NS, "news": NEWS_NS, "image": IMAGE_NS}
XML = "application/xml; charset=utf-8"
W3C_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
ALL = ("/sitemap.xml", "/sitemaps/pages.xml", "/news-sitemap.xml", "/robots.txt")


def composed_schema(official: str) -> etree.XMLSchema:
    """One sitemaps.org schema plus Google's news and image schemas, as one schema set.

    sitemap.xsd and siteindex.xsd share a namespace, so each gets its own composition.
    """
    imports = [
        (SITEMAP_NS, shared_dir() / "fixtures" / "schemas" / official),
        (NEWS_NS, SCHEMAS / "sitemap-news.xsd"),
        (IMAGE_NS, SCHEMAS / "sitemap-image.xsd"),
    ]
    wrapper = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{path.as_uri()}"/>'
        for namespace, path in imports
    )
    return etree.XMLSchema(
        etree.fromstring(
            f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{wrapper}</xsd:schema>'
        )
    )


@pytest.fixture(scope="module")
def urlset_schema():
    return composed_schema("sitemap.xsd")


@pytest.fixture(scope="module")
def index_schema():
    return composed_schema("siteindex.xsd")


def fetch(client, path: str, **extra):
    response = client.get(path, **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def xml(client, path: str):
    response, body = fetch(client, path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == XML
    assert response.streaming, f"{path} is not streamed"
    return etree.fromstring(body)


def path_of(url: str) -> str:
    return urlsplit(url).path


def children(client) -> dict[str, etree._Element]:
    index = xml(client, "/sitemap.xml")
    locs = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    return {path_of(loc): xml(client, path_of(loc)) for loc in locs}


def locs(document) -> list[str]:
    return document.xpath("//sm:url/sm:loc/text()", namespaces=NS)


def lastmods(document, loc_path: str = "") -> list[datetime]:
    values = document.xpath("//sm:lastmod/text()", namespaces=NS)
    if loc_path:
        values = document.xpath(
            "//sm:url[sm:loc[substring-after(., '//testserver') = $p]]/sm:lastmod/text()",
            namespaces=NS,
            p=loc_path,
        )
    return [datetime.fromisoformat(value) for value in values]


def month_path(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"/sitemaps/articles-{moment:%Y-%m}.xml"


def article(**kwargs) -> ArticlePage:
    section = kwargs.pop("section", None) or SectionPage.objects.get(slug="world")
    return factories.make_article(
        section=section, body=[{"type": "paragraph", "value": "Text."}], **kwargs
    )


# Validity ---------------------------------------------------------------------------------


def test_every_sitemap_validates_against_the_official_schemas(client, urlset_schema, index_schema):
    index = xml(client, "/sitemap.xml")
    index_schema.assertValid(index)
    documents = children(client)
    assert "/sitemaps/pages.xml" in documents and "/news-sitemap.xml" in documents
    assert any(path.startswith("/sitemaps/articles-") for path in documents)
    for path, document in documents.items():
        urlset_schema.assertValid(document)
        for loc in locs(document) + document.xpath("//image:loc/text()", namespaces=NS):
            assert loc.startswith("http://testserver/"), (path, loc)
    # The extension elements are really there, so strict validation really checked them.
    every = list(documents.values())
    assert any(doc.xpath("//news:news", namespaces=NS) for doc in every)
    assert any(doc.xpath("//image:image", namespaces=NS) for doc in every)
    for document in [index, *every]:
        for value in document.xpath(
            "//sm:lastmod/text() | //news:publication_date/text()", namespaces=NS
        ):
            assert W3C_WITH_ZONE.match(value), value


VALID_URL = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://news.example.com/world/a-story/</loc><lastmod>2026-11-03T10:00:00+00:00</lastmod>
<image:image><image:loc>https://news.example.com/media/a.webp</image:loc>{image}</image:image>
<news:news><news:publication><news:name>The Meridian</news:name>
<news:language>{language}</news:language></news:publication>
<news:publication_date>{date}</news:publication_date>{title}{extra}</news:news></url>
</urlset>"""
GOOD = {
    "image": "",
    "language": "en",
    "date": "2026-11-03T10:00:00+01:00",
    "title": "<news:title>A story</news:title>",
    "extra": "",
}


def test_a_correct_document_passes_the_composed_schema(urlset_schema):
    urlset_schema.assertValid(etree.fromstring(VALID_URL.format(**GOOD).encode()))


@pytest.mark.parametrize(
    "broken",
    [
        {"title": ""},  # news:title is required
        {"extra": "<news:keywords>trade</news:keywords>"},  # retired by Google
        {"language": "english"},  # ISO 639 codes only
        {"date": "2026-11-03T10:00:00"},  # a time without a time zone
        {"date": "3 November 2026"},
        {"image": "<image:caption>Retired</image:caption>"},  # retired by Google
        {"extra": '<video:video xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"/>'},
    ],
    ids=["no-title", "keywords", "language", "no-zone", "date", "image-caption", "unknown-ns"],
)
def test_validation_rejects_broken_documents(urlset_schema, broken):
    document = etree.fromstring(VALID_URL.format(**(GOOD | broken)).encode())
    assert not urlset_schema.validate(document)


def test_validation_rejects_a_broken_index(index_schema):
    document = etree.fromstring(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><lastmod>2026-11-03</lastmod></sitemap></sitemapindex>"
    )
    assert not index_schema.validate(document)  # loc is required


# What is listed ---------------------------------------------------------------------------


def test_drafts_embargoed_expired_and_private_pages_never_appear(client):
    home = factories.home_page()
    listed = article(headline="Ministers agree a timetable", published_at=factories.hours_ago(3))
    draft = article(headline="A draft about the harbour", publish=False)
    embargoed = article(
        headline="Embargoed results", published_at=timezone.now() + timedelta(hours=5)
    )
    expired = article(headline="A story with a shelf life", published_at=factories.hours_ago(4))
    expired.unpublish(set_expired=True)
    private = article(headline="For subscribers only", published_at=factories.hours_ago(2))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    members = factories.make_section(home=home, title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    in_private_section = article(section=members, headline="Inside the members' section")
    private_page = factories.make_standard_page(parent=home, title="Staff handbook")
    PageViewRestriction.objects.create(page=private_page, restriction_type="login")

    documents = children(client)
    news = [path_of(loc) for loc in locs(documents.pop("/news-sitemap.xml"))]
    paths = [path_of(loc) for document in documents.values() for loc in locs(document)]
    assert len(paths) == len(set(paths)), "a URL is listed twice"
    assert set(news) <= set(paths)
    assert listed.url in paths
    hidden = [draft, embargoed, expired, private, members, in_private_section, private_page]
    for page in hidden:
        assert page.url not in paths, page.title
    # Including the demo's own unpublished articles (draft, in review, scheduled, embargoed).
    published = set(ArticlePage.objects.published().values_list("pk", flat=True))
    for page in ArticlePage.objects.exclude(pk__in=published):
        assert page.url not in paths, page.title
    assert {a.url for a in ArticlePage.objects.published()} <= set(paths)


def test_pages_sitemap_lists_the_live_public_pages_that_are_not_articles(client):
    paths = [path_of(loc) for loc in locs(xml(client, "/sitemaps/pages.xml"))]
    assert paths[0] == "/"
    for slug in ("world", "opinion"):
        assert SectionPage.objects.get(slug=slug).url in paths
    assert "/people/" in paths and PersonPage.objects.get(slug="amara-okafor").url in paths
    assert "/about/" in paths
    assert not any(path in paths for path in ArticlePage.objects.values_list("url_path", flat=True))


def test_lastmod_is_the_newest_of_last_published_and_updated(client):
    updated = article(
        headline="Port strike enters a second week",
        published_at=factories.hours_ago(30),
        updated_at=factories.hours_ago(2),
    )
    republished = article(headline="Grain prices steady", published_at=factories.hours_ago(30))
    ArticlePage.objects.filter(pk=republished.pk).update(
        last_published_at=timezone.now(), updated_at=factories.hours_ago(20)
    )
    republished.refresh_from_db()

    for page, expected in (
        (updated, updated.updated_at),
        (republished, republished.last_published_at),
    ):
        document = xml(client, month_path(page.first_published_at))
        assert lastmods(document, page.url) == [expected.replace(microsecond=0)]
    # The section and the front page list the story, so they changed when it did.
    pages = xml(client, "/sitemaps/pages.xml")
    newest = republished.last_published_at.replace(microsecond=0)
    assert lastmods(pages, "/") == [newest]
    assert lastmods(pages, "/world/") == [newest]
    assert lastmods(pages, "/about/") < [newest]  # a plain page: its own last publication
    byline = article(
        headline="A correspondent's notebook",
        published_at=factories.hours_ago(5),
        bylines=[PersonPage.objects.get(slug="amara-okafor")],
        updated_at=timezone.now(),
    )
    pages = xml(client, "/sitemaps/pages.xml")
    assert lastmods(pages, "/people/amara-okafor/") == [byline.updated_at.replace(microsecond=0)]


def test_index_lastmod_is_the_newest_lastmod_of_each_child(client):
    article(
        headline="Late edition",
        published_at=factories.hours_ago(1),
        updated_at=factories.hours_ago(0.2),
    )
    index = xml(client, "/sitemap.xml")
    entries = index.xpath("//sm:sitemap", namespaces=NS)
    assert entries
    for entry in entries:
        loc = entry.findtext(f"{{{SITEMAP_NS}}}loc")
        child = xml(client, path_of(loc))
        assert [datetime.fromisoformat(entry.findtext(f"{{{SITEMAP_NS}}}lastmod"))] == [
            max(lastmods(child))
        ], loc


def test_articles_are_split_by_month_and_pages_past_the_limit(client, monkeypatch):
    for n, days in enumerate((40, 41, 42, 75)):
        article(headline=f"From the archive {n}", published_at=factories.hours_ago(24 * days))
    monkeypatch.setattr(queries, "URLS_PER_SITEMAP", 5)
    published = ArticlePage.objects.published()
    by_month: dict[str, int] = {}
    for moment in published.values_list("first_published_at", flat=True):
        key = f"{timezone.localtime(moment):%Y-%m}"
        by_month[key] = by_month.get(key, 0) + 1
    assert len(by_month) >= 2

    documents = children(client)
    expected_paths = {
        f"/sitemaps/articles-{month}.xml"
        if page == 1
        else f"/sitemaps/articles-{month}-p{page}.xml"
        for month, count in by_month.items()
        for page in range(1, -(-count // 5) + 1)
    }
    article_docs = {p: d for p, d in documents.items() if p.startswith("/sitemaps/articles-")}
    assert set(article_docs) == expected_paths
    month_of = {a.url: f"{timezone.localtime(a.first_published_at):%Y-%m}" for a in published}
    listed = []
    for path, document in article_docs.items():
        paths = [path_of(loc) for loc in locs(document)]
        assert 1 <= len(paths) <= 5, path
        month = re.search(r"articles-(\d{4}-\d{2})", path).group(1)
        assert {month_of[p] for p in paths} == {month}, path
        listed += paths
    assert len(listed) == len(set(listed))
    assert set(listed) == set(month_of)

    months = sorted(by_month)
    for missing in (
        f"/sitemaps/articles-{months[-1]}-p99.xml",
        f"/sitemaps/articles-{months[-1]}-p1.xml",
        "/sitemaps/articles-1999-01.xml",
        "/sitemaps/articles-2026-13.xml",
    ):
        assert fetch(client, missing)[0].status_code == 404, missing


# Google News ------------------------------------------------------------------------------


def test_news_sitemap_has_the_last_48_hours_newest_first(client):
    fresh = article(headline="Overnight talks end in a deal", published_at=factories.hours_ago(47))
    stale = article(headline="Talks resume", published_at=factories.hours_ago(49))
    document = xml(client, "/news-sitemap.xml")
    paths = [path_of(loc) for loc in locs(document)]
    assert fresh.url in paths and stale.url not in paths
    dates = [
        datetime.fromisoformat(value)
        for value in document.xpath("//news:publication_date/text()", namespaces=NS)
    ]
    assert dates == sorted(dates, reverse=True)
    assert min(dates) >= timezone.now() - timedelta(hours=48, minutes=1)
    expected = ArticlePage.objects.published().filter(
        first_published_at__gte=timezone.now() - timedelta(hours=48)
    )
    assert set(paths) == {a.url for a in expected}

    item = document.xpath("//sm:url[sm:loc[contains(., $slug)]]", namespaces=NS, slug=fresh.slug)[0]
    assert item.xpath("string(news:news/news:title)", namespaces=NS) == fresh.title
    publication = item.xpath("news:news/news:publication", namespaces=NS)[0]
    assert (
        publication.findtext(f"{{{NEWS_NS}}}name")
        == Site.objects.get(is_default_site=True).site_name
    )
    assert publication.findtext(f"{{{NEWS_NS}}}language") == "en"
    assert datetime.fromisoformat(
        item.xpath("string(news:news/news:publication_date)", namespaces=NS)
    ) == fresh.first_published_at.replace(microsecond=0)


def test_news_sitemap_stops_at_its_cap(client, monkeypatch):
    assert queries.NEWS_LIMIT == 1_000  # Google's limit
    monkeypatch.setattr(queries, "NEWS_LIMIT", 3)
    newest = (
        ArticlePage.objects.published()
        .filter(first_published_at__gte=timezone.now() - timedelta(hours=48))
        .order_by("-first_published_at")[:3]
    )
    assert newest.count() == 3
    paths = [path_of(loc) for loc in locs(xml(client, "/news-sitemap.xml"))]
    assert paths == [a.url for a in newest]


def test_news_language_follows_google_codes():
    assert queries.news_language("en") == "en"
    assert queries.news_language("en-gb") == "en"
    assert queries.news_language("pt-br") == "pt"
    assert queries.news_language("zh-hans") == "zh-cn"
    assert queries.news_language("zh-hant") == "zh-tw"


def test_text_and_urls_are_escaped(client, urlset_schema):
    tricky = article(
        headline='Q&A: "Tariffs" <and> you\x0b',
        slug="café-q-and-a",
        published_at=factories.hours_ago(1),
    )
    document = xml(client, "/news-sitemap.xml")
    urlset_schema.assertValid(document)
    titles = document.xpath("//news:title/text()", namespaces=NS)
    assert 'Q&A: "Tariffs" <and> you' in titles
    assert tricky.slug == "café-q-and-a"
    assert "http://testserver/world/caf%C3%A9-q-and-a/" in locs(document)


# Images -----------------------------------------------------------------------------------


def test_image_entries_use_existing_renditions_and_never_make_one(client):
    demo = ArticlePage.objects.published().filter(lead_image__isnull=False).first()
    rendition = demo.lead_image.renditions.get(filter_spec=queries.IMAGE_RENDITION)
    document = xml(client, month_path(demo.first_published_at))
    images = document.xpath(
        "//sm:url[sm:loc[substring-after(., '//testserver') = $p]]/image:image/image:loc/text()",
        namespaces=NS,
        p=demo.url,
    )
    assert images == [f"http://testserver{rendition.url}"]

    image = factories.make_image(title="Fresh upload", size=(320, 180))
    fresh = article(headline="Fresh photo story", image=image, published_at=factories.hours_ago(1))
    plain = article(headline="No picture", published_at=factories.hours_ago(1))
    Rendition = image.get_rendition_model()
    before = Rendition.objects.count()
    document = xml(client, month_path(fresh.first_published_at))
    assert Rendition.objects.count() == before, "the sitemap made a rendition"

    def image_locs(page):
        return document.xpath(
            "//sm:url[sm:loc[substring-after(., '//testserver') = $p]]/image:image",
            namespaces=NS,
            p=page.url,
        )

    assert image_locs(fresh) == [] and image_locs(plain) == []
    made = image.get_rendition(queries.IMAGE_RENDITION)  # as the article page's first view does
    document = xml(client, month_path(fresh.first_published_at))
    assert image_locs(fresh)[0].findtext(f"{{{IMAGE_NS}}}loc") == f"http://testserver{made.url}"


# HTTP -------------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_private_paths_and_names_the_index(client):
    response, body = fetch(client, "/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = body.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/search/", "/preview/", "/comments/", "/ratings/", "/views/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # everything public stays crawlable
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    _, body = fetch(client, "/robots.txt", HTTP_HOST="news.example.com", secure=True)
    assert "Sitemap: https://news.example.com/sitemap.xml" in body.decode().splitlines()


def test_responses_are_public_and_set_no_cookies(client):
    month = month_path(ArticlePage.objects.published().first().first_published_at)
    for path in (*ALL, month):
        response, _ = fetch(client, path)
        assert response.status_code == 200, path
        assert not response.cookies, path
        assert "Set-Cookie" not in response, path
        assert "public" in response["Cache-Control"], path
        assert "Cookie" not in response.get("Vary", ""), path
    assert client.post("/sitemap.xml").status_code == 405


def test_query_counts_do_not_grow_with_the_number_of_urls(
    client, django_capture_on_commit_callbacks
):
    people = list(PersonPage.objects.all()[:2])
    newest = ArticlePage.objects.published().order_by("-first_published_at").first()
    start = timezone.localtime(newest.first_published_at).replace(day=1, hour=0, minute=0, second=0)
    month = month_path(newest.first_published_at)
    paths = (*ALL, month)

    def counts() -> dict[str, int]:
        result = {}
        for path in paths:
            fetch(client, path)  # warm per-process caches (content types, site root paths)
            with CaptureQueriesContext(connection) as captured:
                response, _ = fetch(client, path)
            assert response.status_code == 200, path
            result[path] = len(captured)
        return result

    before = counts()
    # Committed, as an editor's publish is: the purges go out and the month's summary can be
    # cached again (while a purge is pending, the cache rebuilds it on every request).
    with django_capture_on_commit_callbacks(execute=True):
        add_extra_dispatches(people, start, newest)
    after = counts()
    assert after == before, (before, after)
    assert max(before.values()) <= 8, before


def add_extra_dispatches(people, start, newest):
    for n in range(6):
        image = factories.make_image(title=f"Extra {n}", size=(320, 180))
        image.get_rendition(queries.IMAGE_RENDITION)
        article(
            headline=f"Extra dispatch {n}",
            image=image,
            bylines=people,
            updated_at=factories.hours_ago(0.1),
            published_at=max(start, newest.first_published_at - timedelta(minutes=n + 1)),
        )
