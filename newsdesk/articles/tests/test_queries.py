"""Page renders cost a fixed number of SQL queries, however many articles there are."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import ArticlePage, SectionPage, paginate
from newsdesk.comments.services import comment_store
from newsdesk.demo import factories
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

# Upper bounds, so that a new N+1 shows up as a failure even before the counts diverge. Site,
# settings, navigation, sections, view restrictions and related stories come from the
# fragment cache (newsdesk/caching/fragments.py) once the first render has filled it.
BUDGET = {
    "home": 11,
    "section": 5,
    "article": 9,
    "tag": 4,
    "person": 9,
    "archive": 2,
    "month": 5,
    "feed": 10,
    "sitemap": 4,
}


def count_queries(client, url: str) -> int:
    client.get(url)  # first render makes any missing renditions and fills the fragment cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def add_articles(count: int) -> None:
    section = SectionPage.objects.get(slug="world")
    people = list(PersonPage.objects.all()[:2])
    for n in range(count):
        factories.make_article(
            section=section,
            headline=f"Extra dispatch {n}",
            image=factories.make_image(
                title=f"Extra {n}", size=(320, 180), caption="c", credit="p"
            ),
            bylines=people,
            credits=[("editor", people[0])],
            tags=["Diplomacy", f"Extra {n}"],
            body=[{"type": "paragraph", "value": "Text."}],
        )


def add_comments(article, count: int) -> None:
    """Threads with replies."""
    parent = None
    for n in range(count):
        parent = comment_store(
            article=article,
            name=f"Reader {n}",
            body=f"Comment {n}",
            parent=parent if n % 3 else None,
        )


def test_query_counts_are_bounded_and_independent_of_article_count(
    client, django_capture_on_commit_callbacks
):
    world = SectionPage.objects.get(slug="world")
    article = ArticlePage.objects.published().child_of(world).first()
    person = PersonPage.objects.get(slug="amara-okafor")
    published = article.first_published_at
    urls = {
        "home": "/",
        "section": world.url,
        "article": article.url,
        "tag": "/tags/diplomacy/",
        "person": person.url,
        "archive": "/archive/",
        "month": f"/archive/{published.year}/{published.month:02d}/",
        "feed": "/feeds/rss/",
        "sitemap": "/sitemap.xml",
    }
    before = {name: count_queries(client, url) for name, url in urls.items()}
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: purges sent
        add_articles(6)
        add_comments(article, 12)
    after = {name: count_queries(client, url) for name, url in urls.items()}
    assert after == before, (before, after)
    for name, count in before.items():
        assert count <= BUDGET[name], f"{name} page ran {count} queries (budget {BUDGET[name]})"


def test_listings_count_once_until_an_article_of_theirs_changes(client):
    world = SectionPage.objects.get(slug="world")
    client.get(world.url)
    with CaptureQueriesContext(connection) as queries:
        client.get(world.url)
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in queries), "count cached"
    before = client.get(world.url).context["page_obj"].paginator.count
    add_articles(1)  # publishing purges the section's tag (pending in this transaction)
    assert client.get(world.url).context["page_obj"].paginator.count == before + 1


def test_page_numbers_are_elided_around_the_current_page(rf):
    articles = ArticlePage.objects.published().for_listing()
    page_obj = paginate(rf.get("/", {"page": "10"}), articles, per_page=1)
    last = page_obj.paginator.num_pages
    assert last >= 20
    numbers = list(page_obj.paginator.page_range)  # what the pagination component lists
    assert numbers == [1, Paginator.ELLIPSIS, 8, 9, 10, 11, 12, Paginator.ELLIPSIS, last]
