"""A `wagtail.contrib.frontend_cache` backend for Varnish that also purges by cache tag.

Wagtail's `HTTPBackend` sends `PURGE <url>`; this one adds `purge_tags`, a `BAN` request whose
`X-Cache-Tags` header names the tags (see deploy/varnish/default.vcl). Configured from
`VARNISH_URL` in settings:

    WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "newsdesk.caching.backends.VarnishBackend",
                    "LOCATION": "http://127.0.0.1:6081"},
    }
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from django.core.exceptions import ImproperlyConfigured
from wagtail import __version__
from wagtail.contrib.frontend_cache.backends import HTTPBackend

from .tags import ALL, HEADER

logger = logging.getLogger(__name__)

TAGS_PER_BAN = 100  # keeps the request header well under Varnish's 8 KB


class VarnishBackend(HTTPBackend):
    def __init__(self, params):
        params = dict(params)
        self.timeout = params.pop("TIMEOUT", 5)
        super().__init__(params)
        if self.cache_scheme not in ("http", "https"):
            raise ImproperlyConfigured("Varnish's LOCATION must be an http(s) URL.")

    def purge_tags(self, tags: list[str]) -> None:
        if ALL in tags:
            tags = [ALL]
        for start in range(0, len(tags), TAGS_PER_BAN):
            self.ban(tags[start : start + TAGS_PER_BAN])

    def ban(self, tags: list[str]) -> None:
        request = Request(  # noqa: S310 - http(s) only, checked above
            url=f"{self.cache_scheme}://{self.cache_netloc}/",
            method="BAN",
            headers={HEADER: " ".join(tags), "User-Agent": f"Newsdesk (Wagtail {__version__})"},
        )
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 - http(s) only
                pass
        except HTTPError as error:
            logger.error("Varnish refused a BAN of %s: %s %s", tags, error.code, error.reason)
        except (URLError, OSError) as error:
            logger.error("Could not reach Varnish to BAN %s: %s", tags, error)
