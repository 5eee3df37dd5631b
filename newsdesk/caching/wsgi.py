"""The page cache: anonymous GETs and HEADs answered before Django runs.

`PageCache` wraps Django's WSGI handler (newsdesk/wsgi.py). A hit costs a cache read and a
check of the page's tags (tagstore.py): no URL resolution, middleware, session, template or
database. What it stores is decided by what Django said about the response:

- only GET, and only 200, 301, 404 and 410 responses marked `public` with an `s-maxage` by
  `PublicCacheMiddleware`, carrying `X-Cache-Tags`, setting no cookie and varying on
  nothing but Accept-Encoding;
- never for a request with Authorization or a session cookie (editors: such requests bypass
  the cache entirely) or with a CSRF cookie (served from the cache, never stored);
- not the media, static or document files (settings.PAGE_CACHE_SKIP_PREFIXES);
- never for a host that settings.ALLOWED_HOSTS refuses: such a request goes to Django, which
  answers 400, so a forged Host is neither served another site's copy nor stored.

The key is the scheme, host (as Django reads it: X-Forwarded-Host only when
settings.USE_X_FORWARDED_HOST says a proxy sets it), path and query string (and
Accept-Encoding when a response varies on it): everything that changes the bytes of a public
page. A copy is fresh for `s-maxage` while none of its tags was purged; past that, one request
renders it again while others get the stale copy for `stale-while-revalidate`; when Django
fails (5xx) a copy younger than `stale-if-error` is served instead, unless it was taken down
(a hard purge).
Responses say `X-Cache: HIT`, `MISS` or `STALE`; hits carry `Age`.

Text is stored gzipped as well (once, when stored) and sent gzipped to clients that accept
it, with `Vary: Accept-Encoding` and a weak ETag: `make run` and app servers without a proxy
in front send an article in about a fifth of its bytes. Varnish compresses on its own.
"""

import gzip
import hashlib
import logging
import re
import time
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import parse_etags, parse_http_date_safe

from .tags import HEADER as TAGS_HEADER
from .tagstore import Mark, get_tag_store

logger = logging.getLogger(__name__)

STORED_STATUSES = frozenset({200, 301, 404, 410})
NOT_STORED_HEADERS = frozenset({"age", "x-cache", "date", "connection", "keep-alive"})
# A 304 keeps the validators and caching headers, and the security headers (core/security.py)
# that Django's own 304 carries too.
NOT_MODIFIED_HEADERS = frozenset(
    {"cache-control", "content-location", "etag", "expires", "last-modified", "vary", "age"}
    | {
        "content-security-policy",
        "cross-origin-opener-policy",
        "permissions-policy",
        "referrer-policy",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
    }
)
ENCODINGS = frozenset({"br", "gzip", "zstd", "deflate"})
COMPRESSIBLE = ("text/", "application/xml", "application/json", "application/rss+xml",
                "application/atom+xml", "application/javascript")  # fmt: skip
COMPRESS_FROM = 860  # bytes: below, gzip's header costs more than it saves
LOCK_SECONDS = 30
DIRECTIVE = re.compile(r"([a-z-]+)(?:=\"?(\d+))?")


class Entry(NamedTuple):
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stored: float
    ttl: int  # s-maxage
    stale_while_revalidate: int
    stale_if_error: int
    tags: tuple[str, ...]
    mark: Mark
    etag: str
    last_modified: str
    gzipped: bytes | None = None  # the body gzipped, for text worth compressing
    gzipped_headers: list[tuple[str, str]] | None = None  # its headers, made once when stored


class Varies(NamedTuple):
    """Stored at a URL's key when its response varies on Accept-Encoding."""

    header: str


def cache_directives(value: str) -> dict[str, int | None]:
    return {
        name: int(number) if number else None
        for name, number in DIRECTIVE.findall(value.lower().replace(" ", ""))
    }


def encodings(environ) -> str:
    """The encodings the client accepts, as a key: "br,gzip", or "identity"."""
    return accepted_encodings(environ.get("HTTP_ACCEPT_ENCODING", ""))


@lru_cache(maxsize=256)  # browsers send a handful of distinct headers
def accepted_encodings(header: str) -> str:
    accepted = set()
    for item in header.lower().split(","):
        name, _, params = item.strip().partition(";")
        if name in ENCODINGS and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00"):
            accepted.add(name)
    return ",".join(sorted(accepted)) or "identity"


