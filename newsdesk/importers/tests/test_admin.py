"""The admin's "Paste copy" screen, used by an editor through the test client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from newsdesk.articles.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db

URL = "/admin/paste-copy/"

COPY = """\
Lakeside (November 3, 2025) – The town council approved a new marina on Monday.
Residents had asked for one for a decade.
Why it took so long
Funding fell through twice.
Editor: Paula Grant
Great news!
Thanks Jo!
"""


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_the_menu_offers_it_to_those_who_can_add_articles(client):
    assert reverse("importers_paste_copy") == URL
    client.force_login(user("editor"))
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(user("moderator"))
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_editor_pastes_copy_and_lands_on_the_draft_with_a_headline_warning(client):
    client.force_login(user("editor"))
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="copy"' in html and 'name="section"' in html and "Create draft" in html

    world = SectionPage.objects.get(slug="world")
    response = client.post(URL, {"copy": COPY, "section": world.pk})
    draft = ArticlePage.objects.filter(owner=user("editor")).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert not draft.live and draft.get_parent().pk == world.pk
    assert draft.title.startswith("[Needs a headline] ")
    assert draft.comments.count() == 2
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("Needs a headline") and "Suggested" in m for m in messages)

    edit = client.get(response["Location"])
    assert edit.status_code == 200 and "Why it took so long" in edit.content.decode()


def test_empty_copy_is_refused_with_the_form_again(client):
    client.force_login(user("editor"))
    world = SectionPage.objects.get(slug="world")
    response = client.post(URL, {"copy": "   ", "section": world.pk})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_only_people_who_can_add_articles_may_paste(client):
    client.force_login(user("moderator"))
    before = ArticlePage.objects.count()
    world = SectionPage.objects.get(slug="world")
    for response in (client.get(URL), client.post(URL, {"copy": COPY, "section": world.pk})):
        # Wagtail's admin answers PermissionDenied by sending the user home with a message.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert ArticlePage.objects.count() == before
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_section_the_user_cannot_write_in_is_refused(client):
    contributor = user("contributor")
    client.force_login(contributor)
    allowed = client.get(URL).context["form"].fields["section"].queryset
    assert allowed.exists()
    other = SectionPage.objects.exclude(pk__in=allowed.values("pk")).first()
    if other is not None:
        response = client.post(URL, {"copy": COPY, "section": other.pk})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
