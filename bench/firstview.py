"""First-view bytes: what a first visit downloads for each page type, images excluded.

The HTML, and what it loads before anything is cached: stylesheets, scripts, preloads and
module preloads named in it, the stylesheets those @import and the fonts their @font-face
rules name (the first source of each face: a browser fetches one). Each is fetched from
Newsdesk's own server and measured raw, gzipped (level 9) and brotli-compressed (quality 11,
with Node's zlib: Node is needed for the theme's assets anyway).
"""

from __future__ import annotations

import gzip
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from . import servers
from .harness import Context, Report, Table, benchmark, size
from .pages import pages

TARGET = 40 * 1024  # the article's first view, compressed
LINK_RELS = {"stylesheet", "preload", "modulepreload"}
PRELOAD_KINDS = {"style", "script", "font"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)")

BROTLI = """
const zlib = require("zlib");
const data = require("fs").readFileSync(0);
const params = {[zlib.constants.BROTLI_PARAM_QUALITY]: 11};
process.stdout.write(String(zlib.brotliCompressSync(data, {params}).length));
"""


class Loads(HTMLParser):
    """The URLs an HTML page makes the browser fetch on first view, images excluded."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.found.append(("script", attrs["src"]))
        elif tag == "link" and attrs.get("href"):
            rels = set((attrs.get("rel") or "").lower().split())
            if "stylesheet" in rels:
                self.found.append(("stylesheet", attrs["href"]))
            elif "modulepreload" in rels:
                self.found.append(("script", attrs["href"]))
            elif "preload" in rels and attrs.get("as") in PRELOAD_KINDS:
                self.found.append((attrs["as"], attrs["href"]))


def brotli_size(data: bytes) -> int | None:
    try:
        result = subprocess.run(  # noqa: S603,S607 - node from PATH, our script
            ["node", "-e", BROTLI], input=data, capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(result.stdout)


def css_loads(css: str) -> list[tuple[str, str]]:
    found = [("stylesheet", url) for url in IMPORT.findall(css)]
    for face in FONT_FACE.findall(css):
        urls = CSS_URL.findall(face)
        if urls:
            found.append(("font", urls[0]))
    return found


def first_view(port: int, path: str) -> tuple[bytes, list[tuple[str, str, bytes]], list[str]]:
    """(HTML, [(kind, url, body)], URLs not fetched: other hosts or failed)."""
    status, _, html = servers.get(port, path, timeout=120)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    parser = Loads()
    parser.feed(html.decode("utf-8", "replace"))
    queue = [(kind, urljoin(path, url)) for kind, url in parser.found]
    assets, skipped, seen = [], [], set()
    while queue:
        kind, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc.split(":")[0] not in ("localhost", "127.0.0.1"):
            skipped.append(url)
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        status, _, body = servers.get(port, local)
        if status != 200:
            skipped.append(f"{url} (HTTP {status})")
            continue
        assets.append((kind, parts.path, body))
        if kind == "stylesheet":
            queue += [(k, urljoin(local, u)) for k, u in css_loads(body.decode("utf-8", "replace"))]
    return html, assets, skipped


def sizes(data: bytes) -> tuple[int, int, int | None]:
    return len(data), len(gzip.compress(data, compresslevel=9, mtime=0)), brotli_size(data)


@benchmark("firstview", "First-view bytes per page type: HTML, CSS, JS and fonts")
def firstview(context: Context) -> Report:
    totals = Table(
        ["page", "files", "raw", "gzip", "brotli", "HTML raw", "HTML gzip", "HTML brotli"],
        title="First view (HTML + CSS + JS + fonts; images excluded)",
    )
    files = Table(["file", "kind", "loaded by", "raw", "gzip", "brotli"], title="Files")
    notes, measured, article = [], {}, None
    with servers.newsdesk("newsdesk-firstview") as port:
        for kind, path in pages():
            if kind == "feed":
                continue
            context.log(f"  {kind} {path}")
            html, assets, skipped = first_view(port, path)
            html_sizes = sizes(html)
            total = [html_sizes[0], html_sizes[1], html_sizes[2]]
            for asset_kind, url, body in assets:
                if url not in measured:
                    measured[url] = (asset_kind, sizes(body), [])
                measured[url][2].append(kind)
                for n, value in enumerate(measured[url][1]):
                    total[n] = None if value is None or total[n] is None else total[n] + value
            show = [size(v) if v is not None else "-" for v in total]
            html_show = [size(v) if v is not None else "-" for v in html_sizes]
            totals.add(f"{kind} ({path})", 1 + len(assets), *show, *html_show)
            notes += [f"{kind}: not counted (not on this server): {url}" for url in skipped]
            if kind == "article":
                article = total
    for url, (kind, (raw, gz, br), loaded_by) in measured.items():
        files.add(url, kind, ", ".join(loaded_by), size(raw), size(gz), size(br) if br else "-")
    if article is not None:
        worst = max(v for v in article[1:] if v is not None)
        verdict = "met" if worst <= TARGET else f"missed by {size(worst - TARGET)}"
        notes.insert(
            0,
            f"Target: the article's first view at most {size(TARGET)} compressed: "
            f"{size(article[1])} gzip, "
            + (f"{size(article[2])} brotli" if article[2] else "brotli not measured")
            + f" ({verdict}; judged on the larger of the two).",
        )
    notes.append(
        "Fetched from Newsdesk's embedded server (bench settings, DEBUG off); gzip -9 and "
        "brotli -q 11 of each file as a CDN or precompressed static files would send them. "
        "Images, the favicon and the reading beacon are not counted; nor is anything fetched "
        "only after an interaction."
    )
    return Report(tables=[totals, files], notes=notes)
