"""The <head> of every page type: title, description, canonical URL, robots, pagination
links, OpenGraph and Twitter tags, the social image and the Promote tab's overrides."""

import io
import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.template import Context
from PIL import Image

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.pagination import PAGE_SIZE
from newsdesk.demo import factories
from newsdesk.distribution.metadata import cards
from newsdesk.distribution.metadata.page_meta import build, shorten
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage

pytestmark = pytest.mark.django_db


class Head:
    """The parsed <head> of a response."""

    def __init__(self, response):
        self.response = response
        self.soup = BeautifulSoup(response.content, "html.parser")
        self.head = self.soup.head

    @property
    def title(self) -> str:
        return self.head.title.get_text()

    def meta(self, key: str, *, attr: str = "property") -> str | None:
        tag = self.head.find("meta", attrs={attr: key})
        return tag["content"] if tag else None

    def metas(self, key: str) -> list[str]:
        return [tag["content"] for tag in self.head.find_all("meta", attrs={"property": key})]

    def name(self, key: str) -> str | None:
        return self.meta(key, attr="name")

    def link(self, rel: str) -> str | None:
        tag = self.head.find("link", rel=rel)
        return tag["href"] if tag else None

    @property
    def json_ld(self) -> list:
        return [
            json.loads(script.string)
            for script in self.soup.find_all("script", type="application/ld+json")
        ]


def head(client, url: str, status: int = 200) -> Head:
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return Head(response)


def an_article():
    world = SectionPage.objects.get(slug="world")
    return ArticlePage.objects.published().child_of(world).filter(dateline_place__gt="").first()


def page_urls() -> dict[str, str]:
    """One URL per public page type."""
    article = an_article()
    return {
        "home": "/",
        "section": SectionPage.objects.get(slug="world").url,
        "article": article.url,
        "tag": f"/tags/{article.tags.first().slug}/",
        "people": PeopleIndexPage.objects.get().url,
        "person": PersonPage.objects.get(slug="amara-okafor").url,
        "standard": StandardPage.objects.get(slug="about").url,
        "corrections": "/corrections/",
    }


def test_every_page_type_has_a_unique_title_description_and_absolute_canonical(client):
    titles, descriptions = set(), set()
    for kind, url in page_urls().items():
        page = head(client, url)
        assert page.title and page.title not in titles, kind
        titles.add(page.title)
        description = page.name("description")
        assert description and description not in descriptions, kind
        assert len(description) <= 160, kind
        descriptions.add(description)
        canonical = page.link("canonical")
        assert canonical.startswith("http://") and canonical.endswith(url), kind
        assert page.name("robots") == "max-image-preview:large", kind


def test_article_head_carries_opengraph_twitter_and_article_properties(client):
    article = an_article()
    page = head(client, article.url + "?utm_source=newsletter")
    canonical = page.link("canonical")
    assert canonical == article.full_url, "query strings never reach the canonical URL"
    assert page.title == f"{article.title} · The Meridian"
    assert page.name("description") == shorten(article.dek)
    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == article.title
    assert page.meta("og:description") == shorten(article.dek)
    assert page.meta("og:url") == canonical
    assert page.meta("og:site_name") == "The Meridian"
    assert page.meta("og:locale")
    image = page.meta("og:image")
    assert image.startswith("http://") and "fill-1200x630.format-jpeg" in image
    assert page.meta("og:image:type") == "image/jpeg"
    width, height = int(page.meta("og:image:width")), int(page.meta("og:image:height"))
    assert abs(width / height - 1200 / 630) < 0.02
    assert page.meta("og:image:alt") == article.lead_image.default_alt_text
    assert page.name("twitter:card") == "summary_large_image"
    assert page.name("twitter:site") == "@themeridian"
    published = datetime.fromisoformat(page.meta("article:published_time"))
    assert published.tzinfo is not None
    assert published == article.first_published_at.replace(microsecond=0)
    assert datetime.fromisoformat(page.meta("article:modified_time")) >= published
    assert page.meta("article:section") == "World"
    assert page.metas("article:tag") == sorted(tag.name for tag in article.tags.all())
    authors = [byline.person.full_url for byline in article.bylines.all()]
    assert authors and page.metas("article:author") == authors


