"""Page renders cost a fixed number of SQL queries, however many articles there are."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.pagination import NUMBERED_PAGES, cursor, paginate
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
    "article": 1,
    "tag": 4,
    "person": 9,
    "archive": 2,
    "month": 5,
    "feed": 10,
    "sitemap": 4,
}


def render(client, url: str):
    response = client.get(url)
    if response.streaming:  # a streamed body runs its queries as it is read
        b"".join(response.streaming_content)
    return response


def count_queries(client, url: str) -> int:
    render(client, url)  # the first render makes missing renditions, fills the fragment cache
    with CaptureQueriesContext(connection) as queries:
        response = render(client, url)
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
    page_obj = paginate(rf.get("/", {"page": "10"}), articles, per_page=1, keyset=False)
    last = page_obj.paginator.num_pages
    assert last >= 20
    assert page_obj.numbers == [1, Paginator.ELLIPSIS, 8, 9, 10, 11, 12, Paginator.ELLIPSIS, last]
    # With keyset pages, numbers stop at the last numbered page; "Older" goes on from there.
    page_obj = paginate(rf.get("/", {"page": "10"}), articles, per_page=1)
    assert page_obj.numbers == [1, Paginator.ELLIPSIS, 8, 9, 10]
    assert page_obj.next_query == f"before={cursor(page_obj[0])}"


def walk(rf, articles, query: str, step: str) -> list[list[int]]:
    """The pages met following `step` ("next_query" or "previous_query") links from `query`."""
    pages = []
    while query is not None:
        page_obj = paginate(rf.get(f"/?{query}"), articles, per_page=PER_PAGE)
        pages.append([a.pk for a in page_obj.object_list])
        query = getattr(page_obj, step)
    return pages


PER_PAGE = 3


def test_older_links_reach_every_story_once_in_order_and_newer_links_come_back(rf):
    articles = ArticlePage.objects.published().for_listing()
    newest_first = list(articles.values_list("pk", flat=True))
    assert len(newest_first) > (NUMBERED_PAGES + 2) * PER_PAGE  # keyset pages are reached
    older = walk(rf, articles, "", "next_query")
    assert [pk for page in older for pk in page] == newest_first
    assert all(len(page) == PER_PAGE for page in older[:-1])
    # Back from the oldest page: the same stories, every page full, the first page last.
    newer = walk(
        rf, articles, f"before={cursor(articles[len(newest_first) - 2])}", "previous_query"
    )
    assert newer[-1] == newest_first[:PER_PAGE]
    met = [pk for page in reversed(newer) for pk in page]
    assert sorted(set(met)) == sorted(newest_first) and len(met) >= len(newest_first) - 1


def test_a_deep_page_reads_from_its_cursor_not_an_offset(rf):
    articles = ArticlePage.objects.published().for_listing()
    middle = articles[len(articles) // 2]
    with CaptureQueriesContext(connection) as queries:
        page_obj = paginate(rf.get("/", {"before": cursor(middle)}), articles, per_page=PER_PAGE)
    listed = next(q["sql"] for q in queries if "first_published_at" in q["sql"])
    assert "OFFSET" not in listed.upper()
    older = list(articles.values_list("pk", flat=True))
    start = older.index(middle.pk) + 1
    assert [a.pk for a in page_obj.object_list] == older[start : start + PER_PAGE]
    assert page_obj.number is None and page_obj.query == f"before={cursor(middle)}"


@pytest.mark.parametrize(
    "query", ["before=yesterday", "before=12-x", "after=-5", "before=99999999999999999999-1"]
)
def test_a_damaged_cursor_is_a_404_that_says_so(rf, query):
    articles = ArticlePage.objects.published().for_listing()
    with pytest.raises(Http404, match="damaged"):
        paginate(rf.get(f"/?{query}"), articles)
