"""RSS 2.0 and Atom feeds of published articles: the whole site, each section, author and tag.

One `Feed` class per subject; the URL picks RSS or Atom (`SectionFeed(NewsAtomFeed)`). Every
feed answers conditional GETs before it builds anything: a cheap query for the ids and
timestamps of the items it would list gives the ETag and Last-Modified, and only a changed
feed is rendered, in a fixed number of queries however many items it holds.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Site

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.articles.queries import ArticlePageQuerySet, attach_sections
from newsdesk.caching.tags import add_tags, subject_tags
from newsdesk.distribution.models import Distribution
from newsdesk.people.models import PersonPage

from .content import LEAD_RENDITION, LOGO_RENDITION, feed_images, lead_images, render_bodies
from .generators import FeedImage, NewsRssFeed

# Changes that can take an article out of a feed while leaving the remaining items as they
# were; the newest of them counts as a change to every feed.
REMOVALS = (
    "wagtail.unpublish",
    "wagtail.unpublish.scheduled",
    "wagtail.delete",
    "wagtail.move",
    "wagtail.view_restriction.create",
    "wagtail.view_restriction.edit",
    "wagtail.view_restriction.delete",
)
ORDER = ("-first_published_at", "-pk")  # as for_listing() orders


@dataclass
class Source:
    """What a feed is about, looked up once per request and passed to every Feed method."""

    request: HttpRequest
    site: Site
    home: HomePage
    setting: Distribution
    subject: Page | Tag | None
    articles: ArticlePageQuerySet  # the published articles in the feed's scope
    rows: list[tuple] = field(default_factory=list)  # (pk, first/last published, updated)
    last_modified: datetime | None = None

    @property
    def root_url(self) -> str:
        return self.site.root_url

    @property
    def full_text(self) -> bool:
        return self.setting.feed_content == Distribution.FeedContent.FULL


@dataclass
class Entry:
    """One item, with what was fetched for all items at once."""

    article: ArticlePage
    link: str
    guid: str
    authors: list[tuple[str, str | None]]
    image: FeedImage | None
    content: str | None


class ArticleFeed(Feed):
    """The published articles in a scope, newest first; subclasses name the scope."""

    language = settings.LANGUAGE_CODE

    def __init__(self, feed_type=NewsRssFeed):
        self.feed_type = feed_type

    def find(self, home: HomePage, **kwargs) -> Page | Tag | None:
        """The feed's subject (a section, person or tag) from the URL; DoesNotExist for 404."""
        return None

    def scope(self, home: HomePage, subject) -> ArticlePageQuerySet:
        """Everything published on the site; subclasses narrow it to their subject."""
        return ArticlePage.objects.published().descendant_of(home)

    def __call__(self, request, *args, **kwargs):
        try:
            source = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("No such feed.") from None
        etag = self.validate(source)
        timestamp = int(source.last_modified.timestamp()) if source.last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            feed = self.get_feed(source, request)
            response = HttpResponse(content_type=feed.content_type)
            feed.write(response, "utf-8")
        response.headers["ETag"] = etag
        if timestamp:
            response.headers["Last-Modified"] = http_date(timestamp)
        return response

    def get_object(self, request, **kwargs) -> Source:
        site = Site.find_for_request(request)
        if site is None:
            raise Http404("No site is configured for this host.")
        home = HomePage.objects.get(pk=site.root_page_id)
        subject = self.find(home, **kwargs)
        add_tags(*subject_tags(subject))  # purged with the section, person or tag's list
        return Source(
            request=request,
            site=site,
            home=home,
            setting=Distribution.for_request(request),
            subject=subject,
            articles=self.scope(home, subject),
        )

    def validate(self, source: Source) -> str:
        """Fill in the feed's items and Last-Modified from one small query; return its ETag.

        The ETag (weak: it is computed from the feed's state, not its bytes) covers which
        items the feed lists, their timestamps, the content setting and the feed's own title,
        link and description. Last-Modified is the newest publication, update or embargo
        lift among the items, or the newest unpublication anywhere on the site, so that an
        article taken down is not answered with 304 to a client sending If-Modified-Since.
        """
        source.rows = list(
            source.articles.order_by(*ORDER).values_list(
                "pk", "first_published_at", "last_published_at", "updated_at"
            )[: source.setting.feed_items]
        )
        times = [time for row in source.rows for time in row[1:] if time]
        if isinstance(source.subject, Page) and source.subject.last_published_at:
            times.append(source.subject.last_published_at)
        removed = PageLogEntry.objects.filter(action__in=REMOVALS).aggregate(Max("timestamp"))
        if removed["timestamp__max"]:
            times.append(removed["timestamp__max"])
        # A "last updated" in the future, typed by an editor, must not date the feed ahead.
        source.last_modified = min(max(times), timezone.now()) if times else None
        state = (
            self.feed_type.__name__,
            source.root_url,
            self.title(source),
            self.link(source),
            self.description(source),
            source.setting.feed_content,
            source.setting.logo_id,
            source.rows,
            source.last_modified,
        )
        return f'W/"{hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()}"'

    # The feed.
    def title(self, source: Source) -> str:
        return source.site.site_name

    def link(self, source: Source) -> str:
        return source.home.get_full_url(source.request)

    def description(self, source: Source) -> str:
        return source.home.tagline or f"The latest articles from {source.site.site_name}."

    def feed_url(self, source: Source) -> str:
        return source.root_url + source.request.path

    def feed_extra_kwargs(self, source: Source) -> dict:
        logo = None
        if source.setting.logo_id:
            logo = feed_images(
                [(0, source.setting.logo, "", "")], spec=LOGO_RENDITION, root_url=source.root_url
            ).get(0)
        return {"logo": logo, "updated": source.last_modified}

    def items(self, source: Source) -> list[Entry]:
        request, root_url = source.request, source.root_url
        articles = (
            source.articles.filter(pk__in=[row[0] for row in source.rows])
            .for_listing(renditions=(LEAD_RENDITION,))
            .prefetch_related("tags")
        )
        if source.full_text:
            articles = articles.defer(None)  # unlike a listing, the feed shows the body
        articles = attach_sections(articles)
        images = lead_images(articles, root_url=root_url)
        bodies = {}
        if source.full_text:
            bodies = render_bodies(articles, lead=images, request=request, root_url=root_url)
        return [
            Entry(
                article=article,
                link=article.get_full_url(request),
                guid=guid(article, host=source.site.hostname),
                authors=authors(article, request),
                image=images.get(article.pk),
                content=bodies.get(article.pk),
            )
            for article in articles
        ]

    # Each item.
    def item_title(self, entry: Entry) -> str:
        return entry.article.title

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_description(self, entry: Entry) -> str:
        return escape(entry.article.dek)  # read as HTML by feed readers

    def item_guid(self, entry: Entry) -> str:
        return entry.guid

    def item_guid_is_permalink(self, entry: Entry) -> bool:
        return False

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.article.first_published_at

    def item_updateddate(self, entry: Entry) -> datetime:
        article = entry.article
        return max(article.first_published_at, article.updated_at or article.last_published_at)

    def item_categories(self, entry: Entry) -> list[str]:
        section = entry.article.section
        tags = [tag.name for tag in entry.article.tags.all()]
        return [section.title, *tags] if section else tags

    def item_enclosures(self, entry: Entry) -> list[Enclosure]:
        image = entry.image
        return [Enclosure(image.url, str(image.length), image.mime_type)] if image else []

    def item_extra_kwargs(self, entry: Entry) -> dict:
        return {"authors": entry.authors, "content": entry.content, "image": entry.image}