def not_modified(environ, entry: Entry) -> bool:
    """The client's copy is the stored one: If-None-Match first, else If-Modified-Since."""
    if not entry.status.startswith("200"):
        return False
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if not entry.etag:
            return False
        etags = parse_etags(if_none_match)
        return "*" in etags or entry.etag.removeprefix("W/") in (
            etag.removeprefix("W/") for etag in etags
        )
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not if_modified_since or not entry.last_modified:
        return False
    if_modified_since = parse_http_date_safe(if_modified_since)
    last_modified = parse_http_date_safe(entry.last_modified)
    return bool(if_modified_since and last_modified and last_modified <= if_modified_since)


def anonymous(environ) -> bool:
    """No sign of a login: no Authorization header and no session cookie (a WSGI environ or
    a request's META). Who the page cache serves, and whose reads may go to a replica."""
    return "HTTP_AUTHORIZATION" not in environ and not (
        "HTTP_COOKIE" in environ
        and cookie_pattern(settings.SESSION_COOKIE_NAME).search(environ["HTTP_COOKIE"])
    )


@lru_cache(maxsize=8)
def cookie_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?:^|;)\s*{re.escape(name)}=")


def request_host(environ) -> str | None:
    """The host Django would answer for, or None if settings.ALLOWED_HOSTS refuses it."""
    if "HTTP_HOST" not in environ:  # HTTP/1.0: Django makes it from the server's name
        return host_of(environ)
    return allowed_host(
        environ["HTTP_HOST"],
        environ.get("HTTP_X_FORWARDED_HOST"),
        tuple(settings.ALLOWED_HOSTS),
        settings.USE_X_FORWARDED_HOST,
        settings.DEBUG,
    )


@lru_cache(maxsize=256)  # a new HttpRequest per hit was a tenth of its cost
def allowed_host(host: str, forwarded_host: str | None, *decided_by) -> str | None:
    meta = {"HTTP_HOST": host}
    if forwarded_host is not None:
        meta["HTTP_X_FORWARDED_HOST"] = forwarded_host
    return host_of(meta)


def host_of(meta) -> str | None:
    request = HttpRequest()
    request.META = meta
    try:
        return request.get_host()
    except DisallowedHost:
        return None


