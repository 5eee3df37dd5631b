"""Links inside imported content that point at the old site's own posts, and old URLs.

Shared by the WordPress and Ghost importers. `SiteLinks` knows the old site (its host names,
the old path of each post) and finds the page a post became: a paragraph's link to it becomes
a Wagtail page link (`rewrite_links`), so it follows the article wherever it moves. A post
whose link points at a post not imported yet is noted in `relink`, for the importer to import
it once more at the end, when the target exists. `redirect_old_paths` gives each post's old
URLs a permanent redirect to its new page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs, urlsplit

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from .records import Upserted
from .services import upsert_redirect

LINK = re.compile(r'<a href="([^"]*)">')


def old_path(url: str) -> str:
    """An old URL's path (and sorted query) as redirects store it: `/2024/03/slug`."""
    return Redirect.normalise_path(urlsplit(url)._replace(scheme="", netloc="").geturl())


@dataclass
class SiteLinks:
    """The old site's own addresses, and the pages its posts became."""

    find: Callable[[str], Page | None]  # a post's source id -> its imported page, or None
    hosts: Iterable[str] = ()  # the old site's host names
    paths: dict[str, str] = field(default_factory=dict)  # old_path() -> source id
    ids: set[str] = field(default_factory=set)  # source ids that query links may name
    id_params: tuple[str, ...] = ()  # query names carrying a post id (WordPress's ?p=12)
    aliases: dict[str, str] = field(default_factory=dict)  # "__GHOST_URL__" -> site address
    relink: set[str] = field(default_factory=set)  # posts to import again at the end

    def __post_init__(self) -> None:
        self.hosts = {host.lower() for host in self.hosts if host}

    def source_id_for(self, href: str) -> str | None:
        """The id of the post an old link points at, if it is on the old site."""
        href = href.strip()
        for alias, address in self.aliases.items():
            if href.startswith(alias):
                href = address.rstrip("/") + "/" + href[len(alias) :].lstrip("/")
                break
        try:
            parts = urlsplit(href)
            host = (parts.hostname or "").lower()
        except ValueError:  # "http://[broken": not a link we can follow
            return None
        if parts.scheme not in ("", "http", "https") or (host and host not in self.hosts):
            return None
        if not host and not href.startswith("/"):
            return None  # "#notes", "other-page/": not a path on the site
        query = parse_qs(parts.query)
        for name in self.id_params:
            if query.get(name, [""])[0] in self.ids:
                return query[name][0]
        path = old_path(href)
        return self.paths.get(path) or self.paths.get(path.split("?", 1)[0])

    def page_id(self, href: str, *, current: str) -> int | None:
        """The page a link from post `current` should point at; None leaves the link as it
        is. A target not imported yet puts `current` in `relink`."""
        target = self.source_id_for(href)
        if target is None:
            return None
        page = self.find(target)
        if page is None and target != current:
            self.relink.add(current)  # the target comes later in the export
        return page.pk if page is not None else None


def rewrite_links(html: str, page_id: Callable[[str], int | None]) -> str:
    """Cleaned paragraph HTML with links to imported posts as Wagtail page links."""

    def link(match: re.Match) -> str:
        found = page_id(unescape(match[1]))
        return f'<a linktype="page" id="{found}">' if found else match[0]

    return LINK.sub(link, html)


def redirect_old_paths(paths: Iterable[str], page: Page) -> list[Upserted]:
    """Permanent redirects from a post's old paths to its page (none where they would loop)."""
    found = [upsert_redirect(old_path=path, page=page) for path in set(paths) - {"", "/"}]
    return [result for result in found if result is not None]
