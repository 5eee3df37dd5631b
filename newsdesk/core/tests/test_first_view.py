"""An article's first view stays small and nothing blocks its first paint.

First view: the HTML and every stylesheet, script and font it loads, images excluded, each
gzipped (brotli does better). Static files travel precompressed (WhiteNoise); the HTML is
compressed by whatever serves it to readers (the app itself sends it uncompressed).
"""

import gzip
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.db.models import TextField
from django.db.models.functions import Cast, Length

from newsdesk.articles.models import ArticlePage

pytestmark = pytest.mark.django_db

BUDGET = 40 * 1024


def static_file(url: str) -> bytes:
    path = finders.find(url.removeprefix("/static/").split("?")[0])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as f:
        return f.read()


def first_view(client, url: str) -> dict[str, bytes]:
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    files = {url: response.content}
    for tag in soup.select("link[rel~=stylesheet], link[rel~=preload], script[src]"):
        ref = tag.get("href") or tag.get("src")
        if tag.get("as") not in (None, "style", "script", "font"):
            continue  # preloaded images are not part of the budget
        files[ref] = static_file(ref)
    for css in [body for ref, body in files.items() if ref.endswith(".css")]:
        for font in re.findall(rb"url\(['\"]?([^)'\"]+\.woff2?)", css):
            files[font.decode()] = static_file(font.decode())
    return files


def longest_articles(count: int = 3):
    published = ArticlePage.objects.published().annotate(size=Length(Cast("body", TextField())))
    return published.order_by("-size")[:count]


def test_the_longest_articles_first_view_is_at_most_40_kb_compressed(client):
    for article in longest_articles():
        files = first_view(client, article.url)
        sizes = {
            ref: len(gzip.compress(body, compresslevel=9, mtime=0)) for ref, body in files.items()
        }
        assert sum(sizes.values()) <= BUDGET, f"{article.url}: {sizes}"


def test_nothing_blocks_the_first_paint(client):
    article = longest_articles(1)[0]
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    for script in soup.select("script[src]"):
        assert script.has_attr("defer") or script.get("type") == "module", script
    for script in soup.select("script:not([src])"):
        assert script.get("type") in ("application/ld+json", "application/json"), script
    assert len(soup.select("link[rel~=stylesheet]")) == 1, "one stylesheet"
    assert not soup.select("link[rel~=stylesheet][href^=http], script[src^=http]"), "no third party"


def test_fonts_are_the_systems_or_swap():
    css = static_file("/static/css/newsdesk.css").decode()
    for face in re.findall(r"@font-face\s*{[^}]*}", css):
        assert "font-display:swap" in face.replace(" ", ""), face
