"""The publisher as the site setting describes it, read once per request."""

from __future__ import annotations

from urllib.parse import urljoin

from django.utils import timezone
from wagtail.models import Site

from newsdesk.distribution.models import POLICY_FIELDS, Distribution

LOGO_RENDITION = "max-600x600"


def distribution_for(request, site: Site | None) -> Distribution:
    """The `Distribution` setting of `site`, with its logo and policy pages, in one query.

    Cached on the request, so the head, the JSON-LD and anything else share it. A site that
    never saved the setting gets an unsaved default: a GET never writes.
    """
    cached = getattr(request, "_newsdesk_distribution", None)
    if cached is not None:
        return cached
    found = None
    if site is not None:
        found = (
            Distribution.objects.select_related("logo", *POLICY_FIELDS.values())
            .filter(site=site)
            .first()
        )
    found = found or Distribution(site=site)
    if request is not None:
        request._newsdesk_distribution = found
    return found


def twitter_handle(setting: Distribution) -> str:
    handle = (setting.social_handle or "").strip()
    if handle.startswith("https://") or handle.startswith("http://"):
        handle = handle.rstrip("/").rsplit("/", 1)[-1]
    return f"@{handle.lstrip('@')}" if handle else ""


def absolute(root_url: str, url: str) -> str:
    """`url` (a path, or already absolute on a CDN) as an absolute URL on the site."""
    return urljoin(root_url.rstrip("/") + "/", url)


def iso(value) -> str | None:
    """A datetime with its time zone, as schema.org and OpenGraph want it."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()
