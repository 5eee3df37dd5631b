"""Public pages hold nothing the strict Content-Security-Policy would block.

The policy (settings.SECURE_CSP) has no 'unsafe-inline' and no nonces, so a browser refuses
style attributes, <style> elements, event-handler attributes, javascript: URLs and inline
scripts, unless a script's hash is in the policy. Chromium would only log the refusal and
draw the page slightly wrong, so this reads the HTML of every public page type, with a focal
point set on the pictures of its cards (which once came as a style attribute).
"""

import base64
import hashlib
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db.models import F

from newsdesk.articles.models import ArticlePage
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

# Scripts of these types are data for other scripts or crawlers (JSON-LD): never run.
DATA_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


def policy_sources(policy: str) -> dict[str, list[str]]:
    directives = (item.split() for item in policy.split(";") if item.strip())
    return {name: sources for name, *sources in directives}


def inline_code(html: str, policy: str) -> list[str]:
    """What in `html` the policy would block, described one item a line."""
    soup = BeautifulSoup(html, "html.parser")
    script_src = policy_sources(policy)["script-src"]
    found = []
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            runs = name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or runs:
                found.append(f"<{element.name} {name}={value!r}>")
    found += [f"<style>{element.text[:60]!r}" for element in soup.find_all("style")]
    for script in soup.find_all("script"):
        if script.has_attr("src") or script.get("type", "").lower() in DATA_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
        if f"'sha256-{digest}'" not in script_src:
            found.append(f"<script> without its hash in the policy: {script.text[:60]!r}")
    return found


def card_articles(html: str) -> list[ArticlePage]:
    """The articles shown as cards with a picture that CSS may crop (not the front's lead)."""
    soup = BeautifulSoup(html, "html.parser")
    slugs = [
        urlsplit(card.select_one(".story-title a")["href"]).path.rstrip("/").rsplit("/", 1)[-1]
        for card in soup.select(".story:not(.story-lead)")
        if card.select_one(".story-media img")
    ]
    return list(ArticlePage.objects.filter(slug__in=slugs[:2]))


def set_focal_points(articles) -> None:
    """A focal point off the middle, on the left third and low, for each article's picture."""
    images = {article.lead_image for article in articles if article.lead_image}
    for image in images:
        type(image).objects.filter(pk=image.pk).update(
            focal_point_x=F("width") / 3,
            focal_point_y=F("height") * 7 / 10,
            focal_point_width=10,
            focal_point_height=10,
        )
    for cache in caches.all():  # listings and fragments hold the images as they were
        cache.clear()


@pytest.fixture
def pages(site) -> dict[str, str]:
    """Every public page type; the article is one whose picture shows as a card elsewhere."""
    article = ArticlePage.objects.published().get(url_path__endswith=site["urls"]["article"])
    person = PersonPage.objects.get(pk=article.bylines.first().person_id)
    published = article.first_published_at
    word = max(article.title.split(), key=len).strip(".,:;'\"")
    return {
        **site["urls"],
        "byline": person.url,
        "archive": "/archive/",
        "archive_month": f"/archive/{published.year}/{published.month}/",
        "search": f"/search/?q={word}",
    }


# Page types whose cards have pictures in the demo, so their focal point is exercised.
WITH_CARDS = {"home", "section", "article", "tag", "byline", "archive_month", "search"}


def test_public_pages_have_no_inline_style_or_script(client, pages):
    article = ArticlePage.objects.published().get(url_path__endswith=pages["article"])
    set_focal_points([article])  # the article page's own lead figure
    for kind, url in pages.items():
        set_focal_points(card_articles(client.get(url).content.decode()))
        response = client.get(url)
        assert response.status_code == (404 if kind == "not_found" else 200), url
        html, policy = response.content.decode(), response["Content-Security-Policy"]
        assert inline_code(html, policy) == [], f"{kind} ({url})"
        if kind in WITH_CARDS:
            assert 'class="fp-x30 fp-y70"' in html, f"{kind}: no card with a focal point"


def test_the_policy_allows_nothing_inline(client, pages):
    for kind, url in pages.items():
        policy = client.get(url)["Content-Security-Policy"]
        sources = policy_sources(policy)
        for directive in ("script-src", "style-src", "default-src", "object-src"):
            assert directive in sources, f"{kind}: no {directive}"
        for directive in ("script-src", "style-src", "default-src"):
            for source in sources[directive]:
                assert source == "'self'" or source.startswith("'sha256-"), (kind, source)
        assert "unsafe" not in policy and "nonce" not in policy, kind


def test_the_check_finds_what_the_policy_blocks():
    allowed = "'sha256-RVNSRICCANwKsev8KpGpQz8EI8kp0PQdKu4JhdPu90c='"  # of allowed()
    policy = f"default-src 'self'; script-src 'self' {allowed}"
    html = """
      <p style="color: red">x</p><img src="a.png" onerror="steal()">
      <a href=" JavaScript:go()">go</a><style>p { color: red }</style>
      <script>run()</script><script>allowed()</script>
      <script src="/static/js/newsdesk.js"></script>
      <script type="application/ld+json">{"@type": "NewsArticle"}</script>
    """
    found = inline_code(html, policy)
    assert len(found) == 5, found
    assert [item for item in found if "run()" in item]
    assert not [item for item in found if "allowed()" in item]
