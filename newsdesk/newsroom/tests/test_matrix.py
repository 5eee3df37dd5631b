"""The authorization matrix: every role against the admin and public routes, for its own and
others' articles in every state, checked with real requests and the data they leave behind.

The tables below read like docs/roles.md. An outcome is one of:

- "ok": 200, the screen is shown;
- "denied": Wagtail's refusal, a 302 back to the dashboard (/admin/) with a message;
- "login": the anonymous reader is sent to the admin login;
- "404": not found (the public site for anything that is not live).
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, Site

from newsdesk.articles.models import ArticlePage
from newsdesk.comments.services import comment_store
from newsdesk.newsroom.demo import DRAFT_SLUG, EMBARGOED_SLUG, IN_REVIEW_SLUG, SCHEDULED_SLUG
from newsdesk.newsroom.models import PreviewLink

pytestmark = pytest.mark.django_db

ROLES = ["reader", "contributor", "writer", "editor", "managing", "moderator", "admin"]

# The articles, by state. "draft" is the demo draft, owned by `contributor` (its own draft);
# "others_draft" belongs to a second contributor. In review is the writer's; the scheduled and
# embargoed ones are the editor's; "live" is a published demo article owned by none of them.
STATES = ["draft", "others_draft", "in_review", "scheduled", "embargoed", "live"]
EVERY_STATE = set(STATES)
DEMO_SLUGS = {
    "draft": DRAFT_SLUG,
    "in_review": IN_REVIEW_SLUG,
    "scheduled": SCHEDULED_SLUG,
    "embargoed": EMBARGOED_SLUG,
}

# Which articles each role may open in the admin (edit, history, revisions, preview, share).
OPENS = {
    "reader": set(),
    "contributor": {"draft"},  # only its own
    "writer": EVERY_STATE,
    "editor": EVERY_STATE,
    "managing": EVERY_STATE,
    "moderator": set(),  # no page permission at all
    "admin": EVERY_STATE,
}
PUBLISHES = {"editor", "managing", "admin"}

# Per-article admin routes: (action, URL pattern, rule). The rule is "opens" (OPENS above),
# "unpublish" (publishers, and only a live page) or "public" (the site: 404 unless live).
PAGE_ROUTES = {
    "edit": ("/admin/pages/{id}/edit/", "opens"),
    "history": ("/admin/pages/{id}/history/", "opens"),
    "revisions": ("/admin/pages/{id}/revisions/", "opens"),  # forwards to the history
    "revision": ("/admin/pages/{id}/revisions/{revision}/view/", "opens"),
    "compare": ("/admin/pages/{id}/revisions/compare/earliest...latest/", "opens"),
    "view_draft": ("/admin/pages/{id}/view_draft/", "opens"),
    "preview": ("/admin/pages/{id}/edit/preview/", "opens"),
    "share_links": ("/admin/newsroom/pages/{id}/preview-links/", "opens"),
    "unpublish": ("/admin/pages/{id}/unpublish/", "unpublish"),
    "public": ("{url}", "public"),
}

# Site-wide screens: route -> the roles that may open it (everyone else "denied", the reader
# "login").
SITE_ROUTES = {
    "comment queue": ("/admin/snippets/comments/comment/", {"moderator", "admin"}),
    "edit a comment": ("/admin/snippets/comments/comment/edit/{comment}/", {"moderator", "admin"}),
    "comment settings": (
        "/admin/settings/comments/commentsettings/{site}/",
        {"managing", "admin"},
    ),
    "breaking news": ("/admin/settings/core/breakingnews/{site}/", {"managing", "admin"}),
    "redirects": ("/admin/redirects/", {"managing", "admin"}),
    "users": ("/admin/users/", {"admin"}),
    "edit a user": ("/admin/users/edit/{writer}/", {"admin"}),
    "groups": ("/admin/groups/", {"admin"}),
    "workflows": ("/admin/workflows/list/", {"admin"}),
    "page chooser": ("/admin/choose-page/", ROLES[1:]),
    "page chooser search": ("/admin/choose-page/search/?q=scoop", ROLES[1:]),
}


def expected(role, state, rule):
    if rule == "public":
        return "ok" if state == "live" else "404"
    if role == "reader":
        return "login"
    if rule == "unpublish":
        return "ok" if role in PUBLISHES and state == "live" else "denied"
    return "ok" if state in OPENS[role] else "denied"


def outcome(response) -> str:
    if response.status_code in (200, 404):
        return "ok" if response.status_code == 200 else "404"
    location = response.get("Location", "")
    if response.status_code == 302 and location == "/admin/":
        return "denied"
    if response.status_code == 302 and location.startswith("/admin/login/"):
        return "login"
    return f"{response.status_code} {location}"


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("matrix-admin", "admin@newsdesk.example", "pw")


@pytest.fixture
def as_role(client, people, request):
    """Sign the client in as `role` (the reader stays anonymous); returns the user or None."""

    def sign_in(role):
        if role == "reader":
            return None
        user = request.getfixturevalue("admin_user") if role == "admin" else people[role]
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def article(request, make_draft, live_article, people):
    """The article in `state`; the second contributor's draft is only made when asked for."""

    def get(state):
        if state == "others_draft":
            other = request.getfixturevalue("other_contributor")
            page = make_draft(other, "Second contributor's unpublished scoop")
        elif state == "live":
            page = live_article
        else:
            page = ArticlePage.objects.get(slug=DEMO_SLUGS[state])
        contributor = people["contributor"]
        assert (page.owner == contributor) == (state == "draft"), "the matrix's premise"
        assert page.live == (state == "live")
        return page

    return get


