"""Marks public responses cacheable, so the page cache, Varnish and CDNs can hold them.

A response is public when it answers an anonymous-looking GET or HEAD outside the admin with
200, 301, 404 or 410, sets no cookie, names no Cache-Control of its own and does not vary on
the cookie. Such a response gets:

- `Cache-Control: public` with `max-age`, `s-maxage`, `stale-while-revalidate` and
  `stale-if-error` (settings.PUBLIC_CACHE_CONTROL), shortened to the breaking-news banner's
  expiry when one is shown;
- `X-Cache-Tags`: what it shows (newsdesk/caching/tags.py), so that changes purge it;
- a strong `ETag` from its bytes and a `Last-Modified` that stays put while those bytes do
  (a view's own validators, like the feeds', are kept), and a 304 when the client has it.
  Values a render makes fresh each time (the comment form's signed token, `volatile()`) are
  left out of the ETag: a copy with an older token is as good to its reader.
"""

import hashlib
import logging
import math
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from newsdesk.caching import tags

logger = logging.getLogger(__name__)
PRIVATE_PREFIXES = ("/admin/", "/django-admin/")
DEFAULT_DIRECTIVES = {
    "public": True,
    "max_age": 60,
    "s_maxage": 300,
    "stale_while_revalidate": 60,
    "stale_if_error": 86400,
}
VALIDATOR_SECONDS = 7 * 24 * 3600
_volatile: ContextVar[list[str] | None] = ContextVar("newsdesk_volatile", default=None)


def volatile(value: str) -> str:
    """Mark a value this render made fresh (a signed token) as not part of the page's ETag."""
    if (values := _volatile.get()) is not None:
        values.append(value)
    return value


def etag(content: bytes, volatile_values: list[str]) -> str:
    for value in volatile_values:
        content = content.replace(value.encode(), b"")
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.directives = getattr(settings, "PUBLIC_CACHE_CONTROL", DEFAULT_DIRECTIVES)

    def __call__(self, request):
        values = _volatile.set([])
        try:
            with tags.collecting() as collected:
                response = self.get_response(request)
            volatile_values = _volatile.get()
        finally:
            _volatile.reset(values)
        if not self.is_public(request, response):
            return response
        patch_cache_control(response, **self.directives_for(request))
        response[tags.HEADER] = " ".join(tags.response_tags(request, response, collected))
        if response.streaming:
            return response
        if not response.has_header("ETag"):
            if not response.content:
                return response  # no body (a redirect): nothing to validate
            response["ETag"] = etag(response.content, volatile_values)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(last_modified(request, response["ETag"]))
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

    def is_public(self, request, response) -> bool:
        # A response that set a cookie or read the session depends on who asked.
        return (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 301, 404, 410)
            and not request.path.startswith(PRIVATE_PREFIXES)
            and not response.cookies
            and "Cache-Control" not in response
            and "cookie" not in response.get("Vary", "").lower()
        )

    def directives_for(self, request) -> dict:
        """The directives, cut short if a breaking-news banner shown here expires sooner."""
        from newsdesk.core.models import BreakingNews

        banner = getattr(request, BreakingNews.get_cache_attr_name(), None)
        if banner is None or not banner.is_active or banner.expires_at is None:
            return self.directives
        left = max(1, math.ceil((banner.expires_at - timezone.now()).total_seconds()))
        directives = dict(self.directives)
        for name in ("max_age", "s_maxage"):
            if name in directives:
                directives[name] = min(directives[name], left)
        return directives


def last_modified(request, etag: str) -> int:
    """When these bytes were first served at this URL, as far as the cache remembers.

    The same ETag keeps its time, so If-Modified-Since gets 304s across renders; new bytes
    get a time after the previous one, so a change within the same second is not taken
    for the old page.
    """
    cache = caches[settings.PAGE_CACHE_ALIAS]
    url = request.build_absolute_uri()
    key = "validators:" + hashlib.blake2b(url.encode(), digest_size=20).hexdigest()
    now = int(timezone.now().timestamp())
    try:
        known = cache.get(key)
        if known is not None and known[0] == etag:
            return known[1]
        # At most a second ahead, for pages whose bytes change on every render.
        moment = min(max(now, known[1] + 1), now + 1) if known is not None else now
        cache.set(key, (etag, moment), timeout=VALIDATOR_SECONDS)
    except Exception:  # the cache is down: the page matters more than its validator
        logger.exception("Could not remember the Last-Modified of %s", url)
        return now
    return moment