def guid(article: ArticlePage, *, host: str) -> str:
    """A tag: URI (RFC 4151) from the site's host, the day of first publication and the id.

    Neither the headline nor the slug nor the section is in it, so it never changes.
    """
    day = article.first_published_at.astimezone(UTC).date().isoformat()
    return f"tag:{host},{day}:article:{article.pk}"


def authors(article: ArticlePage, request) -> list[tuple[str, str | None]]:
    """The people in the byline, with their profile pages, then any desk byline."""
    people = [(b.person.title, b.person.get_full_url(request)) for b in article.bylines.all()]
    return people + [(article.byline_text, None)] if article.byline_text else people


class SiteFeed(ArticleFeed):
    """The whole site: the base scope, unnarrowed."""


class SectionFeed(ArticleFeed):
    def find(self, home, *, slug):
        return SectionPage.objects.live().public().child_of(home).get(slug=slug)

    def scope(self, home, subject):
        return super().scope(home, subject).child_of(subject)

    def title(self, source):
        return f"{source.subject.title} · {source.site.site_name}"

    def link(self, source):
        return source.subject.get_full_url(source.request)

    def description(self, source):
        return source.subject.intro or f"The latest from {self.title(source)}."


class AuthorFeed(ArticleFeed):
    def find(self, home, *, slug):
        return PersonPage.objects.live().public().descendant_of(home).get(slug=slug)

    def scope(self, home, subject):
        # As on the person's page: the articles with them in the byline.
        return super().scope(home, subject).filter(bylines__person=subject)

    def title(self, source):
        return f"{source.subject.title} · {source.site.site_name}"

    def link(self, source):
        return source.subject.get_full_url(source.request)

    def description(self, source):
        person = source.subject
        return f"Articles by {person.title}" + (f", {person.role}." if person.role else ".")


class TagFeed(ArticleFeed):
    def find(self, home, *, slug):
        return Tag.objects.get(slug=slug)

    def scope(self, home, subject):
        return super().scope(home, subject).filter(tags=subject)

    def title(self, source):
        return f"{source.subject.name} · {source.site.site_name}"

    def link(self, source):
        home = source.home
        return home.get_full_url(source.request) + home.reverse_subpage(
            "tag", args=[source.subject.slug]
        )

    def description(self, source):
        return f"Articles about {source.subject.name} from {source.site.site_name}."