def publish_log(page) -> int:
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish").count()


def approved_schedules(page) -> int:
    return Revision.page_revisions.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).count()


# The matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(PAGE_ROUTES))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_page_route(client, as_role, article, role, state, action):
    page = article(state)
    as_role(role)
    pattern, rule = PAGE_ROUTES[action]
    url = pattern.format(id=page.pk, revision=page.latest_revision_id, url=page.url)
    response = client.get(url)
    history = f"/admin/pages/{page.pk}/history/"
    if action == "revisions" and response.get("Location") == history:
        response = client.get(history)  # the revisions index forwards to the history
    assert outcome(response) == expected(role, state, rule)


@pytest.mark.parametrize("route", list(SITE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_site_route(client, as_role, people, live_article, role, route):
    pattern, allowed = SITE_ROUTES[route]
    ids = {"site": Site.objects.get(is_default_site=True).pk, "writer": people["writer"].pk}
    if "{comment}" in pattern:
        ids["comment"] = comment_store(
            article=live_article, name="Reader", body="Waiting", status="pending"
        ).pk
    as_role(role)
    got = outcome(client.get(pattern.format(**ids)))
    assert got == ("login" if role == "reader" else "ok" if role in allowed else "denied")


# Actions that change things: the status and what is left in the database -------------------

NEVER_PUBLISH = ["reader", "contributor", "writer", "moderator"]


@pytest.mark.parametrize("state", [s for s in STATES if s != "live"])
@pytest.mark.parametrize("role", NEVER_PUBLISH)
def test_publish_or_schedule_through_the_editor(client, as_role, article, edit_form, role, state):
    """Posting the editor with "Publish" (and a go-live time, to schedule) never publishes or
    schedules anything for a role that may not publish."""
    page = article(state)
    logs, schedules = publish_log(page), approved_schedules(page)
    as_role(role)
    url = f"/admin/pages/{page.pk}/edit/"
    data = {"title": page.title, "slug": page.slug}
    if state in OPENS[role]:
        data = edit_form(client, page)
    go_live = timezone.localtime(timezone.now() + timedelta(days=2))
    data.update({"action-publish": "1", "go_live_at": go_live.strftime("%Y-%m-%d %H:%M")})
    response = client.post(url, data)
    if state in OPENS[role]:  # saved as a draft, or the form shown again (e.g. while in review)
        assert response.status_code in (200, 302)
    else:
        assert outcome(response) == ("login" if role == "reader" else "denied")
    page.refresh_from_db()
    assert not page.live and page.first_published_at is None
    assert publish_log(page) == logs
    assert approved_schedules(page) == schedules
    bulk = client.post(f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}")
    assert bulk.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.live and publish_log(page) == logs


def test_an_editor_does_publish_through_the_editor(client, as_role, article, edit_form):
    """The control cell: the same post by an editor does publish, so the cells above can fail."""
    page = article("others_draft")
    as_role("editor")
    data = {**edit_form(client, page), "action-publish": "1"}
    assert client.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302
    page.refresh_from_db()
    assert page.live and publish_log(page) == 1


@pytest.mark.parametrize("role", [*NEVER_PUBLISH, "editor"])
def test_unpublish(client, as_role, article, role):
    page = article("live")
    as_role(role)
    response = client.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    page.refresh_from_db()
    unpublished = PageLogEntry.objects.filter(page=page, action="wagtail.unpublish").exists()
    if role in PUBLISHES:
        assert not page.live and unpublished
    else:
        assert outcome(response) == ("login" if role == "reader" else "denied")
        assert page.live and not unpublished


@pytest.mark.parametrize("state", ["scheduled", "embargoed"])
@pytest.mark.parametrize("role", NEVER_PUBLISH)
def test_unschedule(client, as_role, article, role, state):
    page = article(state)
    revision = Revision.page_revisions.get(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    )
    as_role(role)
    response = client.post(f"/admin/pages/{page.pk}/revisions/{revision.pk}/unschedule/")
    assert outcome(response) == ("login" if role == "reader" else "denied")
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None


@pytest.mark.parametrize("role", ["reader", "contributor", "writer", "moderator"])
def test_lock(client, as_role, article, role):
    page = article("live")
    as_role(role)
    response = client.post(f"/admin/pages/{page.pk}/lock/")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.locked and page.locked_by is None


@pytest.mark.parametrize("state", ["others_draft", "in_review", "scheduled", "embargoed", "live"])
@pytest.mark.parametrize("role", ["reader", "contributor", "moderator"])
def test_share_preview_link(client, as_role, article, role, state):
    page = article(state)
    as_role(role)
    response = client.post(f"/admin/newsroom/pages/{page.pk}/preview-links/", {"hours": "48"})
    assert outcome(response) == ("login" if role == "reader" else "denied")
    assert not PreviewLink.objects.filter(page=page).exists()


# Fields a role may not set ----------------------------------------------------------------


@pytest.mark.parametrize("role,state", [("contributor", "draft"), ("writer", "others_draft")])
def test_the_editor_ignores_fields_the_role_may_not_set(
    client, as_role, people, article, edit_form, role, state
):
    page = article(state)
    before = {f: getattr(page, f) for f in ("owner_id", "live", "first_published_at", "locked")}
    as_role(role)
    data = {
        **edit_form(client, page),
        "title": "Edited title",
        "owner": str(people["editor"].pk),
        "live": "on",
        "first_published_at": "2020-01-01 09:00",
        "last_published_at": "2020-01-01 09:00",
        "locked": "on",
        "locked_by": str(people["editor"].pk),
        "live_revision": str(page.latest_revision_id),
    }
    assert client.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "Edited title"  # the edit was saved
    after = {f: getattr(page, f) for f in before}
    assert after == before
    assert page.locked_by is None and page.live_revision is None
    latest = page.get_latest_revision_as_object()
    assert latest.owner_id == before["owner_id"] and not latest.live and not latest.locked


@pytest.mark.parametrize("role", ["contributor", "writer", "editor", "managing", "moderator"])
def test_nobody_but_an_admin_changes_group_membership(client, as_role, people, role):
    user = as_role(role)
    groups = set(user.groups.values_list("pk", flat=True))
    every_group = [str(pk) for pk in Group.objects.values_list("pk", flat=True)]
    response = client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "groups": every_group,
            "is_superuser": "on",
            "is_active": "on",
        },
    )
    assert outcome(response) == "denied"
    response = client.post(
        "/admin/account/",
        {
            "name_email-first_name": user.first_name,
            "name_email-last_name": user.last_name,
            "name_email-email": user.email,
            "groups": every_group,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    assert set(user.groups.values_list("pk", flat=True)) == groups
    assert not user.is_superuser and not user.is_staff


# Choosers and the admin API: what Wagtail shows by design -----------------------------------


def test_choosers_and_the_admin_api_show_titles_but_never_open_others_drafts(
    client, as_role, article
):
    """Like the explorer (docs/roles.md), Wagtail's page chooser and admin API list every page
    in the sections a contributor may add to, titles included: that is by design. They never
    give the draft's content, and the screens that do (edit, preview, revisions) stay shut."""
    page = article("others_draft")
    as_role("contributor")
    detail = client.get(f"/admin/api/main/pages/{page.pk}/")
    assert detail.status_code == 200
    assert "body" not in detail.json()
    for url in (
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/view_draft/",
        f"/admin/pages/{page.pk}/revisions/{page.latest_revision_id}/view/",
    ):
        assert outcome(client.get(url)) == "denied", url
