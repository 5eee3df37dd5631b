"""The site's RSS and Atom feeds, read back with feedparser as a feed reader reads them."""

import re
import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date
from wagtail.models import PageViewRestriction, Site

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import factories
from newsdesk.distribution.feeds.content import LEAD_RENDITION
from newsdesk.distribution.models import Distribution
from newsdesk.people.models import PersonPage
from newsdesk.publishing.services import publish_due

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"  # the demo site's root URL, which feeds use for every link
MEDIA = "{http://search.yahoo.com/mrss/}"
FEEDS = {
    "site": "/feeds/{}/",
    "section": "/feeds/sections/world/{}/",
    "author": "/feeds/authors/amara-okafor/{}/",
    "tag": "/feeds/tags/diplomacy/{}/",
}
ALL_FEEDS = [path.format(fmt) for path in FEEDS.values() for fmt in ("rss", "atom")]
QUERY_BUDGET = 20


def parse(response):
    assert response.status_code == 200, response.status_code
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def entry_for(parsed, article):
    matches = [entry for entry in parsed.entries if entry.id.endswith(f":article:{article.pk}")]
    assert len(matches) == 1, [entry.title for entry in parsed.entries]
    return matches[0]


def setting(**values) -> Distribution:
    distribution = Distribution.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(distribution, name, value)
    distribution.save()
    return distribution


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


@pytest.fixture
def amara():
    return PersonPage.objects.get(slug="amara-okafor")


@pytest.fixture
def story(world, amara):
    """A published article with everything a feed item carries, the newest on the site."""
    other = ArticlePage.objects.published().child_of(world).first()
    draft = factories.make_article(section=world, headline="Unfinished draft", publish=False)
    article = factories.make_article(
        section=world,
        headline="Talks resume in Geneva & Vienna",
        dek="Negotiators <return> after a week of silence & rumours.",
        bylines=[amara],
        byline_text="Staff reporters",
        dateline_place="GENEVA",
        image=factories.make_image(
            title="Delegates",
            size=(480, 270),
            caption="Delegates arrive.",
            credit="Photo: Ana Ruiz",
        ),
        tags=["Diplomacy", "Feed test"],
        updated_at=timezone.now() - timedelta(minutes=5),
        published_at=timezone.now() - timedelta(hours=1),
    )
    article.body = [
        {
            "type": "paragraph",
            "value": f'<p>See <a linktype="page" id="{other.pk}">our report</a>.</p>',
        },
        {"type": "subheading", "value": "What changed"},
        {"type": "image", "value": {"image": article.lead_image_id, "caption": "", "credit": ""}},
        {"type": "pull_quote", "value": {"text": "Repeated line", "attribution": ""}},
        {"type": "fact_box", "value": {"title": "Key facts", "items": ["One", "Two"]}},
        {"type": "embed", "value": {"embed": "https://www.youtube.com/watch?v=abc", "caption": ""}},
        {"type": "related_link", "value": {"page": other.pk, "url": "", "title": ""}},
        {"type": "related_link", "value": {"page": draft.pk, "url": "", "title": ""}},
    ]
    article.save_revision().publish()
    article.refresh_from_db()
    article.other = other
    return article


@pytest.mark.parametrize("path", ALL_FEEDS)
def test_every_feed_parses_and_describes_itself(client, path):
    response = client.get(path)
    parsed = parse(response)
    fmt = "atom" if path.endswith("/atom/") else "rss"
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert "The Meridian" in parsed.feed.title
    assert parsed.feed.link.startswith(ROOT)
    assert parsed.feed.language == "en"
    assert {"rel": "self", "href": ROOT + path} in [
        {"rel": link.rel, "href": link.href} for link in parsed.feed.links
    ]
    assert parsed.feed.updated_parsed
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id.startswith("tag:localhost,") and entry.link.startswith(ROOT)
        assert entry.published_parsed
        assert fmt == "rss" or entry.updated_parsed  # RSS items have no updated date


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_items_round_trip(client, story, amara, fmt):
    response = client.get(f"/feeds/{fmt}/")
    entry = entry_for(parse(response), story)

    assert entry.title == "Talks resume in Geneva & Vienna"
    assert entry.link == story.full_url
    day = story.first_published_at.date().isoformat()
    assert entry.id == f"tag:localhost,{day}:article:{story.pk}"
    assert entry.guidislink is False
    assert unescape(entry.summary) == story.dek
    assert entry.published_parsed == story.first_published_at.utctimetuple()
    if fmt == "atom":
        assert entry.updated_parsed == story.updated_at.utctimetuple()
    # Dates carry their time zone.
    stamps = re.findall(rb"<(?:pubDate|published|updated)>([^<]+)<", response.content)
    assert stamps and all(re.search(rb"(\+0000|\+00:00|Z)$", stamp) for stamp in stamps)

    assert [tag.term for tag in entry.tags][0] == "World"
    assert {tag.term for tag in entry.tags} == {"World", "Diplomacy", "Feed test"}
    assert [author.name for author in entry.authors] == ["Amara Okafor", "Staff reporters"]
    if fmt == "atom":
        assert entry.authors[0].href == amara.full_url

    rendition = story.lead_image.get_rendition(LEAD_RENDITION)
    (enclosure,) = entry.enclosures
    assert enclosure.href == ROOT + rendition.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == rendition.file.size > 0
    (media,) = entry.media_content
    assert media["url"] == enclosure.href and media["medium"] == "image"
    assert (int(media["width"]), int(media["height"])) == (rendition.width, rendition.height)
    assert entry.media_credit == [{"content": "Photo: Ana Ruiz"}]
    # feedparser files media:description under the entry's content; read it from the XML.
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own output
    atom = "{http://www.w3.org/2005/Atom}"
    items = root.iter("item") if fmt == "rss" else root.iter(f"{atom}entry")
    item = next(i for i in items if i.findtext("guid" if fmt == "rss" else f"{atom}id") == entry.id)
    assert item.find(f"{MEDIA}content/{MEDIA}description").text == "Delegates arrive."
    assert item.find(f"{MEDIA}content/{MEDIA}credit").text == "Photo: Ana Ruiz"


