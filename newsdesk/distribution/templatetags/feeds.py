"""Feed autodiscovery: `{% feed_links %}` in the head of every page."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from taggit.models import Tag
from wagtail.models import Site

from newsdesk.articles.models import SectionPage
from newsdesk.people.models import PersonPage

register = template.Library()


@register.inclusion_tag("distribution/feed_links.html", takes_context=True)
def feed_links(context) -> dict:
    """The site's feeds, then those of the section, person or tag the page is about.

    Everything comes from the context the page already has (`current_section` on section and
    article pages, `page` on a person's page, `tag` on a tag page): no queries.
    """
    site = context.get("current_site")
    if site is None and context.get("request") is not None:
        site = Site.find_for_request(context["request"])
    site_name = site.site_name if site else ""
    feeds = [(site_name, "site", {})]
    section, page, tag = (context.get(name) for name in ("current_section", "page", "tag"))
    if isinstance(section, SectionPage):
        feeds.append((f"{section.title} · {site_name}", "section", {"slug": section.slug}))
    if isinstance(page, PersonPage):
        feeds.append((f"{page.title} · {site_name}", "author", {"slug": page.slug}))
    if isinstance(tag, Tag):
        feeds.append((f"{tag.name} · {site_name}", "tag", {"slug": tag.slug}))
    prefix = get_script_prefix()
    return {
        "feeds": [
            {"title": title, **feed_urls(prefix, kind, tuple(kwargs.items()))}
            for title, kind, kwargs in feeds
        ]
    }


@lru_cache(maxsize=1024)
def feed_urls(prefix: str, kind: str, kwargs: tuple) -> dict[str, str]:
    """A feed's two URLs, reversed once: the same on every page of its section or author.
    `prefix`, the script prefix reverse() puts in front, is part of the key."""
    return {
        "rss": reverse(f"feeds:{kind}-rss", kwargs=dict(kwargs)),
        "atom": reverse(f"feeds:{kind}-atom", kwargs=dict(kwargs)),
    }
