"""The request's site, its home page and its settings from the fragment cache, not queries.

Wagtail looks the site up for every request (one query), loads its root page (another) and
each site setting the page reads (one each). `CachedSiteMiddleware` hands Wagtail all of them
from one cached entry (the Distribution setting from another, read on first use), kept until
a site, a setting or the home page changes (each purges `all`, `newsdesk/caching/signals.py`).
A setting never saved is its defaults, unsaved, as Wagtail would create it: a public GET never
writes. The admin is left to Wagtail.
"""

from django.apps import apps
from django.http.request import split_domain_port
from django.utils.functional import SimpleLazyObject
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from newsdesk.caching.fragments import cached
from newsdesk.core.middleware import PRIVATE_PREFIXES


def site_settings_models() -> list[type[BaseSiteSetting]]:
    return [model for model in apps.get_models() if issubclass(model, BaseSiteSetting)]


def site_entry(hostname: str, port: int) -> dict | None:
    """The site for a host and port with its specific root page and saved settings."""

    def build() -> dict | None:
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None
        site.root_page = site.root_page.specific
        found = {}
        for model in site_settings_models():
            setting = model.base_queryset().filter(site=site).first()
            found[model.get_cache_attr_name()] = setting or model(site=site)
        return {"site": site, "settings": found}

    return cached(f"site:{hostname}:{port}", build)


def site_distribution(site: Site):
    """The site's Distribution setting with its logo and policy pages, kept apart from the
    site: a page whose head is kept (an article's) never reads it, and it is most of the
    entry's size, unpickled on every read."""
    from newsdesk.distribution.metadata.publisher import distribution_for

    return cached(f"distribution:{site.pk}", lambda: distribution_for(None, site))


class CachedSiteMiddleware:
    """Give GET and HEAD requests their site and settings from the cache (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not request.path.startswith(PRIVATE_PREFIXES):
            # get_host(), not Wagtail's unchecked raw host: a Host that ALLOWED_HOSTS refuses
            # is answered 400 here, before it can put a site entry in the cache.
            entry = site_entry(split_domain_port(request.get_host())[0], request.get_port())
            if entry is not None:
                site = request._wagtail_site = entry["site"]
                for name, setting in entry["settings"].items():
                    setting._request = request  # what for_request sets, for page URLs
                    setattr(request, name, setting)
                request._newsdesk_distribution = SimpleLazyObject(lambda: site_distribution(site))
        return self.get_response(request)
