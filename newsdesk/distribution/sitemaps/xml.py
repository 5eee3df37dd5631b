"""Writing sitemap XML by hand, safely: escaping, dates, and output in large chunks."""

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.encoding import iri_to_uri

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 does not allow at all, even escaped: a headline pasted with a stray
# control character must not make the whole sitemap unreadable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# One WSGI write per ~64 KB rather than one per URL: fewer system calls, the same memory.
CHUNK_BYTES = 64 * 1024


def text(value: str) -> str:
    """Element text: escaped, without the characters XML cannot carry."""
    return escape(NOT_XML.sub("", value))


def url(value: str) -> str:
    """An absolute URL as element text: non-ASCII percent-encoded (RFC 3986), then escaped."""
    return text(iri_to_uri(value))


def w3c(moment: datetime) -> str:
    """W3C datetime with its offset, in the site's time zone, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def newest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def chunked(parts: Iterable[str], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Join small strings into UTF-8 chunks of about `size` bytes, the last one shorter."""
    buffer: list[str] = []
    length = 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()
