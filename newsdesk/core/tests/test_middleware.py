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
