"""A reader's and a moderator's path through comments, in a real Chromium: post as a guest,
see it await moderation, approve it in the admin, see it published, reply to it. Every public
page on the way has 0 axe-core WCAG 2.1 A/AA violations."""

import pytest

from newsdesk.comments.tokens import MIN_AGE
from newsdesk.core.browser import axe_violations, open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def article(site, django_db_blocker):
    from newsdesk.articles.models import ArticlePage

    with django_db_blocker.unblock():
        article = ArticlePage.objects.published().filter(comments_mode="open").order_by("pk")[3]
    yield article
    with django_db_blocker.unblock():
        article.comments.filter(author_email="guest@example.org").delete()


@pytest.fixture
def moderator(django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser(
            "desk-moderator", "mod@example.com", "pw-moderator"
        )
    yield user
    with django_db_blocker.unblock():
        user.delete()


def fill_and_send(page, *, body: str) -> None:
    form = page.locator("#comment-form")
    form.locator("#id_name").fill("Guest Reader")
    form.locator("#id_email").fill("guest@example.org")
    form.locator("#id_body").fill(body)
    page.wait_for_timeout(MIN_AGE * 1000 + 200)  # the form refuses instant posts
    page.locator("#comment-form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_guest_comment_moderation_and_reply(browser, site, article, moderator):
    base = site["base"]
    reader, page, _ = open_page(browser, base + article.url)
    try:
        fill_and_send(page, body="A question about the third paragraph.")
        assert "comment=received" in page.url
        assert page.get_by_role("status").get_by_text("awaiting moderation").is_visible()
        assert "A question about the third paragraph." not in page.locator("#comments").inner_text()
        assert axe_violations(page) == []
    finally:
        reader.close()

    admin, page, _ = open_page(browser, base + "/admin/login/")
    try:
        page.fill("#id_username", "desk-moderator")
        page.fill("#id_password", "pw-moderator")
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        assert "Comments awaiting moderation" in page.content()
        page.goto(base + "/admin/snippets/comments/comment/?status=pending")
        row = page.locator("tr", has_text="A question about the third paragraph.")
        row.locator("input[type=checkbox]").check()
        page.locator("[data-bulk-action-footer] a", has_text="Approve").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Yes, approve").click()
        page.wait_for_load_state("load")
    finally:
        admin.close()

    reader, page, _ = open_page(browser, base + article.url)
    try:
        comment = page.locator(".comment", has_text="A question about the third paragraph.")
        assert comment.is_visible()
        assert comment.locator(".comment-author").inner_text() == "Guest Reader"
        assert axe_violations(page) == []
        comment.get_by_role("link", name="Reply to Guest Reader").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Reply to Guest Reader"
        assert axe_violations(page) == []
        fill_and_send(page, body="Answering my own question: found it.")
        assert page.get_by_role("status").get_by_text("awaiting moderation").is_visible()
    finally:
        reader.close()
