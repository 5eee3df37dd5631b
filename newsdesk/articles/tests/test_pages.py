"""Every public page type renders what a reader needs, and is cacheable by anyone."""

import pytest
from bs4 import BeautifulSoup

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.pagination import PAGE_SIZE
from newsdesk.demo import factories
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage

pytestmark = pytest.mark.django_db


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return response, BeautifulSoup(response.content, "html.parser")


def assert_public(response, soup):
    """Anonymous HTML must be cacheable: no cookie, no session, no CSRF token."""
    assert not response.cookies, f"sets cookies: {list(response.cookies)}"
    assert "cookie" not in response.get("Vary", "").lower()
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert len(soup.find_all("h1")) == 1, "exactly one h1 per page"
    assert soup.find("main", id="main") and soup.find("header") and soup.find("footer")
    assert soup.select_one("a.skip-link[href='#main']")
    for img in soup.find_all("img"):
        assert img.get("width") and img.get("height") and img.has_attr("alt"), img


def test_home_page_shows_the_front_page(client):
    response, soup = get(client, "/")
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == "The Meridian"
    published = ArticlePage.objects.published()
    lead = soup.select_one(".front-lead .story-title a")
    assert lead.get_text(strip=True) in set(published.values_list("title", flat=True))
    rails = [h.get_text(strip=True).rstrip("›").strip() for h in soup.select(".rail-heading a")]
    assert rails == list(
        SectionPage.objects.live().order_by("path").values_list("title", flat=True)
    )
    links = {a["href"] for a in soup.select(".story-title a")}
    assert len(links) >= 30, "the front page shows most of the magazine"
    assert soup.select_one(".masthead-date time[datetime]")


def test_home_page_follows_curation(client):
    home = ArticlePage.objects.first().get_site().root_page.specific
    chosen = ArticlePage.objects.published().order_by("first_published_at").first()
    home.lead_story = chosen
    home.save_revision().publish()
    _, soup = get(client, "/")
    assert soup.select_one(".front-lead .story-title a").get_text(strip=True) == chosen.title


def test_home_page_skips_unpublished_curated_story(client):
    home = ArticlePage.objects.first().get_site().root_page.specific
    chosen = home.lead_story
    chosen.unpublish()
    _, soup = get(client, "/")
    assert chosen.title not in soup.get_text()


def test_section_page_lists_its_articles_newest_first_with_pagination(client):
    section = SectionPage.objects.get(slug="world")
    response, soup = get(client, section.url)
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == "World"
    titles = [a.get_text(strip=True) for a in soup.select("main .story-title a")]
    expected = ArticlePage.objects.published().child_of(section).order_by("-first_published_at")
    assert titles == list(expected.values_list("title", flat=True)[:12])
    assert soup.select_one("[aria-current='page']").get_text(strip=True) == "World"


def test_section_pagination_and_bad_page_numbers(client):
    section = factories.make_section(home=factories.home_page(), title="Archive desk")
    for n in range(PAGE_SIZE + 1):
        factories.make_article(
            section=section,
            headline=f"Dispatch number {n}",
            published_at=factories.hours_ago(n + 1),
        )
    _, soup = get(client, section.url)
    assert len(soup.select("main .story-title a")) == PAGE_SIZE
    assert soup.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    _, soup = get(client, f"{section.url}?page=2")
    assert [a.get_text(strip=True) for a in soup.select("main .story-title a")] == [
        f"Dispatch number {PAGE_SIZE}"
    ]
    _, last = get(client, f"{section.url}?page=999")
    assert last.select("main .story-title a") == soup.select("main .story-title a")
    _, first = get(client, f"{section.url}?page=abc")
    assert len(first.select("main .story-title a")) == PAGE_SIZE


def test_past_the_numbered_pages_older_and_newer_links_carry_a_story(client, monkeypatch):
    from newsdesk.articles import pagination

    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 1)
    section = factories.make_section(home=factories.home_page(), title="Keyset desk")
    for n in range(PAGE_SIZE + 2):
        factories.make_article(
            section=section, headline=f"Bulletin {n}", published_at=factories.hours_ago(n + 1)
        )
    _, first = get(client, section.url)
    older = first.select_one(".pagination a[rel=next]")["href"]
    assert older.startswith("?before=")
    assert first.select_one("link[rel=next]")["href"].endswith(f"{section.url}{older}")
    response, soup = get(client, f"{section.url}{older}")
    assert_public(response, soup)
    assert [a.get_text(strip=True) for a in soup.select("main .story-title a")] == [
        f"Bulletin {PAGE_SIZE}",
        f"Bulletin {PAGE_SIZE + 1}",
    ]
    assert soup.select_one("link[rel=canonical]")["href"].endswith(f"{section.url}{older}")
    assert "older stories" in soup.title.get_text()
    assert not soup.select(".pagination a[rel=next]")  # the oldest story is on this page
    newer = soup.select_one(".pagination a[rel=prev]")["href"]
    _, back = get(client, f"{section.url}{newer}")
    assert back.select("main .story-title a") == first.select("main .story-title a")
    get(client, f"{section.url}?before=not-a-story", status=404)


