"""The demo's unpublished articles, one per review state, and that readers never see them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import WorkflowState

from newsdesk.articles.models import ArticlePage
from newsdesk.newsroom.demo import (
    DRAFT_SLUG,
    EMBARGOED_SLUG,
    IN_REVIEW_SLUG,
    SCHEDULED_SLUG,
    WORKFLOW_STATE_SLUGS,
    create_demo_workflow_states,
)

pytestmark = pytest.mark.django_db


def article(slug) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug)


def test_the_draft_belongs_to_the_contributor_and_is_not_live():
    draft = article(DRAFT_SLUG)
    assert not draft.live and draft.first_published_at is None
    assert draft.owner.username == "contributor"
    assert draft.get_latest_revision().user.username == "contributor"
    assert draft.section.slug == "politics"
    assert not WorkflowState.objects.filter(object_id=str(draft.pk)).exists()


def test_the_article_in_review_is_in_the_editorial_workflow():
    page = article(IN_REVIEW_SLUG)
    assert not page.live
    assert page.owner.username == "writer"
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Editorial review"
    assert state.requested_by.username == "writer"
    assert state.current_task_state is not None


def test_scheduled_and_embargoed_articles_wait_for_their_time():
    now = timezone.now()
    scheduled, embargoed = article(SCHEDULED_SLUG), article(EMBARGOED_SLUG)
    for page in (scheduled, embargoed):
        assert not page.live
        approved = page.get_latest_revision().approved_go_live_at
        assert approved is not None and approved > now, page.title
        assert page.scheduled_revision is not None
    go_live = timezone.localtime(scheduled.get_latest_revision().approved_go_live_at)
    assert (go_live.hour, go_live.minute) == (7, 0)
    assert go_live.date() == timezone.localdate() + timedelta(days=1)
    assert embargoed.kicker == "Embargoed"
    embargo = embargoed.get_latest_revision().approved_go_live_at
    assert timedelta(hours=2) < embargo - now <= timedelta(hours=3)


def test_readers_see_none_of_them(client):
    pages = list(ArticlePage.objects.filter(slug__in=WORKFLOW_STATE_SLUGS))
    assert len(pages) == 4
    assert not ArticlePage.objects.published().filter(slug__in=WORKFLOW_STATE_SLUGS).exists()
    listings = "".join(
        client.get(path).content.decode()
        for path in {"/", *(page.get_parent().url for page in pages)}
    )
    for page in pages:
        assert page.title not in listings
        assert page.slug not in listings
        assert client.get(f"{page.get_parent().url}{page.slug}/").status_code == 404


def test_running_it_again_makes_nothing_new():
    before = (ArticlePage.objects.count(), WorkflowState.objects.count())
    assert create_demo_workflow_states() == []
    assert (ArticlePage.objects.count(), WorkflowState.objects.count()) == before
