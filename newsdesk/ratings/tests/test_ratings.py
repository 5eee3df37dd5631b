"""Ratings: one per reader per article (by the database), posted with or without JavaScript
from cached pages that carry no cookie, and reported to editors."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.articles.models import ArticlePage
from newsdesk.ratings import services
from newsdesk.ratings.models import Rating
from newsdesk.ratings.services import InvalidRating, rate_article, rating_summary
from newsdesk.ratings.views import READER_COOKIE

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
BAD_STARS_MESSAGE = "Please choose a rating from 1 to 5 stars."


@pytest.fixture
def article():
    """A published article with no ratings (demo ratings, if any, are removed)."""
    article = ArticlePage.objects.published().order_by("pk").first()
    Rating.objects.filter(article=article).delete()
    return article


@pytest.fixture
def url(article):
    return f"/ratings/{article.pk}/"


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("rating-editor", "r@example.com", "pw")
    client.force_login(user)
    return client


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# The database keeps the invariants, whatever the Python code does.


def test_database_refuses_a_second_rating_by_the_same_reader(article):
    Rating.objects.create(article=article, reader_key="reader-a", stars=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(article=article, reader_key="reader-a", stars=4)
    assert Rating.objects.filter(article=article).count() == 1


@pytest.mark.parametrize("stars", [0, 6])
def test_database_refuses_stars_out_of_range(article, stars):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(article=article, reader_key="reader-a", stars=stars)
    assert not Rating.objects.filter(article=article).exists()


# The service.


def test_rating_again_changes_the_rating_instead_of_adding_one(article):
    first = rate_article(article=article, reader_key="reader-a", stars=2)
    again = rate_article(article=article, reader_key="reader-a", stars=5)
    assert again.pk == first.pk and again.stars == 5
    assert again.updated_at >= first.updated_at
    assert rating_summary(article=article) == (5.0, 1)
    rate_article(article=article, reader_key="reader-b", stars="4")
    assert rating_summary(article=article) == (4.5, 2)


def test_rating_survives_losing_the_insert_race(article, monkeypatch):
    """Another request by the same reader inserts its row just after our update found none."""
    from django.db.models import QuerySet

    real_update = QuerySet.update
    calls = []

    def update_then_rival_inserts(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            Rating.objects.create(article=article, reader_key="reader-a", stars=1)
            return 0  # our update ran before the rival's row existed
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_then_rival_inserts)
    rating = rate_article(article=article, reader_key="reader-a", stars=4)
    assert rating.stars == 4
    assert len(calls) == 2  # the insert failed on the constraint and became an update
    assert list(Rating.objects.filter(article=article).values_list("stars", flat=True)) == [4]


@pytest.mark.parametrize("stars", [0, 6, "abc", "", None, 4.5, True])
def test_service_refuses_bad_stars_with_a_clear_message(article, stars):
    with pytest.raises(InvalidRating, match=BAD_STARS_MESSAGE):
        rate_article(article=article, reader_key="reader-a", stars=stars)
    assert not Rating.objects.filter(article=article).exists()


def test_summary_rounds_half_up_to_one_decimal_and_counts(article):
    assert rating_summary(article=article) == (None, 0)
    for key, stars in (("a", 4), ("b", 4), ("c", 4), ("d", 5)):
        rate_article(article=article, reader_key=key, stars=stars)
    assert rating_summary(article=article) == (4.3, 4)  # 4.25, shown as readers expect


# Posting a rating.


def test_rating_without_javascript_redirects_sets_the_cookie_and_thanks(client, article, url):
    response = client.post(url, {"stars": "4"}, **SAME_ORIGIN)
    assert response.status_code == 303
    assert response["Location"] == f"{article.url}?rated=4#rating"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    cookie = response.cookies[READER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["path"] == "/ratings/"  # article pages never receive it
    rating = Rating.objects.get(article=article)
    assert rating.stars == 4 and len(rating.reader_key) == 64
    assert "127.0.0.1" not in rating.reader_key

    page = client.get(response["Location"].split("#")[0])
    assert page.status_code == 200
    assert not page.cookies
    widget = soup_of(page).select_one("section#rating")
    assert "4.0 out of 5 from 1 rating" in widget.select_one(".rating-summary").get_text()
    status = widget.select_one("[role=status]").get_text(strip=True)
    assert status == ("Thanks: you rated this 4 out of 5. You can change your rating at any time.")
    assert widget.select_one("button[aria-pressed=true]")["value"] == "4"


def test_second_rating_with_the_cookie_changes_the_first(client, article, url):
    client.post(url, {"stars": "4"}, HTTP_USER_AGENT="Browser/1", **SAME_ORIGIN)
    key = Rating.objects.get(article=article).reader_key
    # A new browser version changes the browser hash; the cookie keeps the reader the same.
    response = client.post(url, {"stars": "2"}, HTTP_USER_AGENT="Browser/2", **SAME_ORIGIN)
    assert response.status_code == 303
    assert list(Rating.objects.filter(article=article).values_list("reader_key", "stars")) == [
        (key, 2)
    ]
    assert response.cookies[READER_COOKIE].value.startswith(f"{key}:")  # value:signature


def test_forged_cookie_is_ignored(client, article, url):
    client.cookies[READER_COOKIE] = "someone-else:forged"
    client.post(url, {"stars": "3"}, **SAME_ORIGIN)
    rating = Rating.objects.get(article=article)
    assert rating.reader_key != "someone-else" and len(rating.reader_key) == 64


def test_rating_with_javascript_answers_json(client, article, url):
    response = client.post(
        url, {"stars": "5"}, HTTP_ACCEPT="application/json", HTTP_USER_AGENT="A", **SAME_ORIGIN
    )
    assert response.status_code == 200
    assert json.loads(response.content) == {"stars": 5, "average": 5.0, "count": 1}
    assert READER_COOKIE in response.cookies
    other = client.__class__()
    response = other.post(
        url, {"stars": "4"}, HTTP_ACCEPT="application/json", HTTP_USER_AGENT="B", **SAME_ORIGIN
    )
    assert json.loads(response.content) == {"stars": 4, "average": 4.5, "count": 2}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
    ids=["other-origin", "no-origin", "other-referer", "sec-fetch-cross-site"],
)
def test_cross_site_rating_is_refused(client, article, url, headers):
    response = client.post(url, {"stars": "5"}, **headers)
    assert response.status_code == 403
    assert "did not come from this site" in response.content.decode()
    assert not response.cookies
    assert not Rating.objects.filter(article=article).exists()


@pytest.mark.parametrize("data", [{"stars": "0"}, {"stars": "6"}, {"stars": "abc"}, {}])
def test_bad_stars_are_refused_with_a_message(client, article, url, data):
    response = client.post(url, data, **SAME_ORIGIN)
    assert response.status_code == 400
    assert BAD_STARS_MESSAGE in response.content.decode()
    assert not response.cookies
    assert not Rating.objects.filter(article=article).exists()


def test_bad_stars_with_javascript_get_a_json_error(client, article, url):
    response = client.post(url, {"stars": "9"}, HTTP_ACCEPT="application/json", **SAME_ORIGIN)
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": BAD_STARS_MESSAGE}


@pytest.mark.parametrize("change", ["draft", "scheduled", "missing"])
def test_only_published_articles_can_be_rated(client, article, change):
    article_id = article.pk
    if change == "draft":
        ArticlePage.objects.filter(pk=article.pk).update(live=False)
    elif change == "scheduled":
        future = timezone.now() + timedelta(days=2)
        ArticlePage.objects.filter(pk=article.pk).update(first_published_at=future)
    else:
        article_id = ArticlePage.objects.order_by("-pk").first().pk + 1000
    response = client.post(f"/ratings/{article_id}/", {"stars": "5"}, **SAME_ORIGIN)
    assert response.status_code == 404
    assert not Rating.objects.filter(article_id=article_id).exists()


def test_rating_url_only_accepts_post(client, url):
    assert client.get(url).status_code == 405


# The widget on the article page.


def test_article_page_shows_the_widget_and_sets_no_cookie(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    widget = soup_of(response).select_one("section#rating")
    heading = widget.find(id=widget["aria-labelledby"])
    assert heading.get_text(strip=True) == "Rate this article"
    assert widget.select_one(".rating-summary").get_text(strip=True) == "No ratings yet"
    form = widget.select_one("form.rating-form")
    assert form["method"] == "post" and form["action"] == f"/ratings/{article.pk}/"
    buttons = form.select("button[name=stars]")
    assert [b["value"] for b in buttons] == ["1", "2", "3", "4", "5"]
    assert [b.get_text(strip=True) for b in buttons] == [f"★Rate {n} out of 5" for n in range(1, 6)]
    assert all(b.select_one("[aria-hidden=true]").get_text() == "★" for b in buttons)
    assert widget.select_one("[role=status]").get_text(strip=True) == ""
    assert soup_of(response).select_one("script[src$='js/ratings.js'][defer]")


def test_widget_is_kept_but_a_reader_back_from_rating_sees_their_rating_counted(
    client, article, url
):
    assert "No ratings yet" in soup_of(client.get(article.url)).select_one("#rating").text
    with CaptureQueriesContext(connection) as queries:
        client.get(article.url)
    assert not [q for q in queries if "ratings_rating" in q["sql"]], "widget kept"

    response = client.post(url, {"stars": "5"}, **SAME_ORIGIN)
    back = soup_of(client.get(response["Location"].split("#")[0]))
    assert back.select_one(".rating-summary").get_text() == "5.0 out of 5 from 1 rating"


def test_widget_shows_average_and_count_and_ignores_bad_rated_values(article):
    for key, stars in (("a", 5), ("b", 4), ("c", 4)):
        rate_article(article=article, reader_key=key, stars=stars)
    template = engines["django"].from_string("{% load ratings %}{% rating_widget article %}")
    from django.test import RequestFactory

    request = RequestFactory().get("/", {"rated": "9"})
    widget = BeautifulSoup(template.render({"article": article}, request), "html.parser")
    assert widget.select_one(".rating-summary").get_text() == "4.3 out of 5 from 3 ratings"
    assert widget.select_one("[role=status]").get_text(strip=True) == ""
    assert not widget.select("button[aria-pressed=true]")


# The admin.


@pytest.fixture
def rated_articles():
    """Three articles, published two days ago: A 5.0 from 3, B 3.0 from 4, C 4.0 from 1.
    Nothing else is rated."""
    Rating.objects.all().delete()
    a, b, c = ArticlePage.objects.published().order_by("pk")[:3]
    recent = timezone.now() - timedelta(days=2)
    ArticlePage.objects.filter(pk__in=[a.pk, b.pk, c.pk]).update(first_published_at=recent)
    for article, stars in ((a, [5, 5, 5]), (b, [3, 3, 3, 3]), (c, [4])):
        for n, value in enumerate(stars):
            rate_article(article=article, reader_key=f"reader-{n}", stars=value)
    return a, b, c


def report_rows(editor_client, ordering):
    response = editor_client.get(f"/admin/ratings/?ordering={ordering}")
    assert response.status_code == 200
    rows = soup_of(response).select("table tbody tr")
    return [
        (row.select_one("a")["href"], [td.get_text(strip=True) for td in row("td")]) for row in rows
    ]


def test_ratings_report_sorts_by_average_and_by_count(editor_client, rated_articles):
    a, b, c = rated_articles
    edit = {x: f"/admin/pages/{x.pk}/edit/" for x in rated_articles}

    rows = report_rows(editor_client, "-average")
    assert [href for href, _ in rows[:3]] == [edit[a], edit[c], edit[b]]
    assert rows[0][1][1:3] == ["5.0", "3"]
    assert rows[3][1][1:3] == ["—", "0"]  # unrated articles follow the rated ones

    rows = report_rows(editor_client, "average")
    assert [href for href, _ in rows[:3]] == [edit[b], edit[c], edit[a]]

    rows = report_rows(editor_client, "-count")
    assert [href for href, _ in rows[:3]] == [edit[b], edit[a], edit[c]]


def test_ratings_report_is_for_editors_only(client, rated_articles):
    assert client.get("/admin/ratings/").status_code == 302  # to the login page


def test_dashboard_charts_the_best_rated_recent_articles(editor_client, rated_articles):
    a, b, c = rated_articles
    old = ArticlePage.objects.published().order_by("pk")[3]
    ArticlePage.objects.filter(pk=old.pk).update(
        first_published_at=timezone.now() - timedelta(days=40)
    )
    for n in range(3):
        rate_article(article=old, reader_key=f"reader-{n}", stars=5)

    response = editor_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '"name": "ratings", "label": "Ratings"' in html  # in the admin menu
    panel = soup_of(response).select_one("section[aria-labelledby=best-rated-heading]")
    assert "Best rated" in panel.h2.get_text()
    rows = panel.select(".rating-chart-row")
    # C has one rating and the old article is too old: A and B, best first.
    assert [row.a["href"] for row in rows] == [f"/admin/pages/{x.pk}/edit/" for x in (a, b)]
    assert "5.0 from 3 ratings" in rows[0].get_text(" ", strip=True)
    assert "width:100.0%" in rows[0].select_one(".rating-chart-bar")["style"]
    assert "3.0 from 4 ratings" in rows[1].get_text(" ", strip=True)
    assert "width:60.0%" in rows[1].select_one(".rating-chart-bar")["style"]


def test_annotation_helper_gives_average_and_count(rated_articles):
    a, b, c = rated_articles
    annotated = services.with_ratings(ArticlePage.objects.filter(pk__in=[a.pk, b.pk]))
    assert {x.pk: (x.rating_average, x.rating_count) for x in annotated} == {
        a.pk: (5.0, 3),
        b.pk: (3.0, 4),
    }
