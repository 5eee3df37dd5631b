"""The newsroom's people (the demo accounts, one per role) and drafts written by them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from wagtail.test.utils.form_data import querydict_from_html

from newsdesk.articles.models import ArticlePage, SectionPage

ROLE_USERS = ["contributor", "writer", "editor", "managing", "moderator"]


@pytest.fixture
def people():
    """The demo accounts by username; `create_demo_users` made them when the demo loaded."""
    return get_user_model().objects.in_bulk(ROLE_USERS, field_name="username")


@pytest.fixture
def other_contributor():
    user = get_user_model().objects.create_user(
        "second-contributor", "second@newsdesk.example", "pw", first_name="Noor"
    )
    user.groups.add(Group.objects.get(name="Contributors"))
    return user


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


@pytest.fixture
def live_article(world):
    return ArticlePage.objects.published().child_of(world).order_by("pk").first()


@pytest.fixture
def make_draft(world):
    """A never-published article in World, written by `owner`, as the admin's create view
    leaves it: not live, one revision by its author."""

    def make(owner, title="A draft nobody else should read", section=None):
        page = ArticlePage(title=title, slug=slugify(title), live=False, owner=owner)
        (section or world).add_child(instance=page)
        page.save_revision(user=owner)
        return page

    return make


@pytest.fixture
def edit_form():
    """What the page editor would post back, read from its HTML as the signed-in user sees it."""

    def read(client, page_or_url) -> dict:
        url = page_or_url
        if not isinstance(url, str):
            url = f"/admin/pages/{page_or_url.pk}/edit/"
        response = client.get(url)
        assert response.status_code == 200
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form").dict()
        # The body's StreamField inputs are built by JavaScript; an empty body posts 0 blocks.
        data.setdefault("body-count", "0")
        return data

    return read
