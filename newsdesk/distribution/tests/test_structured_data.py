"""JSON-LD on every page type parses and carries what search engines ask for; nothing
unpublished gets into it, and nothing in it can break out of its <script>."""

import json
from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.corrections.services import note_add, note_withdraw
from newsdesk.demo import factories
from newsdesk.distribution.metadata import structured_data
from newsdesk.distribution.models import POLICY_FIELDS, Distribution
from newsdesk.images.models import CustomRendition
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PersonPage

from .test_metadata import an_article, head, page_urls

pytestmark = pytest.mark.django_db


def graph(client, url: str) -> dict[str, list[dict]]:
    """The page's JSON-LD nodes by @type (exactly one script, parsed with json.loads)."""
    (data,) = head(client, url).json_ld
    assert data["@context"] == "https://schema.org"
    nodes: dict[str, list[dict]] = {}
    for node in data["@graph"]:
        nodes.setdefault(node["@type"], []).append(node)
    return nodes


def one(nodes: dict, kind: str) -> dict:
    (node,) = nodes[kind]
    return node


def assert_absolute(url: str) -> None:
    assert url.startswith("http://localhost/"), url


def aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_every_public_page_type_has_json_ld_that_parses(client):
    expected = {
        "home": "NewsMediaOrganization",
        "section": "CollectionPage",
        "article": "NewsArticle",
        "tag": "CollectionPage",
        "people": "CollectionPage",
        "person": "ProfilePage",
        "standard": "WebPage",
        "corrections": "CollectionPage",
    }
    for kind, url in page_urls().items():
        assert expected[kind] in graph(client, url), kind


def test_home_page_describes_the_publisher_and_its_policies(client):
    nodes = graph(client, "/")
    org = one(nodes, "NewsMediaOrganization")
    assert org["name"] == "The Meridian" and org["url"] == "http://localhost/"
    assert org["logo"]["@type"] == "ImageObject" and org["logo"]["width"] >= 112
    assert_absolute(org["logo"]["url"])
    assert org["foundingDate"] == "2009"
    assert org["sameAs"] == ["https://x.com/themeridian"]
    setting = Distribution.objects.get()
    for prop, field in POLICY_FIELDS.items():
        page = getattr(setting, field)
        assert org[prop] == page.full_url, prop
    assert org["correctionsPolicy"].endswith("/corrections-policy/")
    assert org["ownershipFundingInfo"].endswith("/ownership/")
    site = one(nodes, "WebSite")
    assert site["url"] == "http://localhost/" and site["name"] == "The Meridian"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://localhost/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_home_page_omits_unset_and_unpublished_policy_pages(client):
    setting = Distribution.objects.get()
    setting.diversity_policy = None
    setting.save()
    StandardPage.objects.get(slug="verification").unpublish()
    org = one(graph(client, "/"), "NewsMediaOrganization")
    assert "diversityPolicy" not in org
    assert "verificationFactCheckingPolicy" not in org
    assert "correctionsPolicy" in org


def test_article_is_a_complete_news_article(client):
    article = an_article()
    nodes = graph(client, article.url)
    news = one(nodes, "NewsArticle")
    url = article.full_url
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["url"] == url
    assert news["headline"] == article.title
    assert news["description"]
    published = aware(news["datePublished"])
    assert published == article.first_published_at.replace(microsecond=0)
    assert aware(news["dateModified"]) >= published
    assert news["author"] == [
        {
            "@type": "Person",
            "name": byline.person.title,
            "url": byline.person.full_url,
            "jobTitle": byline.person.role,
        }
        for byline in article.bylines.all()
    ]
    (editor,) = news["editor"]
    credit = article.credits.get(role="editor")
    assert editor["@type"] == "Person" and editor["name"] == credit.person.title
    assert editor["url"] == credit.person.full_url
    publisher = news["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == "The Meridian"
    assert_absolute(publisher["logo"]["url"])
    assert news["dateline"].startswith(article.dateline_place)
    assert news["articleSection"] == "World"
    assert news["keywords"] == sorted(tag.name for tag in article.tags.all())
    assert news["isAccessibleForFree"] is True
    assert "correction" not in news


def test_article_images_come_in_three_ratios(client):
    article = an_article()
    images = one(graph(client, article.url), "NewsArticle")["image"]
    assert len(images) == 3
    ratios = []
    for url in images:
        assert_absolute(url)
        name = url.removeprefix("http://localhost/media/")
        rendition = CustomRendition.objects.get(file=name)
        assert rendition.image_id == article.lead_image_id
        assert default_storage.exists(name)
        ratios.append(round(rendition.width / rendition.height, 2))
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]
    assert "fill-1200x675" in images[0], "16:9 at 1200 px wide where the original allows"


def test_wide_source_gives_a_1200_px_wide_16_by_9_image(client):
    section = SectionPage.objects.get(slug="science")
    image = factories.make_image(title="Wide field", motif="orbit", size=(1600, 900))
    article = factories.make_article(section=section, headline="Wide field survey", image=image)
    first = one(graph(client, article.url), "NewsArticle")["image"][0]
    name = first.removeprefix("http://localhost/media/")
    with default_storage.open(name) as stored:
        assert Image.open(stored).size == (1200, 675)


