"""What the <head> of the page being rendered says about it.

`build(context)` looks at the template context (the Wagtail `page`, a tag page's `tag`, a
listing's `page_obj`, the request) and returns a `PageMeta`: title, description, canonical
URL, robots, pagination links, OpenGraph/Twitter properties and the JSON-LD graph. It reads
only what the page has already loaded, plus the `Distribution` setting (one query).

Decisions:
- `seo_title` from the Promote tab is the whole <title>, as the editor wrote it; otherwise
  the page's name, then " · " and the site's name. `search_description` beats every
  fallback (standfirst, intro, biography, tagline).
- Listings' later pages (?page=2 and on) are not duplicates of the first page: they list
  other articles. Each gets its own canonical URL, stays indexable, and has a distinct title
  and description ("..., page 2"), with rel=prev/next. This is Google's advice for paginated
  series; "noindex, follow" would, over time, stop crawlers following the links to the older
  articles those pages are the only listing of. Unknown query strings are dropped from the
  canonical URL, and an out-of-range ?page= points at the page actually shown.
- Previews (Wagtail's and shared preview links) are "noindex, nofollow"; the 404 page is
  "noindex" and has no canonical URL, no social tags and no JSON-LD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale
from wagtail.models import Page, Site

from . import structured_data as sd
from .cards import article_card, site_card
from .images import SocialImage, article_images, card_image
from .publisher import absolute, distribution_for, iso, twitter_handle

DESCRIPTION_LENGTH = 160
INDEXABLE = "max-image-preview:large"  # let search engines show large images from articles


@dataclass
class PageMeta:
    kind: str
    title: str
    description: str = ""
    canonical: str = ""
    robots: str = ""
    prev_url: str = ""
    next_url: str = ""
    og_type: str = "website"
    og_title: str = ""
    site_name: str = ""
    locale: str = ""
    twitter_site: str = ""
    image: SocialImage | None = None
    # Extra OpenGraph properties in order, e.g. ("article:tag", "Elections").
    properties: list[tuple[str, str]] = field(default_factory=list)
    graph: dict | None = None

    @property
    def social(self) -> bool:
        """Whether the page has OpenGraph and Twitter tags (not on the 404 page)."""
        return bool(self.canonical and self.og_title)

    @cached_property
    def json_ld(self) -> str:
        return mark_safe(sd.to_script_json(self.graph)) if self.graph else ""  # noqa: S308 - escaped

    @cached_property
    def tags_html(self) -> str:
        """Description, robots, OpenGraph, Twitter and JSON-LD."""
        return render_to_string("distribution/meta.html", {"meta": self})

    @cached_property
    def links_html(self) -> str:
        """Canonical, prev and next."""
        return render_to_string("distribution/meta_links.html", {"meta": self})

    def head(self) -> Head:
        """What base.html shows of it, made once: how an article's is kept."""
        return Head(self.title, self.tags_html, self.links_html)