class PageCache:
    """WSGI middleware in front of Django: see the module's docstring."""

    def __init__(self, app):
        self.app = app
        self.alias = settings.PAGE_CACHE_ALIAS
        self.max_bytes = settings.PAGE_CACHE_MAX_BYTES
        self.skip = tuple(settings.PAGE_CACHE_SKIP_PREFIXES)
        self.csrf = cookie_pattern(settings.CSRF_COOKIE_NAME)
        header, value = settings.SECURE_PROXY_SSL_HEADER or (None, None)
        self.https_header, self.https_value = header, value

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or not self.eligible(environ):
            return self.app(environ, start_response)
        host = request_host(environ)
        if host is None:
            return self.app(environ, start_response)  # Django refuses the host: 400
        now = time.time()
        try:
            key, entry, label = self.lookup(environ, host, now)
        except Exception:
            logger.exception("The page cache is unavailable: passing the request to Django.")
            return self.app(environ, start_response)
        if label:
            return self.serve(entry, environ, start_response, label, now)
        if method == "HEAD" or self.csrf.search(environ.get("HTTP_COOKIE", "")):
            # Answered by Django, not stored: HEAD has no body to keep; a request carrying a
            # CSRF cookie may come from a form page, whose response is not for everyone.
            return self.app(environ, self.labelled(start_response, "MISS"))
        return self.fetch(environ, start_response, key, entry, now)

    def lookup(self, environ, host: str, now: float) -> tuple[str, Entry | None, str]:
        """(key, stored entry, "HIT" or "STALE" if it may be served, else "")."""
        cache, store = caches[self.alias], get_tag_store()
        key = self.key(environ, host)
        entry = cache.get(key)
        if isinstance(entry, Varies):
            entry = cache.get(f"{key}:{encodings(environ)}")
        if entry is None or not store.fresh(entry.tags, entry.mark):
            return key, entry, ""
        age = now - entry.stored
        if age < entry.ttl:
            return key, entry, "HIT"
        if age < entry.ttl + entry.stale_while_revalidate and not cache.add(
            f"{key}:lock", 1, timeout=LOCK_SECONDS
        ):
            return key, entry, "STALE"  # another request is rendering it again
        return key, entry, ""

    def eligible(self, environ) -> bool:
        return anonymous(environ) and not environ.get("PATH_INFO", "").startswith(self.skip)

    def key(self, environ, host: str | None = None) -> str:
        scheme = environ["wsgi.url_scheme"]
        if self.https_header and environ.get(self.https_header) == self.https_value:
            scheme = "https"
        host = host or request_host(environ)
        if host is None:
            raise DisallowedHost("No page cache key for a host that ALLOWED_HOSTS refuses.")
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        url = f"{scheme}://{host.lower()}{path}?{environ.get('QUERY_STRING', '')}"
        digest = hashlib.blake2b(url.encode("utf-8", "surrogateescape"), digest_size=20)
        return f"page:{digest.hexdigest()}"

    @staticmethod
    def labelled(start_response, label: str):
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, ("X-Cache", label)], exc_info)

        return start

    def serve(self, entry: Entry, environ, start_response, label: str, now: float):
        if entry.gzipped is not None and "gzip" in encodings(environ).split(","):
            entry = gzipped_variant(entry)
        headers = [*entry.headers, ("X-Cache", label)]
        if label != "MISS":
            headers.append(("Age", str(max(0, int(now - entry.stored)))))
        if not_modified(environ, entry):
            kept = [
                (name, value) for name, value in headers if name.lower() in NOT_MODIFIED_HEADERS
            ]
            start_response("304 Not Modified", [*kept, ("X-Cache", label)])
            return []
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def fetch(self, environ, start_response, key: str, stale: Entry | None, now: float):
        """Render with Django, store what may be stored, answer (or serve stale on errors)."""
        cache, store = caches[self.alias], get_tag_store()
        try:
            mark = store.mark()  # read before rendering: a purge from now on outdates it
        except Exception:
            logger.exception("The page cache is unavailable: passing the request to Django.")
            return self.app(environ, start_response)
        inner = {
            name: value
            for name, value in environ.items()
            if name not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
        }  # the full response, to store; the client's conditions are answered below
        captured = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers, exc_info]
            return lambda data: None  # Django never uses write()

        result = self.app(inner, capture)
        status, headers, exc_info = captured
        code = int(status[:3])

        if (
            code >= 500
            and stale is not None
            and now - stale.stored < stale.ttl + stale.stale_if_error
            and servable(store, stale)
        ):
            close(result)
            logger.warning("Serving a stale copy of %s: Django answered %s.", key, status)
            return self.serve(stale, environ, start_response, "STALE", now)

        rules = self.storable(code, headers)
        if rules is None:
            start_response(status, [*headers, ("X-Cache", "MISS")], exc_info)
            return result

        chunks, size, rest = [], 0, iter(result)
        for chunk in rest:
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:  # too big to keep: send it on as it comes
                start_response(status, [*headers, ("X-Cache", "MISS")])
                return streamed(chunks, rest, result)
        close(result)

        body = b"".join(chunks)
        values = {name.lower(): value for name, value in headers}
        kept = [
            (name, value)
            for name, value in headers
            if name.lower() not in NOT_STORED_HEADERS and name.lower() != "content-length"
        ]
        compress = compressible(values, body)
        if compress:
            kept = with_vary(kept, "Accept-Encoding")
        entry = Entry(
            status=status,
            headers=[*kept, ("Content-Length", str(len(body)))],
            body=body,
            stored=time.time(),
            ttl=rules[0],
            stale_while_revalidate=rules[1],
            stale_if_error=rules[2],
            tags=tuple(values[TAGS_HEADER.lower()].split()),
            mark=mark,
            etag=values.get("etag", ""),
            last_modified=values.get("last-modified", ""),
            gzipped=gzip.compress(body, compresslevel=6, mtime=0) if compress else None,
        )
        if entry.gzipped is not None:
            entry = entry._replace(gzipped_headers=gzipped_variant(entry).headers)
        try:
            store.prepare(entry.tags, mark)
            timeout = entry.ttl + max(entry.stale_while_revalidate, entry.stale_if_error)
            if "accept-encoding" in values.get("vary", "").lower():
                cache.set(key, Varies("accept-encoding"), timeout=timeout)
                cache.set(f"{key}:{encodings(environ)}", entry, timeout=timeout)
            else:
                cache.set(key, entry, timeout=timeout)
            cache.delete(f"{key}:lock")
        except Exception:
            logger.exception("Could not store %s in the page cache.", key)
        return self.serve(entry, environ, start_response, "MISS", entry.stored)

    def storable(self, code: int, headers) -> tuple[int, int, int] | None:
        """(s-maxage, stale-while-revalidate, stale-if-error), or None: not for the cache."""
        if code not in STORED_STATUSES:
            return None
        values = {}
        for name, value in headers:
            name = name.lower()
            if name == "set-cookie":
                return None
            values[name] = value
        vary = {item.strip().lower() for item in values.get("vary", "").split(",") if item.strip()}
        if TAGS_HEADER.lower() not in values or vary - {"accept-encoding"}:
            return None
        directives = cache_directives(values.get("cache-control", ""))
        if "public" not in directives or directives.keys() & {"private", "no-store", "no-cache"}:
            return None
        ttl = directives.get("s-maxage") or directives.get("max-age") or 0
        if ttl <= 0:
            return None
        return (
            ttl,
            directives.get("stale-while-revalidate") or 0,
            directives.get("stale-if-error") or 0,
        )


