"""Shareable previews: a signed, expiring link to a draft that an outsider can open."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import PageLogEntry

from newsdesk.demo.factories import make_article
from newsdesk.newsroom.models import PreviewLink, hash_token
from newsdesk.newsroom.previews import (
    preview_link_create,
    preview_link_resolve,
    preview_link_revoke,
)

pytestmark = pytest.mark.django_db

HEADLINE = "Embargoed: the harbour deal nobody has seen"


@pytest.fixture
def draft(world):
    return make_article(section=world, headline=HEADLINE, publish=False)


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/preview/")
    return url.removeprefix("http://testserver")


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control
    assert "public" not in cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_an_editor_shares_a_draft_with_an_outsider(client, people, draft):
    link, url = preview_link_create(page=draft, user=people["editor"], hours=48)

    assert link.is_valid
    assert PreviewLink.objects.valid().filter(pk=link.pk).exists()
    assert link.token_hash not in url  # only the hash is stored, never the token
    assert preview_link_resolve(url.rstrip("/").rsplit("/", 1)[-1]) == link
    assert abs(link.expires_at - (timezone.now() + timedelta(hours=48))) < timedelta(minutes=1)
    assert PageLogEntry.objects.filter(
        page=draft, action="newsroom.preview_link.create", user=people["editor"]
    ).exists()

    response = client.get(path_of(url))
    assert response.status_code == 200
    assert HEADLINE in response.content.decode()
    assert_private(response)


def test_the_link_shows_the_latest_revision(client, people, draft):
    _, url = preview_link_create(page=draft, user=people["editor"], hours=1)
    draft.title = "Harbour deal: the revised draft"
    draft.save_revision(user=people["editor"])

    body = client.get(path_of(url)).content.decode()
    assert "Harbour deal: the revised draft" in body
    assert HEADLINE not in body


def test_expired_revoked_and_forged_links_are_plain_404s(client, people, draft):
    editor = people["editor"]
    expired, expired_url = preview_link_create(page=draft, user=editor, hours=1)
    PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    revoked, revoked_url = preview_link_create(page=draft, user=editor, hours=24)
    preview_link_revoke(link=revoked, user=editor)
    assert PageLogEntry.objects.filter(page=draft, action="newsroom.preview_link.revoke").exists()
    _, good_url = preview_link_create(page=draft, user=editor, hours=24)
    forged_url = good_url[:-2] + ("A/" if good_url[-2] != "A" else "B/")

    not_found = [client.get(path_of(url)) for url in (expired_url, revoked_url, forged_url)]
    bodies = {response.content.decode() for response in not_found}
    for response in not_found:
        assert response.status_code == 404
        assert HEADLINE not in response.content.decode()
        assert_private(response)
    assert len(bodies) == 1  # nothing tells an expired link from a revoked or forged one
    assert client.get("/preview/x/").status_code == 404
    assert preview_link_resolve(good_url.rstrip("/").rsplit("/", 1)[-1]) is not None


def test_link_lifetime_is_bounded(people, draft):
    for hours in (0, 14 * 24 + 1):
        with pytest.raises(ValueError):
            preview_link_create(page=draft, user=people["editor"], hours=hours)
    link, _ = preview_link_create(page=draft, user=people["editor"], hours=14 * 24)
    assert link.expires_at > timezone.now() + timedelta(days=13)


def test_only_people_who_may_edit_the_page_share_or_revoke(
    client, people, other_contributor, make_draft
):
    contributor = people["contributor"]
    theirs = make_draft(other_contributor, title="Someone else's scoop")

    with pytest.raises(PermissionDenied):
        preview_link_create(page=theirs, user=contributor, hours=24)
    link, _ = preview_link_create(page=theirs, user=other_contributor, hours=24)
    with pytest.raises(PermissionDenied):
        preview_link_revoke(link=link, user=contributor)

    client.force_login(contributor)
    share_url = f"/admin/newsroom/pages/{theirs.pk}/preview-links/"
    assert client.get(share_url).status_code in (302, 403)
    assert client.post(share_url, {"hours": "24"}).status_code in (302, 403)
    revoke_url = f"{share_url}{link.pk}/revoke/"
    assert client.post(revoke_url).status_code in (302, 403)
    assert PreviewLink.objects.filter(page=theirs).count() == 1
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None


def test_an_editor_uses_the_admin_screen(client, people, draft):
    client.force_login(people["editor"])
    editor_page = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    share_url = f"/admin/newsroom/pages/{draft.pk}/preview-links/"
    assert share_url in editor_page
    assert "Share preview link" in editor_page

    response = client.post(share_url, {"hours": "24"})
    assert response.status_code == 200
    link = PreviewLink.objects.get(page=draft)
    url = response.context["new_url"]
    assert link.token_hash == hash_token(url.rstrip("/").rsplit("/", 1)[-1])
    assert url in response.content.decode()
    listing = client.get(share_url).content.decode()
    assert "Revoke" in listing
    assert url not in listing  # shown once, when made

    response = client.post(f"{share_url}{link.pk}/revoke/")
    assert response.status_code == 302
    assert not PreviewLink.objects.valid().filter(page=draft).exists()
    client.logout()
    assert client.get(path_of(url)).status_code == 404


def test_the_draft_stays_unpublished(client, people, draft, world):
    preview_link_create(page=draft, user=people["editor"], hours=24)
    draft.refresh_from_db()
    assert not draft.live
    public_path = f"{world.url}{draft.slug}/"
    assert client.get(public_path).status_code == 404
    assert HEADLINE not in client.get(world.url).content.decode()
    assert HEADLINE not in client.get("/").content.decode()


def test_an_embargoed_draft_is_not_shown_through_preview_links(client, people, draft):
    _, url = preview_link_create(page=draft, user=people["editor"], hours=24)
    assert client.get(path_of(url)).status_code == 200
    draft.go_live_at = timezone.now() + timedelta(hours=3)
    draft.save_revision(user=people["editor"]).publish(user=people["editor"])
    draft.refresh_from_db()
    assert not draft.live
    # A later draft revision leaves the approved schedule, and so the embargo, standing.
    draft.save_revision(user=people["editor"])

    response = client.get(path_of(url))
    assert response.status_code == 404
    assert HEADLINE not in response.content.decode()
    assert_private(response)
    assert response.content == client.get("/preview/not-a-real-token/").content

    # Once the embargo time has passed, the link shows the page again.
    draft.revisions.update(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path_of(url))
    assert response.status_code == 200
    assert HEADLINE in response.content.decode()


def test_a_preview_of_a_published_story_shows_the_draft_and_leaves_the_live_page(
    client, people, world
):
    """The live page's story is cached as HTML (caching/templatetags/fragments.py); a draft
    of it has the same id and live revision, and must neither read nor fill that cache."""
    article = make_article(section=world, headline=HEADLINE)
    assert HEADLINE in client.get(article.url).content.decode()  # fills the fragment cache
    article.title = "Harbour deal: the draft after publication"
    article.save_revision(user=people["editor"])
    _, url = preview_link_create(page=article, user=people["editor"], hours=1)

    assert "the draft after publication" in client.get(path_of(url)).content.decode()
    live = client.get(article.url).content.decode()
    assert HEADLINE in live
    assert "the draft after publication" not in live
