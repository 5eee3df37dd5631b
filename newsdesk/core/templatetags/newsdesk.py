"""Template helpers for the magazine theme."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Site

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def site_chrome(context) -> dict:
    """Sections for the navigation and pages for the footer, cached until one changes.

    Publishing, unpublishing or moving the home page, a section, the people index or a
    top-level page purges `all`, which this entry carries (newsdesk/caching/fragments.py).
    Read on first use: a page whose masthead and footer are kept needs none of it.
    """
    request = context.get("request")
    chrome = getattr(request, "_newsdesk_chrome", None)
    if chrome is None:
        chrome = SimpleLazyObject(lambda: _cached_chrome(request))
        if request is not None:
            request._newsdesk_chrome = chrome
    return chrome


def _cached_chrome(request) -> dict:
    from newsdesk.caching.fragments import cached

    root = _site_root(request)
    if root is None:
        return {"sections": [], "pages": [], "people": None, "home": None}
    return cached(f"chrome:{root.pk}", lambda: _chrome(root))


def _chrome(root) -> dict:
    from newsdesk.articles.models import SectionPage
    from newsdesk.pages.models import StandardPage
    from newsdesk.people.models import PeopleIndexPage

    return {
        "sections": list(SectionPage.objects.child_of(root).live().order_by("path")),
        "pages": list(StandardPage.objects.child_of(root).live().order_by("path")),
        "people": PeopleIndexPage.objects.child_of(root).live().first(),
        "home": root.specific,
    }


@register.filter
def timestamp(value, style: str = "short"):
    """A <time> element: the full date and time for machines and tooltips, a short one shown."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        local = timezone.localtime(value)
        shown = date_format(local, "j M Y" if style == "short" else "j F Y, H:i T")
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            local.isoformat(timespec="minutes"),
            date_format(local, "l j F Y, H:i T"),
            shown,
        )
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "F j, Y")
    )


@register.simple_tag(takes_context=True)
def masthead(context, site_name: str):
    """components/masthead.html, kept: between pages it differs only by the day, the section
    the page belongs to (and whether it is that section's own page), and whether it is the
    home page or the search page."""
    from newsdesk.caching.templatetags.fragments import kept_html

    def build() -> str:
        template = context.template.engine.get_template("components/masthead.html")
        with context.push(site_name=site_name):
            return template.render(context)

    section, page = context.get("current_section"), context.get("page")
    parts = [
        site_name,
        timezone.localdate().isoformat(),
        bool(context.get("is_home")),
        bool(context.get("is_search")),
        getattr(section, "pk", None),
        section is not None and getattr(page, "pk", None) == section.pk,
    ]
    return kept_html(context, "masthead", parts, build, shared=True)


@register.simple_tag
def today():
    return timezone.localdate()


@register.filter
def with_dateline(html, article) -> str:
    """Open the first paragraph with the dateline, as wire copy does: "PLACE (Date) –"."""
    date = article.dateline
    if not (article.dateline_place or date):
        return html
    parts = []
    if article.dateline_place:
        parts.append(format_html('<span class="dateline-place">{}</span>', article.dateline_place))
    if date:
        parts.append(format_html("({})", timestamp(date)))
    dateline = format_html('<span class="dateline">{} –</span> ', mark_safe(" ".join(parts)))  # noqa: S308
    html = str(html)
    if html.startswith("<p>"):
        return mark_safe(f"<p>{dateline}{html[3:]}")  # noqa: S308 - both parts are escaped above
    return mark_safe(f"<p>{dateline}</p>{html}")  # noqa: S308