def test_guid_survives_a_new_headline_and_slug(client, story):
    before = entry_for(parse(client.get("/feeds/rss/")), story)
    story.title = "Talks collapse in Geneva"
    story.slug = "talks-collapse-in-geneva"
    story.save_revision().publish()
    after = entry_for(parse(client.get("/feeds/rss/")), story)
    assert after.id == before.id
    assert after.title == "Talks collapse in Geneva"
    assert after.link.endswith("/talks-collapse-in-geneva/") and after.link != before.link


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_full_text_or_summary_by_setting(client, story, fmt):
    setting(feed_content=Distribution.FeedContent.FULL)
    entry = entry_for(parse(client.get(f"/feeds/{fmt}/")), story)
    (content,) = [c.value for c in entry.content if c.type == "text/html"]
    other_url = story.other.full_url
    rendition = story.lead_image.get_rendition("width-1200|format-jpeg")
    assert 'class="dateline"' in content and "GENEVA" in content
    assert f'<a href="{other_url}">our report</a>' in content  # rich text links made absolute
    assert f'src="{ROOT}{rendition.url}"' in content  # body figure, absolute
    assert "<figcaption>Delegates arrive. <small>Photo: Ana Ruiz</small></figcaption>" in content
    assert "What changed" in content and "Key facts" in content
    assert "https://www.youtube.com/watch?v=abc" in content and "<iframe" not in content
    assert f'Related: <a href="{other_url}">' in content
    assert "Unfinished draft" not in content and "Repeated line" not in content
    assert not re.search(r'(href|src)="/', content)

    setting(feed_content=Distribution.FeedContent.SUMMARY)
    response = client.get(f"/feeds/{fmt}/")
    entry = entry_for(parse(response), story)
    assert unescape(entry.summary) == story.dek
    assert b"content:encoded" not in response.content and b"<content " not in response.content


def test_feed_length_follows_the_setting(client):
    setting(feed_items=10)
    assert len(parse(client.get("/feeds/atom/")).entries) == 10
    setting(feed_items=50)
    assert len(parse(client.get("/feeds/atom/")).entries) == min(
        50, ArticlePage.objects.published().count()
    )


def test_only_published_articles_appear_in_any_feed(client, world, amara):
    future = timezone.now() + timedelta(days=2)

    def make(headline, **kwargs):
        return factories.make_article(
            section=world, headline=headline, bylines=[amara], tags=["Diplomacy"], **kwargs
        )

    visible = make("Visible control story")
    make("Draft story", publish=False)
    scheduled = make("Scheduled story", publish=False)
    scheduled.go_live_at = future
    scheduled.save_revision().publish()  # approved for later: not live until the worker runs
    make("Embargoed story", published_at=future)  # live, but its time has not come
    expired = make("Expired story")
    expired.expire_at = timezone.now() - timedelta(minutes=1)
    expired.save(update_fields=["expire_at"])
    publish_due()  # what the worker does with an expired page
    private = make("Private story")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    hidden = {"Draft story", "Scheduled story", "Embargoed story", "Expired story", "Private story"}
    assert not ArticlePage.objects.published().filter(title__in=hidden).exists()
    for path in ALL_FEEDS:
        titles = {entry.title for entry in parse(client.get(path)).entries}
        assert visible.title in titles, path
        assert not titles & hidden, (path, titles & hidden)


