"""Most read: ranking, periods, what never shows, where it appears, and the admin report."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from newsdesk.analytics import counting
from newsdesk.analytics.models import HourlyViews
from newsdesk.analytics.services import add_views, most_read
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.in_bulk(["editor", "moderator"], field_name="username")


@pytest.fixture
def ranked():
    """Three articles read 900, 800 and 700 times this hour; the rest not at all."""
    cache.clear()
    HourlyViews.objects.all().delete()
    articles = list(ArticlePage.objects.published().order_by("pk")[:4])
    hour = counting.current_hour()
    add_views(
        Counter(
            {(articles[2].pk, hour): 900, (articles[0].pk, hour): 800, (articles[1].pk, hour): 700}
        )
    )
    # Read a lot, but five days ago: in the week's list only.
    add_views(Counter({(articles[3].pk, hour - timedelta(days=5)): 5000}))
    return articles


def test_most_read_ranks_by_reads_within_the_period(ranked):
    assert [a.pk for a in most_read(period="day", limit=3)] == [
        ranked[2].pk,
        ranked[0].pk,
        ranked[1].pk,
    ]
    week = most_read(period="week", limit=5)
    assert week[0].pk == ranked[3].pk and len(week) == 4
    assert all(a.section is not None for a in week)  # cards know their section


def test_unpublished_and_embargoed_articles_never_rank(ranked):
    section = SectionPage.objects.get(slug="world")
    embargoed = factories.make_article(section=section, headline="Embargoed budget leak")
    embargoed.first_published_at = timezone.now() + timedelta(hours=6)
    embargoed.save()
    hour = counting.current_hour()
    add_views(Counter({(embargoed.pk, hour): 10_000, (ranked[0].pk, hour): 1}))
    ranked[2].unpublish()
    cache.clear()
    ids = [a.pk for a in most_read(period="day", limit=5)]
    assert embargoed.pk not in ids and ranked[2].pk not in ids
    assert ids[0] == ranked[0].pk


def test_home_and_article_pages_show_the_list(client, ranked):
    home = client.get("/").content.decode()
    assert 'id="most-read-heading"' in home
    assert home.index(ranked[2].title) < home.rindex(ranked[0].title)
    article = client.get(ranked[0].url).content.decode()
    assert 'id="most-read-heading"' in article and "This week" in article


def test_no_reads_no_box(client):
    cache.clear()
    HourlyViews.objects.all().delete()
    assert 'id="most-read-heading"' not in client.get("/").content.decode()


def test_admin_report_sorts_by_reads_and_draws_a_chart(client, ranked, people):
    client.force_login(people["editor"])
    response = client.get("/admin/readership/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(ranked[2].title) < html.index(ranked[0].title) < html.index(ranked[1].title)
    assert 'aria-label="900 reads in the last 14 days' in html
    by_week = client.get("/admin/readership/?ordering=-views_week").content.decode()
    assert by_week.index(ranked[3].title) < by_week.index(ranked[2].title)
    # Unknown orderings fall back to the default instead of failing.
    assert client.get("/admin/readership/?ordering=password").status_code == 200


def test_the_report_is_for_the_newsroom_only(client, people):
    assert client.get("/admin/readership/").status_code == 302  # to the login page
    client.force_login(people["moderator"])
    assert client.get("/admin/readership/").status_code in (302, 403)
