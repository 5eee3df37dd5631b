"""The date archive: months with counts, a month's stories, neighbours, bad dates."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import factories

pytestmark = pytest.mark.django_db


def at(year, month, day=15):
    return timezone.make_aware(datetime(year, month, day, 12))


@pytest.fixture
def old_stories():
    section = SectionPage.objects.get(slug="world")
    return {
        "march": factories.make_article(
            section=section, headline="Thaw floods valley", published_at=at(2019, 3, 31)
        ),
        "march2": factories.make_article(
            section=section, headline="Valley rebuilds", published_at=at(2019, 3, 1)
        ),
        "may": factories.make_article(
            section=section, headline="Dam inquiry opens", published_at=at(2019, 5)
        ),
        "draft": factories.make_article(
            section=section, headline="Unfinished draft", published_at=at(2019, 3), publish=False
        ),
    }


def test_a_month_lists_its_published_stories_newest_first_with_neighbours(client, old_stories):
    response = client.get("/archive/2019/3/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "March 2019" in html and "2 articles published in March 2019" in html
    assert html.index("Thaw floods valley") < html.index("Valley rebuilds")
    assert "Unfinished draft" not in html and "Dam inquiry opens" not in html
    assert 'rel="next" href="/archive/2019/5/"' in html  # April is skipped: nothing then


def test_an_empty_month_still_answers_and_impossible_dates_are_404(client, old_stories):
    assert "Nothing was published this month." in client.get("/archive/2019/4/").content.decode()
    for url in ["/archive/2019/13/", "/archive/2019/0/", "/archive/0/1/", "/archive/99999/1/"]:
        assert client.get(url).status_code == 404, url


def test_the_index_lists_months_with_counts_and_the_footer_links_to_it(client, old_stories):
    html = client.get("/archive/").content.decode()
    assert 'href="/archive/2019/3/"' in html and "2 articles" in html
    assert 'href="/archive/2019/4/"' not in html
    assert 'href="/archive/"' in client.get("/").content.decode()


def test_scheduled_stories_wait_for_their_time(client):
    section = SectionPage.objects.get(slug="world")
    now = timezone.localtime()
    article = factories.make_article(section=section, headline="Embargoed census results")
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=timezone.now() + timedelta(hours=3)
    )
    html = client.get(f"/archive/{now.year}/{now.month}/").content.decode()
    assert "Embargoed census results" not in html
