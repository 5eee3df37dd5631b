"""A draft that copy intake flagged "needs a headline" saves, but cannot be published until an
editor writes one: in the page editor (the test client posting its form) and in services."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import querydict_from_html

from newsdesk.articles.forms import NEEDS_HEADLINE, NEEDS_HEADLINE_MESSAGE
from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.importers.intake import import_copy
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.runner import SourceItem, run_import
from newsdesk.importers.services import ArticleStatus, upsert_article

pytestmark = pytest.mark.django_db

# No headline line: the first line is already the story.
COPY = """\
Millbrook (March 4, 2026) – The mill pond will be drained next week, the parish council said.
Anglers have been asked to move their boats by Friday.
Editor: Paula Grant
"""


@pytest.fixture
def editor():
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def draft(editor) -> ArticlePage:
    world = SectionPage.objects.get(slug="world")
    page = import_copy(text=COPY, section=world, owner=editor).article.obj
    assert page.title.startswith(f"{NEEDS_HEADLINE} ") and not page.live
    return page


def edit_form(client, page) -> dict:
    """What the page editor posts back, read from its HTML."""
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").dict()
    data.setdefault("body-count", "0")  # the body's inputs are drawn by JavaScript
    return data


def test_the_editor_refuses_to_publish_the_placeholder_but_saves_the_draft(client, editor, draft):
    client.force_login(editor)
    url = f"/admin/pages/{draft.pk}/edit/"
    form = edit_form(client, draft)
    revisions = draft.revisions.count()

    # Publish: the form comes back with the reason on the headline; nothing is saved.
    response = client.post(url, {**form, "action-publish": "1"})
    assert response.status_code == 200
    assert NEEDS_HEADLINE_MESSAGE in response.content.decode()
    assert response.context["form"].errors["title"] == [NEEDS_HEADLINE_MESSAGE]
    draft.refresh_from_db()
    assert not draft.live and draft.revisions.count() == revisions

    # Save draft: fine, placeholder and all.
    response = client.post(url, {**form, "dek": "The pond drains on Monday."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live and draft.revisions.count() == revisions + 1
    assert draft.get_latest_revision_as_object().dek == "The pond drains on Monday."

    # With a headline of the editor's own, it publishes.
    headline = "Mill pond drained to rebuild the sluice"
    response = client.post(url, {**form, "title": headline, "action-publish": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.title == headline


def test_the_placeholder_is_refused_however_it_is_spelled(client, editor, draft):
    client.force_login(editor)
    form = edit_form(client, draft)
    title = "  [needs a HEADLINE]   Mill pond drained"
    response = client.post(
        f"/admin/pages/{draft.pk}/edit/", {**form, "title": title, "action-publish": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [NEEDS_HEADLINE_MESSAGE]


def test_services_cannot_publish_it_either(draft):
    # Publishing the saved draft's revision, as a bulk action or a schedule would.
    with pytest.raises(ValidationError) as refused:
        draft.save_revision().publish()
    assert refused.value.message_dict == {"title": [NEEDS_HEADLINE_MESSAGE]}
    draft.refresh_from_db()
    assert not draft.live

    # An importer asking for a published article with the placeholder: refused, nothing kept.
    world = draft.get_parent().specific
    item = SourceItem("wire.txt", "story 7")

    def publish_placeholder(item):
        return upsert_article(
            source="wire",
            source_id="7",
            section=world,
            title=f"{NEEDS_HEADLINE} Pond drained",
            status=ArticleStatus.PUBLISHED,
        )

    report = run_import([item], publish_placeholder)
    assert [str(f) for f in report.failures] == [
        f"wire.txt: story 7: title: {NEEDS_HEADLINE_MESSAGE}"
    ]
    assert not ArticlePage.objects.filter(title__endswith="Pond drained").exists()
    assert not ImportedItem.objects.filter(source="wire").exists()

    # A draft with the placeholder is fine; once the headline is written, it publishes.
    upsert_article(
        source="wire", source_id="7", section=world, title=f"{NEEDS_HEADLINE} Pond drained"
    )
    draft.title = draft.draft_title = "Mill pond drained to rebuild the sluice"
    draft.save_revision().publish()
    draft.refresh_from_db()
    assert draft.live
