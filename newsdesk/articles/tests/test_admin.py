"""The admin gives editors a way in: an Articles listing and a newsroom panel."""

import pytest
from django.contrib.auth import get_user_model

from newsdesk.articles.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("chief", "e@example.com", "pw")
    client.force_login(user)
    return client


def test_dashboard_offers_a_start_in_every_section(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "Newsroom" in html
    for section in SectionPage.objects.all():
        assert f"/admin/pages/add/articles/articlepage/{section.pk}/" in html
    newest = ArticlePage.objects.published().order_by("-first_published_at").first()
    assert newest.title in html


def test_articles_listing_shows_articles_and_filters_by_type(editor_client):
    response = editor_client.get("/admin/articles/")
    assert response.status_code == 200
    assert ArticlePage.objects.first().title in response.content.decode()
    opinion = editor_client.get("/admin/articles/?article_type=opinion").content.decode()
    news_title = ArticlePage.objects.filter(article_type="news").first().title
    assert ArticlePage.objects.filter(article_type="opinion").first().title in opinion
    assert news_title not in opinion


def test_article_editor_opens_with_its_fields(editor_client):
    article = ArticlePage.objects.first()
    html = editor_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    for label in (
        "Headline",
        "Standfirst",
        "Kicker",
        "Bylines",
        "Dateline",
        "Lead image",
        "Credits",
    ):
        assert label in html
