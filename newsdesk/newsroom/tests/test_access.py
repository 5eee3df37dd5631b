"""Who may do what in the admin: real requests, real status codes, real changes to the data.

Wagtail answers a refused admin page with a redirect to the dashboard and a message, so
"denied" below is a 302 to /admin/ and "allowed" a 200.
"""

import pytest
from wagtail.models import Site

from newsdesk.articles.models import ArticlePage, HomePage
from newsdesk.comments.models import Comment
from newsdesk.comments.services import comment_store
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

EVERY_WRITER = {"contributor", "writer", "editor", "managing"}
EDITS_OTHERS = {"writer", "editor", "managing"}
PUBLISHES = {"editor", "managing"}

# (what, URL pattern, the roles allowed)
ROUTES = [
    ("edit another's draft", "/admin/pages/{draft}/edit/", EDITS_OTHERS),
    ("edit a live article", "/admin/pages/{live}/edit/", EDITS_OTHERS),
    ("history of another's draft", "/admin/pages/{draft}/history/", EDITS_OTHERS),
    (
        "a revision of another's draft",
        "/admin/pages/{draft}/revisions/{revision}/view/",
        EDITS_OTHERS,
    ),
    ("preview another's draft", "/admin/pages/{draft}/view_draft/", EDITS_OTHERS),
    ("preview another's draft in the editor", "/admin/pages/{draft}/edit/preview/", EDITS_OTHERS),
    ("unpublish a live article", "/admin/pages/{live}/unpublish/", PUBLISHES),
    (
        "add an article to a section",
        "/admin/pages/add/articles/articlepage/{section}/",
        EVERY_WRITER,
    ),
    ("browse a section", "/admin/pages/{section}/", EVERY_WRITER),
    ("edit the front page", "/admin/pages/{home}/edit/", {"managing"}),
    ("edit a person page", "/admin/pages/{person}/edit/", {"managing"}),
    ("comment moderation queue", "/admin/snippets/comments/comment/", {"moderator"}),
    ("edit a comment", "/admin/snippets/comments/comment/edit/{comment}/", {"moderator"}),
    ("comment settings", "/admin/settings/comments/commentsettings/{site}/", {"managing"}),
]


@pytest.fixture
def objects(make_draft, other_contributor, world, live_article):
    draft = make_draft(other_contributor, "Second contributor's unpublished scoop")
    return {
        "draft": draft.pk,
        "revision": draft.latest_revision_id,
        "live": live_article.pk,
        "section": world.pk,
        "home": HomePage.objects.get().pk,
        "person": PersonPage.objects.first().pk,
        "comment": comment_store(
            article=live_article, name="Reader", body="Waiting", status="pending"
        ).pk,
        "site": Site.objects.get(is_default_site=True).pk,
    }


def outcome(response) -> str:
    if response.status_code == 200:
        return "allowed"
    if response.status_code == 302 and response["Location"] == "/admin/":
        return "denied"
    return f"{response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize("role", ["contributor", "writer", "editor", "managing", "moderator"])
def test_authorization_matrix(client, people, objects, role):
    client.force_login(people[role])
    wrong = []
    for what, pattern, allowed in ROUTES:
        got = outcome(client.get(pattern.format(**objects)))
        expected = "allowed" if role in allowed else "denied"
        if got != expected:
            wrong.append(f"{what}: expected {expected}, got {got}")
    # The revisions index forwards to the history, which then decides.
    response = client.get(f"/admin/pages/{objects['draft']}/revisions/", follow=True)
    revisions = "allowed" if response.request["PATH_INFO"].endswith("/history/") else "denied"
    if revisions != ("allowed" if role in EDITS_OTHERS else "denied"):
        wrong.append(f"revisions of another's draft: got {revisions}")
    assert not wrong, wrong


def test_a_contributor_works_on_their_own_draft(client, people, make_draft):
    contributor = people["contributor"]
    draft = make_draft(contributor, "My own draft")
    client.force_login(contributor)
    for url in (
        f"/admin/pages/{draft.pk}/edit/",
        f"/admin/pages/{draft.pk}/history/",
        f"/admin/pages/{draft.pk}/view_draft/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_contributor_creates_and_submits_but_never_publishes(
    client, people, world, live_article, make_draft, edit_form
):
    client.force_login(people["contributor"])
    add_url = f"/admin/pages/add/articles/articlepage/{world.pk}/"
    response = client.post(
        add_url,
        {
            **edit_form(client, add_url),
            "title": "Flood barriers hold",
            "slug": "flood-barriers-hold",
            "action-publish": "1",  # not offered to contributors; saved as a draft instead
        },
    )
    assert response.status_code == 302
    created = ArticlePage.objects.get(slug="flood-barriers-hold")
    assert created.owner == people["contributor"] and not created.live

    data = {**edit_form(client, created), "action-submit": "1"}
    assert client.post(f"/admin/pages/{created.pk}/edit/", data).status_code == 302
    created.refresh_from_db()
    assert created.workflow_in_progress and not created.live

    mine = make_draft(people["contributor"], "Another of mine")
    data = {**edit_form(client, mine), "action-publish": "1"}
    client.post(f"/admin/pages/{mine.pk}/edit/", data)
    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={mine.pk}"
    client.post(bulk)
    mine.refresh_from_db()
    assert not mine.live and mine.first_published_at is None

    response = client.post(f"/admin/pages/{live_article.pk}/unpublish/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    live_article.refresh_from_db()
    assert live_article.live


def test_a_writer_edits_someone_elses_draft_but_cannot_publish_it(
    client, people, other_contributor, make_draft, edit_form
):
    draft = make_draft(other_contributor, "Rough first version")
    client.force_login(people["writer"])
    data = {**edit_form(client, draft), "title": "Tightened version", "action-publish": "1"}
    assert client.post(f"/admin/pages/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert not draft.live
    assert draft.get_latest_revision_as_object().title == "Tightened version"
    assert draft.latest_revision.user == people["writer"]


def test_an_editor_publishes_and_unpublishes(
    client, people, other_contributor, make_draft, edit_form, live_article
):
    draft = make_draft(other_contributor, "Ready to run")
    client.force_login(people["editor"])
    data = {**edit_form(client, draft), "action-publish": "1"}
    assert client.post(f"/admin/pages/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.first_published_at is not None
    assert ArticlePage.objects.published().filter(pk=draft.pk).exists()

    assert client.post(f"/admin/pages/{live_article.pk}/unpublish/").status_code == 302
    live_article.refresh_from_db()
    assert not live_article.live


def test_a_moderator_moderates_comments_but_cannot_touch_pages(
    client, people, live_article, edit_form
):
    comment = comment_store(article=live_article, name="Reader", body="Hold me", status="pending")
    client.force_login(people["contributor"])
    client.post(f"/admin/bulk/comments/comment/approve/?next=/admin/&id={comment.pk}")
    assert Comment.objects.get(pk=comment.pk).status == "pending", "contributors cannot moderate"

    client.force_login(people["moderator"])
    client.post(f"/admin/bulk/comments/comment/approve/?next=/admin/&id={comment.pk}")
    assert Comment.objects.get(pk=comment.pk).status == "approved"

    title = live_article.title
    response = client.post(f"/admin/pages/{live_article.pk}/edit/", {"title": "Defaced"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    live_article.refresh_from_db()
    assert live_article.title == title and live_article.get_latest_revision().object_str == title
