"""Publishing is atomic: an admin publish that fails halfway leaves nothing behind, and a
publisher killed (SIGKILL) at random points never leaves a half-published article."""

import os
import random
import signal
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.core.killing import start_helper
from newsdesk.core.testing import database_url
from newsdesk.demo import factories
from newsdesk.users.models import User

HELPER = Path(__file__).with_name("publish_forever.py")


class EditForm(HTMLParser):
    """The POST data a browser would send from the page edit form, as rendered."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea = self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "page-edit-form":
            self.in_form = True
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None


def edit_form_data(client, page) -> dict:
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    parser = EditForm()
    parser.feed(response.content.decode())
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data.setdefault("body-count", ["0"])  # the body's editor is drawn by JavaScript
    return data


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_admin_publish_that_fails_halfway_leaves_nothing_behind(client):
    section = SectionPage.objects.get(slug="world")
    article = factories.make_article(
        section=section, headline="Atomic draft", slug="atomic-draft", publish=False
    )
    user = User.objects.create_superuser(f"atomic-{uuid.uuid4().hex[:12]}", "", "x")
    client.force_login(user)
    data = edit_form_data(client, article)
    data["title"] = ["Atomic draft, now published"]
    data["action-publish"] = ["action-publish"]
    revisions_before = article.revisions.count()

    def explode(sender, instance, **kwargs):
        if instance.pk == article.pk:
            raise Boom("a receiver fails after the page went live")

    page_published.connect(explode, weak=False)
    client.raise_request_exception = False
    try:
        response = client.post(f"/admin/pages/{article.pk}/edit/", data)
    finally:
        page_published.disconnect(explode)
    assert response.status_code == 500

    article.refresh_from_db()
    assert not article.live
    assert article.live_revision_id is None and article.first_published_at is None
    assert article.title == "Atomic draft"
    assert article.revisions.count() == revisions_before
    assert not PageLogEntry.objects.filter(page=article, action="wagtail.publish").exists()

    response = client.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.live and article.title == "Atomic draft, now published"
    assert article.live_revision_id == article.latest_revision_id
    assert PageLogEntry.objects.filter(
        page=article, action="wagtail.publish", revision_id=article.live_revision_id
    ).exists()


KILLS = 100


def assert_consistent(article: ArticlePage) -> None:
    revisions = list(Revision.page_revisions.filter(object_id=str(article.pk)).order_by("pk"))
    assert revisions, article
    for revision in revisions:
        assert isinstance(revision.content, dict)  # stored whole, not truncated
        assert revision.content["pk"] == article.pk
    assert article.latest_revision_id == revisions[-1].pk
    if article.live:
        live = Revision.objects.get(pk=article.live_revision_id)
        assert live.object_id == str(article.pk)
        assert live.content["title"] == article.title
        assert article.last_published_at >= live.created_at
        assert article.first_published_at <= article.last_published_at
        assert PageLogEntry.objects.filter(
            page=article, action="wagtail.publish", revision=live
        ).exists()
        assert article.has_unpublished_changes == (article.live_revision_id != revisions[-1].pk)
    else:
        assert article.live_revision_id is None


@pytest.mark.live
def test_publisher_killed_at_random_never_leaves_a_half_published_article(site, django_db_blocker):
    rng = random.Random(20240517)
    with django_db_blocker.unblock():
        assert not any(Page.find_problems())
        section = SectionPage.objects.get(slug="world")
        articles = [
            factories.make_article(
                section=section,
                headline=f"Kill test draft {number}",
                slug=f"kill-test-draft-{number}",
                publish=False,
            )
            for number in range(5)
        ]
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings.test",
        }
    started = time.monotonic()
    helper = start_helper(HELPER, str(section.pk), *(str(a.pk) for a in articles), env=env)
    published = added = 0
    noise: list[str] = []
    try:
        for _ in range(KILLS):
            helper.stdin.write(f"{rng.randrange(2**32)}\n")
            helper.stdin.flush()
            line = helper.stdout.readline()
            assert line.startswith("pid "), line + helper.stdout.read()
            pid = int(line.split()[1])
            # Kill at a random moment of the publishing loop, not while Django still connects:
            # on a busy machine that alone can outlast any fixed delay.
            line = helper.stdout.readline()
            assert line == "published\n", line + helper.stdout.read()
            published += 1
            time.sleep(rng.uniform(0.0, 0.6))
            os.kill(pid, signal.SIGKILL)
            while not (line := helper.stdout.readline()).startswith("reaped "):
                assert line, "helper died:\n" + "".join(noise)
                if line == "published\n":
                    published += 1
                elif line == "added\n":
                    added += 1
                else:
                    noise.append(line)
            status = int(line.split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "".join(noise)
    finally:
        helper.stdin.close()
        helper.wait(timeout=30)
    elapsed = time.monotonic() - started
    print(f"{KILLS} kills, {published} publishes, {added} new pages in {elapsed:.1f} s")
    assert published >= KILLS  # every kill landed in a running publishing loop

    with django_db_blocker.unblock():
        try:
            assert not any(Page.find_problems())
            killed = ArticlePage.objects.filter(slug__startswith="kill-test-")
            assert len(articles) + added <= killed.count() <= len(articles) + added + KILLS
            for article in killed:
                assert_consistent(article)
            assert all(article.live for article in killed)  # each was published at least once
        finally:
            for article in ArticlePage.objects.filter(slug__startswith="kill-test-"):
                article.delete()
            assert not any(Page.find_problems())