def test_article_page_shows_everything_a_story_carries(client):
    article = ArticlePage.objects.published().filter(updated_at__isnull=False).first()
    response, soup = get(client, article.url)
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == article.title
    assert soup.select_one(".article-dek").get_text(strip=True) == article.dek
    byline = soup.select_one(".byline")
    for b in article.bylines.all():
        assert byline.find("a", href=b.person.url, string=b.person.title)
    figure = soup.select_one(".article-lead figure")
    assert figure.img["alt"] and figure.figcaption
    assert article.lead_image.credit in figure.figcaption.get_text()
    assert soup.select_one(".article-times .updated time[datetime]")
    assert soup.select_one(".article-body p .dateline time[datetime]")
    editor = article.credits.get(role="editor")
    assert editor.display_name in soup.select_one(".credits-list").get_text()
    for tag in article.tags.all():
        assert soup.select_one(f".tag-list a[href='/tags/{tag.slug}/']")
    related = soup.select(".related .story-title a")
    assert related and all(a["href"].startswith(article.get_parent().url) for a in related)
    assert article.url not in {a["href"] for a in related}


def test_opinion_and_sponsored_articles_are_labelled(client):
    for kind, label in (("opinion", "Opinion"), ("sponsored", "Sponsored")):
        article = ArticlePage.objects.published().filter(article_type=kind).first()
        _, soup = get(client, article.url)
        assert soup.select_one(f".article-{kind}")
        assert soup.select_one(f".type-label.type-{kind}").get_text(strip=True) == label


def test_tag_page_lists_tagged_articles(client):
    article = ArticlePage.objects.published().first()
    tag = article.tags.first()
    response, soup = get(client, f"/tags/{tag.slug}/")
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == tag.name
    titles = {a.get_text(strip=True) for a in soup.select("main .story-title a")}
    assert article.title in titles
    assert titles <= set(
        ArticlePage.objects.published().filter(tags=tag).values_list("title", flat=True)
    )
    get(client, "/tags/no-such-tag/", status=404)


def test_person_and_people_pages(client):
    person = PersonPage.objects.get(slug="amara-okafor")
    response, soup = get(client, person.url)
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == person.title
    assert person.role in soup.select_one(".profile-role").get_text()
    theirs = set(
        ArticlePage.objects.published()
        .filter(bylines__person=person)
        .values_list("title", flat=True)
    )
    shown = {a.get_text(strip=True) for a in soup.select("main .story-title a")}
    assert shown and shown <= theirs
    index = PeopleIndexPage.objects.get()
    response, soup = get(client, index.url)
    assert_public(response, soup)
    assert len(soup.select(".person-card")) == PersonPage.objects.live().count()


def test_standard_pages(client):
    page = StandardPage.objects.get(slug="about")
    response, soup = get(client, page.url)
    assert_public(response, soup)
    assert soup.h1.get_text(strip=True) == page.title
    footer_links = {a["href"] for a in soup.select(".site-footer a")}
    assert {p.url for p in StandardPage.objects.live()} <= footer_links


def test_unpublished_article_is_not_found_and_not_listed(client):
    article = (
        ArticlePage.objects.published().child_of(SectionPage.objects.get(slug="science")).first()
    )
    url = article.url
    article.unpublish()
    response, soup = get(client, url, status=404)
    assert soup.h1.get_text(strip=True) == "We can’t find that page"
    assert soup.select_one(".section-nav a[href='/world/']"), "the 404 page keeps the navigation"
    for listing in ("/", "/science/", f"/tags/{article.tags.first().slug}/"):
        assert article.title not in client.get(listing).content.decode()


def test_the_kept_masthead_marks_where_each_page_is(client):
    """The masthead is kept per place in the navigation (core/templatetags/newsdesk.py): each
    page, rendered twice in turn, marks its own place, never another page's."""
    science = ArticlePage.objects.published().child_of(SectionPage.objects.get(slug="science"))
    places = [
        ("/", "Home", "page"),
        ("/world/", "World", "page"),
        (science.first().url, "Science", "true"),
        ("/about/", None, None),
    ]
    for url, current, kind in places * 2:
        _, soup = get(client, url)
        marked = soup.select(".section-nav [aria-current]")
        assert [(a.get_text(strip=True), a["aria-current"]) for a in marked] == (
            [(current, kind)] if current else []
        ), url
        assert bool(soup.select("h1.wordmark")) == (url == "/"), url
    _, soup = get(client, "/search/?q=harbour")
    assert not soup.select(".masthead-search"), "the search page has its own box"


def test_server_error_page_renders_without_the_database(client, settings):
    from newsdesk.core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
