"""Attachment files for the WordPress importer: from a local uploads folder, or fetched from
hosts the operator allowed by name. Nothing else is ever opened or fetched.

A file named by the export is looked up under `--uploads` (WordPress's `wp-content/uploads`
copied over), never outside it. A URL is fetched only when its host is in `--allow-host`;
a redirect is followed only to an allowed host, and a host name that resolves to a loopback,
private, link-local or reserved address is refused unless that address itself was allowed.
Size and time are capped; the image checks (type, pixels) are the upload ones, in
`upsert_image`.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from newsdesk.importers.runner import ItemError, SkipItem

TIMEOUT_SECONDS = 20
UPLOADS_MARKER = "/wp-content/uploads/"


class MediaSource:
    def __init__(
        self,
        *,
        uploads: Path | None = None,
        allow_hosts: Iterable[str] = (),
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int | None = None,
    ):
        self.uploads = uploads.resolve() if uploads else None
        self.allow_hosts = {host.strip().lower() for host in allow_hosts if host.strip()}
        # The same without ports, for comparing addresses.
        self.allow_names = {_without_port(host) for host in self.allow_hosts}
        self.timeout = timeout
        self.max_bytes = max_bytes or getattr(
            settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024
        )

    def get(self, *, url: str, attached_file: str) -> tuple[bytes | Path, str]:
        """The file's content (or local path) and its name."""
        local = self.local_path(url=url, attached_file=attached_file)
        if local is not None:
            return local, local.name
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host and self._allowed(parts):
            return self.fetch(url), Path(unquote(parts.path)).name or "image"
        if self.uploads is None and not self.allow_hosts:
            raise SkipItem("no --uploads folder or --allow-host given, so no files are read")
        where = f"not in {self.uploads.name}/" if self.uploads else "no --uploads folder"
        raise ItemError(
            f"file {attached_file or url!r} {where}, and host {host or '(none)'!r} "
            f"is not in --allow-host"
        )

    def local_path(self, *, url: str, attached_file: str) -> Path | None:
        if self.uploads is None:
            return None
        relative = attached_file
        if not relative:
            path = unquote(urlsplit(url).path)
            relative = path.split(UPLOADS_MARKER, 1)[1] if UPLOADS_MARKER in path else ""
        if not relative:
            return None
        candidate = (self.uploads / relative.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.uploads):
            raise ItemError(f"file {relative!r} is outside the uploads folder; not read")
        return candidate if candidate.is_file() else None

    def _allowed(self, parts) -> bool:
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
        return parts.scheme in ("http", "https") and (
            host in self.allow_hosts or netloc in self.allow_hosts
        )

    def _check_address(self, host: str) -> None:
        if host in self.allow_names and _is_ip(host):
            return  # an address the operator named
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError as error:
            raise ItemError(f"cannot resolve {host!r}: {error}") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global and str(address) not in self.allow_names:
                raise ItemError(f"{host!r} resolves to a non-public address ({address}); refused")

    def fetch(self, url: str) -> bytes:
        source = self

        class OnlyAllowed(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                target = urlsplit(newurl)
                if not source._allowed(target):
                    raise ItemError(f"{url} redirects to {newurl}, a host not in --allow-host")
                source._check_address((target.hostname or "").lower())
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        self._check_address((urlsplit(url).hostname or "").lower())
        opener = urllib.request.build_opener(OnlyAllowed)
        request = urllib.request.Request(url, headers={"User-Agent": "Newsdesk importer"})  # noqa: S310
        try:
            with opener.open(request, timeout=self.timeout) as response:
                data = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise ItemError(f"{url}: HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ItemError(f"{url}: {reason}") from None
        if len(data) > self.max_bytes:
            raise ItemError(f"{url}: larger than {self.max_bytes} bytes; not imported")
        return data


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost"
    return True


def _without_port(netloc: str) -> str:
    if netloc.startswith("["):  # [::1]:8000
        return netloc[1:].split("]", 1)[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
