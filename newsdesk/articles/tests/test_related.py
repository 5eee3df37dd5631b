"""Related stories: editor's pins first, then shared tags and section, cached."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import ArticleRelatedPin, SectionPage
from newsdesk.articles.services import related_articles, related_ids
from newsdesk.demo import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """A fresh section, so the demo's own stories do not take the places."""
    cache.clear()
    home = SectionPage.objects.first().get_parent()
    section = home.add_child(instance=SectionPage(title="Harbours", slug="harbours"))
    other = home.add_child(instance=SectionPage(title="Rivers", slug="rivers"))

    def story(headline, *, tags=(), where=section, hours=1, **kwargs):
        return factories.make_article(
            section=where,
            headline=headline,
            tags=tags,
            published_at=timezone.now() - timedelta(hours=hours),
            **kwargs,
        )

    return section, other, story


def test_shared_tags_rank_first_then_section_then_recency(desk):
    section, other, story = desk
    article = story("Dredging contract signed", tags=["Dredging zq", "Port of Lune zq"])
    two_tags = story(
        "Port of Lune dredge fleet", tags=["Dredging zq", "Port of Lune zq"], where=other, hours=50
    )
    one_tag_here = story("Silt levels rise", tags=["Dredging zq"], hours=30)
    one_tag_there = story("River dredging plan", tags=["Dredging zq"], where=other, hours=2)
    sibling = story("Harbour master retires", hours=3)
    assert related_ids(article) == [two_tags.pk, one_tag_here.pk, one_tag_there.pk, sibling.pk]


def test_pins_come_first_in_their_order_and_unpublished_pins_drop_out(desk):
    section, other, story = desk
    article = story("Ferry timetable cut", tags=["Ferries zq"])
    tagged = story("Ferry fares rise", tags=["Ferries zq"])
    pin_a = story("Bridge inspection overdue", where=other, hours=90)
    pin_b = story("Tunnel plan revived", where=other, hours=80)
    gone = story("Withdrawn story", where=other)
    for n, pinned in enumerate([pin_b, gone, pin_a]):
        ArticleRelatedPin.objects.create(page=article, article=pinned, sort_order=n)
    gone.unpublish()
    ids = related_ids(article)
    assert ids[:3] == [pin_b.pk, pin_a.pk, tagged.pk]
    assert gone.pk not in ids and article.pk not in ids


def test_embargoed_and_draft_stories_are_never_related(desk):
    section, other, story = desk
    article = story("Lighthouse restored", tags=["Lighthouses zq"])
    story("Lighthouse draft", tags=["Lighthouses zq"], publish=False)
    embargoed = story("Lighthouse embargoed", tags=["Lighthouses zq"])
    embargoed.first_published_at = timezone.now() + timedelta(hours=5)
    embargoed.save()
    assert related_ids(article) == []


def test_a_story_unpublished_after_caching_drops_out_of_the_rail(desk):
    section, other, story = desk
    article = story("Quay wall repaired", tags=["Quays zq"])
    neighbour = story("Quay cranes replaced", tags=["Quays zq"])
    assert [a.pk for a in related_articles(article)] == [neighbour.pk]
    neighbour.unpublish()
    assert related_articles(article) == []


def test_scores_are_cached_so_a_page_view_costs_no_scoring_query(desk):
    section, other, story = desk
    article = story("Pilot boats idle", tags=["Pilots zq"])
    story("Pilot shortage", tags=["Pilots zq"])
    related_ids(article)
    with CaptureQueriesContext(connection) as queries:
        related_ids(article)
    assert len(queries) == 0


def test_the_article_page_shows_the_rail(client, desk):
    section, other, story = desk
    article = story("Breakwater extended", tags=["Breakwaters zq"])
    neighbour = story("Breakwater costs", tags=["Breakwaters zq"])
    html = client.get(article.url).content.decode()
    assert 'id="related-heading"' in html and neighbour.title in html


def test_an_editor_can_preview_a_story_never_saved(admin_client, desk):
    from wagtail.test.utils.form_data import querydict_from_html

    section, other, story = desk
    add_url = f"/admin/pages/add/articles/articlepage/{section.pk}/"
    html = admin_client.get(add_url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form").dict()
    data["body-count"] = "0"  # the StreamField's inputs are built by JavaScript
    data["title"] = "Unsaved harbour story"
    data["slug"] = "unsaved-harbour-story"
    response = admin_client.post(add_url + "preview/", data)
    assert response.json()["is_valid"], response.content
    preview = admin_client.get(add_url + "preview/")
    assert preview.status_code == 200
    assert "Unsaved harbour story" in preview.content.decode()
