"""The fragment cache: site-wide data and related stories come from the cache, and a change
an editor makes still shows on the next request, in the same transaction and after it."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from wagtail.models import PageViewRestriction, Site

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.services import related_articles
from newsdesk.caching import tags as t
from newsdesk.caching.fragments import cached
from newsdesk.caching.services import purge_tags, purge_tags_on_commit
from newsdesk.caching.templatetags.fragments import fragment_key
from newsdesk.core.models import BreakingNews

pytestmark = pytest.mark.django_db


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_a_value_is_kept_until_one_of_its_tags_is_purged():
    builds = []

    def build():
        builds.append(1)
        t.add_tags("page-41")  # as a card loaded while building records itself
        return len(builds)

    def value():
        return cached("test:value", build, tags=["section-7"])

    assert value() == 1
    assert value() == 1
    purge_tags(["page-41"])  # a tag recorded while building
    assert value() == 2
    purge_tags(["section-7"])  # a declared tag
    assert value() == 3
    purge_tags(["all"])  # every entry carries `all`
    assert value() == 4
    purge_tags(["page-99"])  # unrelated
    assert value() == 4


def test_a_hit_declares_the_tags_of_what_it_holds():
    cached("test:tags", lambda: t.add_tags("page-5") or "x", tags=["section-2"])
    with t.collecting() as collected:
        assert cached("test:tags", lambda: "rebuilt") == "x"
    assert {"page-5", "section-2", "all"} <= collected


def test_a_purge_waiting_for_commit_counts_for_the_same_transaction():
    builds = []
    cached("test:pending", lambda: builds.append(1), tags=["page-8"])
    purge_tags_on_commit(["page-8"])  # inside the test's transaction: not sent yet
    cached("test:pending", lambda: builds.append(1), tags=["page-8"])
    cached("test:pending", lambda: builds.append(1), tags=["page-8"])
    assert len(builds) == 3  # rebuilt each time, and nothing built from it was stored


def test_site_settings_and_navigation_cost_no_queries_once_cached(client):
    client.get("/world/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/world/")
    tables = " ".join(q["sql"] for q in queries)
    for table in ("wagtailcore_site", "core_breakingnews", "distribution_distribution"):
        assert table not in tables, table
    assert "wagtailcore_pageviewrestriction" not in tables


def test_a_banner_switched_on_shows_at_once(client, django_capture_on_commit_callbacks):
    assert soup(client, "/").select_one("aside.breaking") is None
    with django_capture_on_commit_callbacks(execute=True):
        banner = BreakingNews.for_site(Site.objects.get(is_default_site=True))
        banner.enabled = True
        banner.text = "Bridge reopens after repairs"
        banner.save()
    assert "Bridge reopens" in soup(client, "/").select_one("aside.breaking").get_text()
    assert "Bridge reopens" in soup(client, "/world/").select_one("aside.breaking").get_text()


def test_a_section_renamed_shows_in_the_navigation_at_once(client):
    assert "Globe" not in soup(client, "/").select_one("nav").get_text()
    world = SectionPage.objects.get(slug="world")
    world.title = "Globe"
    world.save_revision().publish()  # purges `all` on commit: pending for this transaction
    assert "Globe" in soup(client, "/").select_one("nav").get_text()
    article = ArticlePage.objects.published().child_of(world).first()
    assert "Globe" in soup(client, article.url).get_text()


def test_a_related_story_edited_or_unpublished_changes_at_once(client):
    article = ArticlePage.objects.published().filter(tagged_items__isnull=False).first()
    related = related_articles(article)
    assert related
    card = related[0]
    client.get(article.url)
    card = ArticlePage.objects.get(pk=card.pk)
    card.title = "A headline changed by the desk"
    card.save_revision().publish()
    assert "A headline changed by the desk" in soup(client, article.url).get_text()
    card.unpublish()
    assert card.pk not in [a.pk for a in related_articles(article)]


def test_a_section_made_private_leaves_listings_and_asks_for_a_login(client):
    world = SectionPage.objects.get(slug="world")
    article = ArticlePage.objects.published().child_of(world).first()
    assert client.get(article.url).status_code == 200
    assert ArticlePage.objects.published().filter(pk=article.pk).exists()
    restriction = PageViewRestriction.objects.create(
        page=world, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get_or_create(name="Subscribers")[0]])
    assert not ArticlePage.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.url).status_code == 302  # to the login page
    restriction.delete()
    assert client.get(article.url).status_code == 200


def test_the_story_is_rendered_once_then_changes_with_its_page_and_its_author(client):
    """The article's story (head, body, footer) is kept as HTML; a republished article and a
    renamed author both show on the next request."""
    article = ArticlePage.objects.published().filter(bylines__isnull=False).first()
    person = article.bylines.first().person.specific
    client.get(article.url)
    parts = [article.pk, article.live_revision_id, article.last_published_at]
    kept = cache.get("newsdesk:fragment:" + fragment_key("article", "testserver", parts))
    assert kept is not None, "the story is kept in the fragment cache"
    assert escape(article.title) in kept[2]

    person.title = "Ngozi Okafor-Brandt"
    person.save_revision().publish()
    assert "Ngozi Okafor-Brandt" in soup(client, article.url).select_one(".byline").get_text()

    article.title = "The desk's corrected headline"
    article.save_revision().publish()
    assert soup(client, article.url).select_one("h1").get_text() == article.title


def test_the_article_head_is_kept_as_strings_read_back_without_a_copy(client):
    """An article's <head> metadata is kept as its HTML (page_meta.Head), which the in-process
    cache hands back as it is instead of unpickling a PageMeta on every miss."""
    article = ArticlePage.objects.published().first()
    page = soup(client, article.url)
    parts = ["http", article.pk, article.live_revision_id, article.last_published_at]
    key = "newsdesk:fragment:" + fragment_key("meta", "testserver", parts)
    _, _, head = cache.get(key)
    assert cache.get(key)[2] is head, "kept as it is, not copied"
    assert head.title == page.title.get_text()
    canonical = page.select_one("link[rel=canonical]")["href"]
    assert f'<link rel="canonical" href="{canonical}">' in head.links_html
    assert 'property="og:title"' in head.tags_html