def test_conditional_get_answers_304_to_both_validators(client, world):
    first = client.get("/feeds/rss/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and last_modified

    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        response = client.get("/feeds/rss/", headers=headers)
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response["ETag"] == etag and not response.cookies

    # A new article changes the feed, and so its ETag.
    if parse_http_date(last_modified) >= int(time.time()) - 1:
        time.sleep(1.1)  # Last-Modified counts whole seconds
    article = factories.make_article(section=world, headline="Breaking: a new story")
    response = client.get("/feeds/rss/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(last_modified)

    # Taking an article down changes Last-Modified even though the rest stays the same.
    newer = response["Last-Modified"]
    time.sleep(1.1)
    article.unpublish()
    response = client.get("/feeds/rss/", headers={"If-Modified-Since": newer})
    assert response.status_code == 200
    assert "Breaking: a new story" not in {e.title for e in parse(response).entries}


@pytest.mark.parametrize("path", ALL_FEEDS[:2] + ALL_FEEDS[-2:])
def test_feeds_are_publicly_cacheable(client, path):
    response = client.get(path)
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/sections/no-such-section/rss/",
        "/feeds/sections/amara-okafor/atom/",  # a person is not a section
        "/feeds/authors/world/rss/",  # nor is a section a person
        "/feeds/authors/no-one/atom/",
        "/feeds/tags/no-such-tag/rss/",
        "/feeds/rss.xml",
    ],
)
def test_unknown_feeds_are_404(client, path):
    assert client.get(path).status_code == 404


def test_channel_logo_from_the_setting(client):
    setting(logo=factories.make_image(title="Logo", size=(400, 120)))
    rss = parse(client.get("/feeds/rss/"))
    assert rss.feed.image.href.startswith(ROOT) and rss.feed.image.width <= 144
    atom = parse(client.get("/feeds/atom/"))
    assert atom.feed.logo == rss.feed.image.href


def autodiscovered(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<link rel="alternate" type="application/(rss|atom)\+xml"[^>]* href="([^"]+)"', html
    )


def test_autodiscovery_links_on_every_page_type(client, world, amara):
    article = ArticlePage.objects.published().child_of(world).first()
    site_feeds = [("rss", "/feeds/rss/"), ("atom", "/feeds/atom/")]
    expected = {
        "/": [],
        world.url: [("rss", "/feeds/sections/world/rss/"), ("atom", "/feeds/sections/world/atom/")],
        article.url: [
            ("rss", "/feeds/sections/world/rss/"),
            ("atom", "/feeds/sections/world/atom/"),
        ],
        amara.url: [
            ("rss", "/feeds/authors/amara-okafor/rss/"),
            ("atom", "/feeds/authors/amara-okafor/atom/"),
        ],
        "/tags/diplomacy/": [
            ("rss", "/feeds/tags/diplomacy/rss/"),
            ("atom", "/feeds/tags/diplomacy/atom/"),
        ],
        "/about/": [],
    }
    for url, own in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        links = autodiscovered(response.content.decode())
        assert links == site_feeds + own, url
        for _fmt, href in links:
            assert client.get(href).status_code == 200, href
    assert autodiscovered(client.get("/no-such-page/").content.decode()) == site_feeds


def count_queries(client, path: str) -> int:
    client.get(path)  # the first render makes any missing renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_feed_queries_do_not_grow_with_the_number_of_items(
    client, world, amara, django_capture_on_commit_callbacks
):
    others = list(ArticlePage.objects.published()[:2])
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: purges sent
        for n in range(12):  # the newest articles, with every kind of block that looks things up
            article = factories.make_article(
                section=world,
                headline=f"Dispatch {n}",
                image=factories.make_image(title=f"Dispatch {n}", size=(320, 180), caption="c"),
                bylines=[amara],
                tags=["Diplomacy", f"Dispatch {n}"],
            )
            article.body = [
                {
                    "type": "paragraph",
                    "value": f'<p><a linktype="page" id="{others[0].pk}">A</a></p>',
                },
                {"type": "image", "value": {"image": article.lead_image_id}},
                {"type": "related_link", "value": {"page": others[1].pk}},
            ]
            article.save_revision().publish()
    assert ArticlePage.objects.published().count() >= 50

    for content in Distribution.FeedContent.values:
        for path in ("/feeds/rss/", "/feeds/atom/", "/feeds/tags/diplomacy/rss/"):
            # As if committed: the purges are sent, so the site's settings are cached again
            # (within an open transaction a pending purge keeps them from being stored).
            with django_capture_on_commit_callbacks(execute=True):
                setting(feed_content=content, feed_items=10)
            few = count_queries(client, path)
            with django_capture_on_commit_callbacks(execute=True):
                setting(feed_content=content, feed_items=50)
            many = count_queries(client, path)
            assert few == many, (content, path, few, many)
            assert many <= QUERY_BUDGET, (content, path, many)