def servable(store, entry: Entry) -> bool:
    try:
        return store.servable(entry.tags, entry.mark)
    except Exception:
        logger.exception("Could not check whether a stale copy was taken down.")
        return False


def close(result) -> None:
    if hasattr(result, "close"):
        result.close()


def streamed(head: list[bytes], rest, result):
    try:
        yield from head
        yield from rest
    finally:
        close(result)


def health(app, path: str = "/healthz"):
    """Answer `path` with 200 before anything else: the process is up (Varnish's probe).

    With the security headers every response carries, though no middleware runs for it.
    """
    from newsdesk.core.security import secured_headers  # once Django is set up

    def application(environ, start_response):
        if environ.get("PATH_INFO") == path:
            headers = [("Content-Type", "text/plain"), ("Cache-Control", "no-store")]
            start_response("200 OK", secured_headers(environ, headers))
            return [b"ok\n"]
        return app(environ, start_response)

    return application


def without_tags(app):
    """`app` with X-Cache-Tags taken off its responses: no proxy in front purges by them
    (settings.SEND_CACHE_TAGS), and they name what a page shows, which is no reader's business
    and costs every response a few hundred bytes."""

    def application(environ, start_response):
        def start(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if name != TAGS_HEADER]
            return start_response(status, kept, exc_info)

        return app(environ, start)

    return application


def wrap(app):
    """Django's WSGI application with the page cache (if settings.PAGE_CACHE), its responses'
    tags for a proxy in front (if settings.SEND_CACHE_TAGS) and /healthz."""
    if settings.PAGE_CACHE:
        app = PageCache(app)
    if not settings.SEND_CACHE_TAGS:
        app = without_tags(app)
    return health(app)


def compressible(values: dict[str, str], body: bytes) -> bool:
    """Text worth gzipping that Django did not encode or vary on Accept-Encoding itself."""
    return (
        len(body) >= COMPRESS_FROM
        and values.get("content-type", "").startswith(COMPRESSIBLE)
        and "content-encoding" not in values
        and "accept-encoding" not in values.get("vary", "").lower()
    )


def with_vary(headers: list[tuple[str, str]], field: str) -> list[tuple[str, str]]:
    values = [v for n, v in headers if n.lower() == "vary"]
    vary = ", ".join([*values, field]) if values else field
    return [(n, v) for n, v in headers if n.lower() != "vary"] + [("Vary", vary)]


def gzipped_variant(entry: Entry) -> Entry:
    """The entry as sent gzipped: its own length, and a weak ETag (the same page, other bytes)."""
    etag = f"W/{entry.etag.removeprefix('W/')}" if entry.etag else ""
    headers = entry.gzipped_headers
    if headers is None:
        replaced = {"content-length", "etag"}
        headers = [(n, v) for n, v in entry.headers if n.lower() not in replaced]
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(entry.gzipped)))]
        if etag:
            headers.append(("ETag", etag))
    return entry._replace(headers=headers, body=entry.gzipped, etag=etag)
