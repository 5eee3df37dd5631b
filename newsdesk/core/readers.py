"""Who is asking, without storing who they are: client networks and reader keys as hashes."""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a trusted proxy, the last hop it added."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network an address belongs to: what rate limits count."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def keyed_hash(*parts: str) -> str:
    """A keyed hash: stable for this site, meaningless without its SECRET_KEY."""
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def network_hash(request: HttpRequest) -> str:
    return keyed_hash("network", network_of(client_ip(request)))


def browser_hash(request: HttpRequest) -> str:
    """Network plus browser: how a guest without a cookie is told apart. No raw IP is kept."""
    return keyed_hash(
        "browser",
        network_of(client_ip(request)),
        request.META.get("HTTP_USER_AGENT", "")[:512],
        request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:128],
    )


def same_origin(request: HttpRequest) -> bool:
    """A POST from our own pages: Origin (or, failing that, Referer) names this host.

    Public forms carry no CSRF cookie (pages stay cacheable), so cross-site POSTs are refused
    by origin instead, together with a signed form token.
    """
    if request.META.get("HTTP_SEC_FETCH_SITE") in ("cross-site", "same-site"):
        return False
    origin = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER", "")
    if not origin or origin == "null":
        return False
    from urllib.parse import urlsplit

    host = urlsplit(origin).netloc
    return bool(host) and host == request.get_host()
