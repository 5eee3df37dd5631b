"""The editorial path from draft to correction, in a real Chromium with the real worker.

A contributor drafts an article and submits it to Editorial review in the admin; an editor
approves it with a go-live time in the admin; the worker process (``manage.py run_worker``)
publishes it on time and it shows on the home page; the editor adds a correction, which shows
on the article and on /corrections/. Public pages have 0 axe-core WCAG 2.1 A/AA violations.

Done in the browser: the contributor's form (headline, standfirst) and "Submit to Editorial
review"; the editor's "Approve" in the edit view's action menu; the public pages.
Done through services or the database, since those UI parts are fiddly rather than under test:
the go-live time is written into the submitted revision before the editor opens it (the admin
form carries it through to the approved schedule; it is whole minutes, as the admin's
date-time field only keeps minutes), and the correction is added with
``corrections.services.note_add``.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.core.browser import axe_violations, open_page
from newsdesk.core.testing import database_url
from newsdesk.newsroom.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

WORKER_DEADLINE = timedelta(seconds=60)


def log_in(browser, base: str, username: str):
    context, page, _ = open_page(browser, base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/admin/login/" not in page.url, f"{username} could not log in"
    return context, page


def action_button(page, name: re.Pattern):
    """A button of the footer action menu, opening the menu's dropdown if it is folded in."""
    button = page.get_by_role("button", name=name)
    if not button.first.is_visible():
        page.locator("footer").get_by_role("button", name="More actions").click()
    button.first.wait_for(state="visible")
    return button.first


def next_minute(after):
    """The first whole minute at or after `after` (the admin's date-time field keeps minutes)."""
    rounded = after.replace(second=0, microsecond=0)
    return rounded if rounded >= after else rounded + timedelta(minutes=1)


def test_draft_review_schedule_publish_and_correct(browser, site, django_db_blocker):
    from django.contrib.auth import get_user_model
    from wagtail.models import WorkflowState

    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.corrections.services import note_add

    base = site["base"]
    headline = f"Harbour pilots vote to strike {uuid.uuid4().hex[:8]}"
    dek = "The vote follows two years of talks over night-shift pay."
    correction = "An earlier version gave the wrong year for the last strike."
    with django_db_blocker.unblock():
        world = SectionPage.objects.get(slug="world")
        editor = get_user_model().objects.get(username="editor")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings.test",
        }

    worker, output = None, ""
    worker_log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in the finally
    try:
        # 1. The contributor drafts and submits, in the admin.
        context, page = log_in(browser, base, "contributor")
        try:
            page.goto(base + f"/admin/pages/add/articles/articlepage/{world.pk}/")
            page.fill("#id_title", headline)
            page.fill("#id_dek", dek)
            # The headline has no slug sync here: the slug is typed on the Promote tab.
            page.get_by_role("tab", name="Promote").click()
            page.fill("#id_slug", slugify(headline))
            submit = action_button(page, re.compile(r"^Submit to Editorial review"))
            with page.expect_navigation():
                submit.click()
        finally:
            context.close()
        with django_db_blocker.unblock():
            article = ArticlePage.objects.get(title=headline)
            state = WorkflowState.objects.get(object_id=str(article.pk), status="in_progress")
            assert state.requested_by.username == "contributor"
            assert not article.live and article.dek == dek

            # The go-live time, at least 30 s away so the approval surely comes before it.
            go_live = next_minute(timezone.now() + timedelta(seconds=30))
            revision = article.get_latest_revision()
            revision.content["go_live_at"] = go_live.isoformat()
            revision.save(update_fields=["content"])

        # 2. The editor approves it in the admin; with a future go-live time that schedules it.
        context, page = log_in(browser, base, "editor")
        try:
            page.goto(base + f"/admin/pages/{article.pk}/edit/")
            approve = action_button(page, re.compile(r"^Approve(?! with comment)"))
            with page.expect_navigation():
                approve.click()
        finally:
            context.close()
        with django_db_blocker.unblock():
            state.refresh_from_db()
            article.refresh_from_db()
            assert state.status == "approved"
            assert state.current_task_state.finished_by == editor
            assert timezone.now() < go_live, "approved before the go-live time"
            assert not article.live
            assert article.get_latest_revision().approved_go_live_at == go_live

        # 3. The real worker publishes it on time.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "1"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        live = False
        while timezone.now() < go_live + WORKER_DEADLINE and not live:
            time.sleep(0.5)
            with django_db_blocker.unblock():
                live = ArticlePage.objects.filter(pk=article.pk, live=True).exists()
        assert live, "the worker published it within 60 s of its go-live time"
        with django_db_blocker.unblock():
            article.refresh_from_db()
            assert article.first_published_at >= go_live

        reader, page, response = open_page(browser, base + "/")
        try:
            assert response.status == 200
            assert page.get_by_role("link", name=headline).first.is_visible()
            assert axe_violations(page) == []
        finally:
            reader.close()

        # 4. The editor adds a correction (service); readers see it on the article and the log.
        with django_db_blocker.unblock():
            note_add(article=article, kind="correction", text=correction, by=editor)
        reader, page, response = open_page(browser, base + article.url)
        try:
            assert response.status == 200
            assert page.locator("h1").inner_text().strip() == headline
            assert page.locator("#article-notes").get_by_text(correction).is_visible()
            assert axe_violations(page) == []
            page.goto(base + "/corrections/", wait_until="load")
            assert page.get_by_text(correction).first.is_visible()
            assert page.get_by_role("link", name=headline).first.is_visible()
            assert axe_violations(page) == []
        finally:
            reader.close()
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            worker_log.seek(0)
            output = worker_log.read()
        worker_log.close()
        with django_db_blocker.unblock():
            ArticlePage.objects.filter(title=headline).delete()
    assert f"Published {headline}" in output