class Head(NamedTuple):
    """A PageMeta's <title>, tags and links as HTML. Strings only: the in-process cache
    keeps it as it is, where it would pickle a PageMeta (memory.py)."""

    title: str
    tags_html: str
    links_html: str


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of plain text, cut at a word boundary with an ellipsis if too long."""
    text = " ".join(strip_tags(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


def _first_paragraph(article) -> str:
    for block in article.body.raw_data if article.body else ():
        if block.get("type") == "paragraph" and isinstance(block.get("value"), str):
            return block["value"]
    return ""


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _kind(context, page, request) -> str:
    from taggit.models import Tag

    from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
    from newsdesk.pages.models import StandardPage
    from newsdesk.people.models import PeopleIndexPage, PersonPage

    if isinstance(page, Page):
        if isinstance(page, HomePage) and isinstance(context.get("tag"), Tag):
            return "tag"
        for model, kind in (
            (HomePage, "home"),
            (SectionPage, "section"),
            (ArticlePage, "article"),
            (PeopleIndexPage, "people"),
            (PersonPage, "person"),
            (StandardPage, "standard"),
        ):
            if isinstance(page, model):
                return kind
        return "page"
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "corrections:index":
        return "corrections"
    template = getattr(context, "template", None)
    if template is not None and template.name == "404.html":
        return "not_found"
    return "other"


class _Builder:
    def __init__(self, context):
        self.context = context
        self.request = context.get("request")
        self.site = Site.find_for_request(self.request) if self.request is not None else None
        self.page = context.get("page")
        self.kind = _kind(context, self.page, self.request)
        self.site_name = self.site.site_name if self.site else ""
        page_obj = context.get("page_obj")
        self.page_obj = page_obj if hasattr(page_obj, "paginator") else None
        # A keyset page (articles/pagination.py) has no number: it lists older stories.
        self.number = self.page_obj.number if self.page_obj else 1
        self.page_note = (
            ", older stories"
            if self.number is None
            else f", page {self.number}"
            if self.number > 1
            else ""
        )

    # -- the parts -------------------------------------------------------------------------

    @cached_property
    def home(self):
        if self.kind in ("home", "tag"):
            return self.page
        from newsdesk.core.templatetags.newsdesk import site_chrome

        return site_chrome(self.context)["home"]  # fetched once per request, for the masthead

    @cached_property
    def root_url(self) -> str:
        return self.site.root_url if self.site else ""

    @cached_property
    def home_url(self) -> str:
        if self.home is not None:
            return self.home.get_full_url(self.request) or f"{self.root_url}/"
        return f"{self.root_url}/"

    @cached_property
    def setting(self):
        return distribution_for(self.request, self.site)

    @cached_property
    def facts(self) -> sd.SiteFacts:
        return sd.SiteFacts(
            site_name=self.site_name,
            root_url=self.root_url,
            home_url=self.home_url,
            language=settings.LANGUAGE_CODE,
            setting=self.setting,
            tagline=getattr(self.home, "tagline", "") if self.home is not None else "",
        )

    def name(self) -> str:
        page = self.page
        return {
            "tag": lambda: self.context["tag"].name,
            "corrections": lambda: "Corrections",
            "not_found": lambda: "Page not found",
            "other": lambda: "",
        }.get(self.kind, lambda: page.title)()

    def base_url(self) -> str:
        if self.kind == "tag":
            tag = self.context["tag"]
            return self.home_url + self.page.reverse_subpage("tag", kwargs={"tag": tag.slug})
        if self.kind == "corrections":
            return self.root_url + reverse("corrections:index")
        if isinstance(self.page, Page):
            return self.page.get_full_url(self.request) or ""
        return ""

    def fallback_description(self) -> str:
        page, site = self.page, self.site_name
        if self.kind == "article":
            return page.dek or _first_paragraph(page)
        if self.kind == "home":
            return page.tagline
        if self.kind == "section":
            return page.intro or f"The latest {page.title} reporting from {site}."
        if self.kind in ("people", "standard"):
            return page.intro
        if self.kind == "person":
            bio = strip_tags(page.bio or "")
            return bio or ", ".join(filter(None, (page.role, page.location)))
        if self.kind == "tag":
            return f"Reporting on {self.context['tag'].name} from {site}, newest first."
        if self.kind == "corrections":
            return f"Every correction {site} has made to its reporting, newest first."
        return ""

    def description(self) -> str:
        override = getattr(self.page, "search_description", "") if self.kind != "tag" else ""
        text = override or self.fallback_description()
        if self.page_note and text:
            suffix = f" {self.page_note[2:].capitalize()}."
            return shorten(text, DESCRIPTION_LENGTH - len(suffix)) + suffix
        return shorten(text)

    def title(self) -> str:
        page_note = self.page_note
        seo_title = getattr(self.page, "seo_title", "") if self.kind != "tag" else ""
        if seo_title:
            return f"{seo_title}{page_note}"
        if self.kind == "home":
            tagline = self.page.tagline
            return f"{self.page.title} · {tagline}" if tagline else self.page.title
        name = self.name()
        if not name:
            return self.site_name
        return f"{name}{page_note} · {self.site_name}" if self.site_name else f"{name}{page_note}"

    def robots(self) -> str:
        if getattr(self.request, "is_preview", False):
            return "noindex, nofollow"
        if self.kind == "not_found":
            return "noindex"
        if self.kind == "other":
            return ""
        return INDEXABLE

    # -- the whole -------------------------------------------------------------------------

    def build(self) -> PageMeta:
        meta = PageMeta(kind=self.kind, title=self.title(), robots=self.robots())
        if self.kind in ("not_found", "other"):
            return meta
        base = self.base = self.base_url()
        meta.description = self.description()
        meta.canonical = _with_query(base, self.page_obj.query if self.page_obj else "")
        if self.page_obj is not None and base:
            if self.page_obj.has_previous():
                meta.prev_url = _with_query(base, self.page_obj.previous_query)
            if self.page_obj.has_next():
                meta.next_url = _with_query(base, self.page_obj.next_query)
        seo_title = getattr(self.page, "seo_title", "") if self.kind != "tag" else ""
        meta.og_title = seo_title or self.name() or self.site_name
        meta.site_name = self.site_name
        meta.locale = to_locale(settings.LANGUAGE_CODE)
        meta.twitter_site = twitter_handle(self.setting)
        nodes: list[dict] = []
        if self.kind == "article":
            nodes = self.article(meta)
        else:
            if self.home is not None:
                card = site_card(self.home, site_name=self.site_name)
                meta.image = card_image(card, root_url=self.root_url)
            nodes = self.other_nodes(meta)
        meta.graph = sd.graph(nodes) if nodes else None
        return meta

    def article(self, meta: PageMeta) -> list[dict]:
        from newsdesk.corrections.templatetags.corrections import public_notes

        page = self.page
        section = page.section
        meta.og_type = "article"
        # A new page in preview has no id yet, so no card URL.
        card = article_card(page, site_name=self.site_name, section=section) if page.pk else None
        meta.image, images = article_images(page, root_url=self.root_url, card=card)
        if page.first_published_at:
            meta.properties.append(("article:published_time", iso(page.first_published_at)))
            modified = max(filter(None, (page.updated_at, page.first_published_at)))
            meta.properties.append(("article:modified_time", iso(modified)))
        if section is not None:
            meta.properties.append(("article:section", section.title))
        for tag in sorted(page.tags.all(), key=lambda tag: tag.name):  # any prefetch order
            meta.properties.append(("article:tag", tag.name))
        for byline in page.bylines.all():
            if byline.person is not None:
                meta.properties.append(("article:author", byline.person.get_full_url(self.request)))
        # The same cached list the notes box shows: published notes of a published article.
        notes = public_notes(page) if page.live else []
        nodes = [
            sd.article(
                page,
                self.facts,
                url=meta.canonical,
                description=meta.description,
                images=images,
                notes=notes,
                request=self.request,
            )
        ]
        if section is not None:
            nodes.append(
                sd.breadcrumbs(
                    [
                        (self.site_name, self.home_url),
                        (section.title, section.get_full_url(self.request)),
                        (page.title, meta.canonical),
                    ]
                )
            )
        return nodes

    def other_nodes(self, meta: PageMeta) -> list[dict]:
        url, name = meta.canonical, self.name()
        if self.kind == "home":
            return [sd.organization(self.facts, request=self.request), sd.website(self.facts)]
        if self.kind == "person":
            meta.og_type = "profile"
            first, _, last = self.page.title.rpartition(" ")
            if first:
                meta.properties += [("profile:first_name", first), ("profile:last_name", last)]
            photo = self.page.photo if self.page.photo_id else None
            image_url = ""
            if photo is not None:
                rendition = photo.get_rendition("fill-600x600|format-jpeg")
                image_url = absolute(self.root_url, rendition.url)
            return [
                sd.profile_page(
                    self.page, self.facts, url=url, image_url=image_url, request=self.request
                )
            ]
        listings = ("section", "tag", "people", "corrections")
        kind = "CollectionPage" if self.kind in listings else "WebPage"
        nodes = [
            sd.web_page(self.facts, url=url, name=name, description=meta.description, kind=kind)
        ]
        if self.kind == "section":
            trail = [(self.site_name, self.home_url), (name, self.base)]
            nodes.append(sd.breadcrumbs(trail))
        return nodes


def build(context) -> PageMeta:
    return _Builder(context).build()