@pytest.mark.parametrize(
    ("article_type", "schema_type"),
    [
        ("news", "NewsArticle"),
        ("analysis", "AnalysisNewsArticle"),
        ("opinion", "OpinionNewsArticle"),
        ("review", "ReviewNewsArticle"),
        ("explainer", "BackgroundNewsArticle"),
        ("interview", "NewsArticle"),
        ("sponsored", "AdvertiserContentArticle"),
    ],
)
def test_article_type_picks_the_schema_type(client, article_type, schema_type):
    article = ArticlePage.objects.published().filter(article_type=article_type).first()
    nodes = graph(client, article.url)
    assert one(nodes, schema_type)["headline"] == article.title


def test_desk_byline_is_an_organization_and_no_byline_is_the_publisher(client):
    section = SectionPage.objects.get(slug="business")
    desk = factories.make_article(
        section=section, headline="Markets close higher", byline_text="Business desk"
    )
    (author,) = one(graph(client, desk.url), "NewsArticle")["author"]
    assert author["@type"] == "Organization" and author["name"] == "Business desk"
    anonymous = factories.make_article(section=section, headline="Rates unchanged")
    (author,) = one(graph(client, anonymous.url), "NewsArticle")["author"]
    assert author["@type"] == "NewsMediaOrganization" and author["name"] == "The Meridian"


def test_published_corrections_appear_as_correction_comments(client):
    article = an_article()
    correction = note_add(
        article=article, kind="correction", text="An earlier version misstated the river's length."
    )
    note_add(article=article, kind="clarification", text="The talks were held in two rounds.")
    note_add(article=article, kind="update", text="A new round of talks is planned.")
    withdrawn = note_add(article=article, kind="correction", text="Added to the wrong article.")
    note_withdraw(note=withdrawn, by=None, reason="Wrong article")
    news = one(graph(client, article.url), "NewsArticle")
    texts = [item["text"] for item in news["correction"]]
    assert texts == [
        "An earlier version misstated the river's length.",
        "The talks were held in two rounds.",
    ]
    first = news["correction"][0]
    assert first["@type"] == "CorrectionComment"
    assert aware(first["datePublished"]) == correction.noted_at.replace(microsecond=0)
    assert aware(news["dateModified"]) >= correction.noted_at.replace(microsecond=0)


def test_article_and_section_have_breadcrumbs(client):
    article = an_article()
    crumbs = one(graph(client, article.url), "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Meridian", "http://localhost/"),
        (2, "World", "http://localhost/world/"),
        (3, article.title, article.full_url),
    ]
    crumbs = one(graph(client, "/world/"), "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["The Meridian", "World"]


def test_person_page_is_a_profile_page_about_a_person(client):
    person = PersonPage.objects.get(slug="amara-okafor")
    profile = one(graph(client, person.url), "ProfilePage")
    subject = profile["mainEntity"]
    assert subject["@type"] == "Person" and subject["name"] == "Amara Okafor"
    assert subject["url"] == person.full_url and subject["jobTitle"] == person.role
    assert subject["description"].startswith("Amara Okafor reports")
    assert_absolute(subject["image"])
    assert subject["worksFor"]["name"] == "The Meridian"


def test_listing_and_standard_pages_name_their_site(client):
    for url in ("/world/", "/people/", "/about/", "/corrections/", page_urls()["tag"]):
        nodes = graph(client, url)
        (page,) = nodes.get("CollectionPage", []) + nodes.get("WebPage", [])
        assert page["url"] == f"http://localhost{url}", url
        assert page["name"] and page["description"], url
        assert page["isPartOf"]["@type"] == "WebSite", url


def test_a_headline_cannot_break_out_of_the_script(client):
    section = SectionPage.objects.get(slug="culture")
    headline = "</script><script>alert(1)</script> & <!-- the end -->"
    article = factories.make_article(
        section=section, headline=headline, slug="breakout", dek="A <b>bold</b> & dek"
    )
    response = client.get(article.url)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<!-- the end" not in html
    page = head(client, article.url)
    scripts = page.soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    news = one(graph(client, article.url), "NewsArticle")
    assert news["headline"] == headline, "escaped in the HTML, intact for the parser"
    assert page.meta("og:title") == headline


def test_script_json_escapes_markup_characters():
    text = structured_data.to_script_json({"a": "</script><!--&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&"}


def test_unpublished_articles_leave_no_trace(client):
    section = SectionPage.objects.get(slug="world")
    draft = factories.make_article(section=section, headline="Embargoed scoop", publish=False)
    assert client.get(draft.url).status_code == 404
    gone = ArticlePage.objects.published().child_of(section).last()
    note_add(article=gone, kind="correction", text="A correction on a withdrawn story.")
    url = gone.url
    gone.unpublish()
    assert client.get(url).status_code == 404
    for page_url in page_urls().values():
        html = client.get(page_url).content.decode()
        assert "Embargoed scoop" not in html and gone.title not in html
        assert "A correction on a withdrawn story." not in html
