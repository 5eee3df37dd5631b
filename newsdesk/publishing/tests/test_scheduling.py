"""Scheduled articles go live on time through the worker, stay invisible until then, and a
schedule missed while the worker was down is caught up and reported."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.core.testing import database_url
from newsdesk.demo import factories
from newsdesk.publishing.services import publish_due


def make_due(article: ArticlePage, when) -> None:
    """Move an approved schedule into the past, as if the clock had run on."""
    revision = Revision.objects.get(pk=article.latest_revision_id)
    revision.content["go_live_at"] = when.isoformat()
    revision.approved_go_live_at = when
    revision.save(update_fields=["content", "approved_go_live_at"])


def scheduled_article(headline: str, go_live_at) -> ArticlePage:
    section = SectionPage.objects.get(slug="world")
    article = factories.make_article(section=section, headline=headline, publish=False)
    article.go_live_at = go_live_at
    article.save_revision().publish()  # with a future go-live time this only approves the schedule
    article.refresh_from_db()
    return article


@pytest.mark.django_db
def test_embargoed_article_is_invisible_until_published(client):
    article = scheduled_article(
        "Embargoed until the minister speaks", timezone.now() + timedelta(hours=1)
    )
    assert not article.live
    assert not ArticlePage.objects.published().filter(pk=article.pk).exists()
    assert (
        client.get(article.url or "/world/embargoed-until-the-minister-speaks/").status_code == 404
    )
    assert article.title not in client.get("/").content.decode()
    assert article.title not in client.get("/world/").content.decode()

    make_due(article, timezone.now() - timedelta(seconds=1))
    run = publish_due()
    article.refresh_from_db()
    assert article.live and run.published and not run.missed
    assert client.get(article.url).status_code == 200
    assert article.title in client.get("/world/").content.decode()


@pytest.mark.django_db
def test_missed_schedule_is_caught_up_and_reported():
    article = scheduled_article(
        "Scheduled while the worker was down", timezone.now() + timedelta(seconds=30)
    )
    make_due(article, timezone.now() - timedelta(minutes=10))
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    article.refresh_from_db()
    assert article.live
    assert "missed while the worker was down" in out.getvalue()
    assert "Scheduled while the worker was down" in out.getvalue()


@pytest.mark.django_db
def test_expiry_unpublishes():
    section = SectionPage.objects.get(slug="world")
    article = factories.make_article(section=section, headline="A story with a shelf life")
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - timedelta(seconds=1)
    )
    run = publish_due()
    article.refresh_from_db()
    assert not article.live and article.expired
    assert "A story with a shelf life" in run.expired


@pytest.mark.live
def test_real_worker_process_publishes_within_60_seconds(site, django_db_blocker):
    import urllib.request

    with django_db_blocker.unblock():
        go_live = timezone.now() + timedelta(seconds=3)
        article = scheduled_article("The worker publishes this on time", go_live)
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings.test",
        }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = go_live + timedelta(seconds=60)
        live = False
        while timezone.now() < deadline and not live:
            time.sleep(0.5)
            with django_db_blocker.unblock():
                live = ArticlePage.objects.filter(pk=article.pk, live=True).exists()
        assert live, "published within 60 s of its time"
        with django_db_blocker.unblock():
            published_at = ArticlePage.objects.get(pk=article.pk).first_published_at
        assert published_at >= go_live
        home = urllib.request.urlopen(site["base"] + "/", timeout=30).read().decode()
        assert "The worker publishes this on time" in home
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
        with django_db_blocker.unblock():
            ArticlePage.objects.filter(pk=article.pk).delete()
    assert "Published The worker publishes this on time" in output
