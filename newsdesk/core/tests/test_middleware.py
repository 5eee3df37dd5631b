"""The public-cache middleware on responses with no body."""

import pytest
from wagtail.contrib.redirects.models import Redirect

pytestmark = pytest.mark.django_db


def test_a_redirect_with_no_body_is_public_and_has_no_validators(client):
    Redirect.objects.create(old_path="/old-story", redirect_link="/", is_permanent=True)
    response = client.get("/old-story/")
    assert response.status_code == 301 and response["Location"] == "/"
    assert "public" in response["Cache-Control"]
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


def test_a_fresh_comment_token_leaves_the_etag_alone(client, monkeypatch):
    """Each render signs a new comment-form token; the page's ETag stays, so a reader's
    cached copy (with its older, still valid token) gets a 304."""
    import types

    from newsdesk.articles.models import ArticlePage
    from newsdesk.comments import tokens

    article = ArticlePage.objects.published().filter(comments_mode="open").first()
    monkeypatch.setattr(tokens, "time", types.SimpleNamespace(time=lambda: 1_800_000_000))
    first = client.get(article.url)
    monkeypatch.setattr(tokens, "time", types.SimpleNamespace(time=lambda: 1_800_000_600))
    second = client.get(article.url)
    assert 'name="token"' in first.content.decode()
    assert first.content != second.content  # the tokens differ...
    assert first["ETag"] == second["ETag"]  # ...the validator does not
    assert first["Last-Modified"] == second["Last-Modified"]
    again = client.get(article.url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