def test_person_page_is_a_profile(client):
    person = PersonPage.objects.get(slug="amara-okafor")
    page = head(client, person.url)
    assert page.meta("og:type") == "profile"
    assert page.meta("profile:first_name") == "Amara"
    assert page.meta("profile:last_name") == "Okafor"
    assert page.name("description").startswith("Amara Okafor reports")


def test_pages_without_an_article_image_share_the_site_card(client):
    page = head(client, "/about/")
    image = page.meta("og:image")
    assert image.startswith("http://") and "/cards/" in image and image.endswith(".png")
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("1200", "630")
    assert page.meta("og:image:alt").startswith("The Meridian")
    response = client.get(image.removeprefix("http://localhost"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_listing_pages_after_the_first_are_self_canonical_with_prev_and_next(client):
    section = SectionPage.objects.get(slug="science")
    for n in range(PAGE_SIZE + 1):
        factories.make_article(section=section, headline=f"Lab note {n}", tags=["Lab notes"])
    first = head(client, "/tags/lab-notes/")
    assert first.link("canonical") == "http://localhost/tags/lab-notes/"
    assert first.link("next") == "http://localhost/tags/lab-notes/?page=2"
    assert first.link("prev") is None
    second = head(client, "/tags/lab-notes/?page=2&utm_campaign=x")
    assert second.link("canonical") == "http://localhost/tags/lab-notes/?page=2"
    assert second.link("prev") == "http://localhost/tags/lab-notes/"
    assert second.link("next") is None
    assert second.title == "Lab notes, page 2 · The Meridian"
    assert second.title != first.title
    assert second.name("description") != first.name("description")
    assert "noindex" not in (second.name("robots") or "")
    # An out-of-range page shows the last page, and says so.
    beyond = head(client, "/tags/lab-notes/?page=99")
    assert beyond.link("canonical") == "http://localhost/tags/lab-notes/?page=2"


def test_not_found_page_is_noindex_without_canonical_or_social_tags(client):
    page = head(client, "/no-such-page/", status=404)
    assert page.title == "Page not found · The Meridian"
    assert page.name("robots") == "noindex"
    assert page.link("canonical") is None
    assert page.meta("og:title") is None and not page.json_ld


def test_previews_are_noindex(client):
    article = an_article()
    revision = article.save_revision()
    response = revision.as_object().make_preview_request()
    assert response.status_code == 200
    assert Head(response).name("robots") == "noindex, nofollow"


def test_preview_of_a_new_article_has_no_card(rf):
    # As Wagtail previews a page being created: placed in the tree, but not saved. (The whole
    # page is not rendered here: ArticlePage.get_context cannot prefetch on an unsaved page.)
    section = SectionPage.objects.get(slug="world")
    draft = ArticlePage(title="Not saved yet", slug="not-saved-yet", dek="A draft.")
    draft.depth = section.depth + 1
    draft.path = ArticlePage._get_children_path_interval(section.path)[1]
    request = rf.get("/world/not-saved-yet/")
    request.is_preview = True
    meta = build(Context({"request": request, "page": draft}))
    assert meta.robots == "noindex, nofollow"
    assert meta.title == "Not saved yet · The Meridian"
    assert meta.image is None and "/cards/" not in meta.json_ld


def test_promote_tab_overrides_title_description_and_social_image(client):
    article = an_article()
    override = factories.make_image(title="Promoted picture", motif="grid", size=(1200, 630))
    article.seo_title = "Why the Oruma talks failed"
    article.search_description = "Three states, one river and no deal: what went wrong."
    article.social_image = override
    article.save_revision().publish()
    page = head(client, article.url)
    assert page.title == "Why the Oruma talks failed"
    assert page.meta("og:title") == "Why the Oruma talks failed"
    assert page.name("description") == article.search_description
    assert page.meta("og:description") == article.search_description
    assert "promoted-picture" in page.meta("og:image")
    assert page.meta("og:image:width") == "1200" and page.meta("og:image:height") == "630"
    (data,) = page.json_ld
    (news,) = [node for node in data["@graph"] if node["@type"] == "NewsArticle"]
    assert news["headline"] == article.title, "structured data keeps the real headline"
    assert news["description"] == article.search_description


def test_article_without_an_image_gets_a_generated_card_that_follows_the_headline(
    client, monkeypatch
):
    section = SectionPage.objects.get(slug="politics")
    article = factories.make_article(section=section, headline="Budget vote delayed again")
    page = head(client, article.url)
    url = page.meta("og:image")
    assert url.startswith("http://localhost/cards/") and url.endswith(".png")
    assert page.meta("og:image:type") == "image/png"
    assert page.meta("og:image:alt") == "Politics · Budget vote delayed again · The Meridian"
    path = url.removeprefix("http://localhost")

    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=31536000" in cache_control
    assert "immutable" in cache_control and not response.cookies
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG" and picture.size == (1200, 630)
    stored = f"cards/{path.removeprefix('/cards/')}"
    assert default_storage.exists(stored)

    # Stored once: later requests read it back instead of drawing it again.
    def no_drawing(card):
        raise AssertionError("the card was drawn twice")

    monkeypatch.setattr(cards, "render_card", no_drawing)
    assert client.get(path).content == response.content

    article.title = "Budget vote passes at last"
    article.save_revision().publish()
    new_url = head(client, article.url).meta("og:image")
    assert new_url != url and new_url.startswith("http://localhost/cards/")
    assert client.get(path).status_code == 404, "an old headline's card is gone"
    monkeypatch.undo()
    assert client.get(new_url.removeprefix("http://localhost")).status_code == 200


def test_card_drawing_fits_any_headline():
    long = cards.Card(page_id=1, title="A very long headline " * 12, kicker="World", site_name="X")
    short = cards.Card(page_id=1, title="Short", kicker="World", site_name="X")
    site = cards.Card(page_id=1, title="The Meridian", tagline="Tagline", is_site=True)
    word = cards.Card(page_id=1, title="Ünbreakable" * 20, site_name="X")
    for card in (long, short, site, word):
        picture = Image.open(io.BytesIO(cards.render_card(card)))
        assert picture.size == (1200, 630)
    assert long.digest != short.digest


def test_unpublished_and_private_articles_have_no_card(client):
    section = SectionPage.objects.get(slug="politics")
    draft = factories.make_article(section=section, headline="Secret draft", publish=False)
    card = cards.article_card(draft, site_name="The Meridian")
    assert client.get(card.path).status_code == 404
    live = factories.make_article(section=section, headline="Soon to be withdrawn")
    card = cards.article_card(live, site_name="The Meridian")
    assert client.get(card.path).status_code == 200
    live.unpublish()
    assert client.get(card.path).status_code == 404
    private = factories.make_article(section=section, headline="Members only")
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=private, restriction_type="login")
    card = cards.article_card(private, site_name="The Meridian")
    assert client.get(card.path).status_code == 404
    assert client.get("/cards/999999-0123456789abcdef.png").status_code == 404


def test_a_draft_headline_does_not_reach_the_live_head(client):
    article = an_article()
    live_card = head(client, article.url).meta("og:image")
    draft = article.get_latest_revision_as_object()
    draft.title = "Draft headline nobody should see"
    draft.search_description = "Draft description nobody should see"
    draft.save_revision()
    html = client.get(article.url).content.decode()
    assert "nobody should see" not in html
    assert head(client, article.url).meta("og:image") == live_card


def test_promote_tab_has_length_hints_and_the_social_image(client):
    user = get_user_model().objects.create_superuser("promoter", "p@example.com", "pw")
    client.force_login(user)
    article = an_article()
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    title = soup.find("input", attrs={"name": "seo_title"})
    description = soup.find("textarea", attrs={"name": "search_description"})
    assert title["data-controller"] == "nd-length-hint"
    assert title["data-nd-length-hint-max-value"] == "60"
    assert description["data-controller"] == "w-autosize nd-length-hint"
    assert description["data-nd-length-hint-max-value"] == "160"
    assert soup.find(attrs={"name": "social_image"}) is not None
    assert "distribution/admin/length-hint.js" in html
    client.logout()
    assert "length-hint.js" not in client.get(article.url).content.decode()
