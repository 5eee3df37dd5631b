"""Review with Wagtail's workflow: submit, approve or send back, schedule; and "My work"."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import WorkflowState

from newsdesk.comments.services import comment_store, moderate

pytestmark = pytest.mark.django_db


def submit(client, page, edit_form, **changes):
    data = {**edit_form(client, page), **changes, "action-submit": "1"}
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    return page


def recipients(subject_part: str) -> set[str]:
    return {to for m in mail.outbox if subject_part in m.subject for to in m.to}


def test_workflow_emails_wait_for_the_commit_and_never_announce_a_rolled_back_write(
    client, people, make_draft, edit_form, django_capture_on_commit_callbacks
):
    from django.db import transaction
    from wagtail.models import WorkflowState as State
    from wagtail.signals import workflow_submitted

    from newsdesk.newsroom import notifications

    # Only the deferred notifier is connected, under Wagtail's own dispatch_uid.
    live, _async = workflow_submitted._live_receivers(State)
    assert notifications.RECEIVERS["workflow_submitted"] in live
    assert not any(getattr(r, "notification", None) == "submitted" for r in live)

    draft = make_draft(people["contributor"], "Ferry timetable cut")
    client.force_login(people["contributor"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        submit(client, draft, edit_form)
    assert mail.outbox == [] and len(pending) >= 1  # nothing sent inside the transaction
    for callback in pending:
        callback()
    assert recipients("submitted for approval") == {
        "editor@newsdesk.example",
        "managing@newsdesk.example",
    }

    # A write that rolls back after the signal mails nobody.
    mail.outbox.clear()
    second = make_draft(people["contributor"], "Bridge inspection overdue")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                submit(client, second, edit_form)
                raise RuntimeError("the database failed after the submission")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not State.objects.filter(object_id=str(second.pk)).exists()


def test_contributor_submits_editor_approves_and_the_article_goes_live(
    client, people, make_draft, edit_form, django_capture_on_commit_callbacks
):
    draft = make_draft(people["contributor"], "Harbour dredging stalls")
    client.force_login(people["contributor"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, draft, edit_form, dek="Contracts lapse as the river silts up.")
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == "in_progress" and state.requested_by == people["contributor"]
    assert state.workflow.name == "Editorial review"
    assert recipients("submitted for approval") == {
        "editor@newsdesk.example",
        "managing@newsdesk.example",
    }
    # Under review the article is locked for its author: saving changes nothing.
    data = {**edit_form(client, draft), "title": "Sneaky late change"}
    client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert draft.get_latest_revision_as_object().title == "Harbour dredging stalls"

    mail.outbox.clear()
    client.force_login(people["editor"])
    data = {
        **edit_form(client, draft),
        "action-workflow-action": "1",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": json.dumps({"comment": "Solid; running it."}),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/pages/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    state.refresh_from_db()
    assert draft.live and draft.dek == "Contracts lapse as the river silts up."
    assert state.status == "approved"
    assert state.current_task_state.finished_by == people["editor"]
    assert state.current_task_state.comment == "Solid; running it."
    assert recipients("has been approved") == {"contributor@newsdesk.example"}


def test_editor_sends_it_back_with_a_comment_and_the_contributor_resubmits(
    client, people, make_draft, edit_form, django_capture_on_commit_callbacks
):
    draft = make_draft(people["contributor"], "Rail strike talks")
    client.force_login(people["contributor"])
    submit(client, draft, edit_form)
    task_state = draft.current_workflow_task_state
    mail.outbox.clear()

    client.force_login(people["editor"])
    url = f"/admin/pages/workflow/action/{draft.pk}/reject/{task_state.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "Needs a second source for the pay offer."})
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == "needs_changes"
    draft.refresh_from_db()
    assert not draft.live
    [email] = [m for m in mail.outbox if "rejected" in m.subject]
    assert email.to == ["contributor@newsdesk.example"]
    assert "Needs a second source for the pay offer." in email.body

    client.force_login(people["contributor"])
    panel = client.get("/admin/").content.decode()
    assert "changes requested" in panel
    submit(client, draft, edit_form, dek="Both unions confirm the offer.")
    state.refresh_from_db()
    assert state.status == "in_progress", "the same review resumes"
    assert draft.current_workflow_task_state.pk != task_state.pk


def test_approval_with_a_future_go_live_schedules_the_article(
    client, people, make_draft, edit_form
):
    draft = make_draft(people["contributor"], "Budget day preview")
    go_live = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(people["contributor"])
    submit(client, draft, edit_form, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))

    client.force_login(people["editor"])
    task_state = draft.current_workflow_task_state
    url = f"/admin/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/"
    assert client.post(url, {"comment": ""}).status_code == 302
    draft.refresh_from_db()
    assert not draft.live and draft.approved_schedule
    assert draft.scheduled_revision.approved_go_live_at == go_live

    client.force_login(people["contributor"])
    html = client.get("/admin/").content.decode()
    scheduled = html.split('data-my-work="scheduled"')[1].split("</ul>")[0]
    assert "Budget day preview" in scheduled


def test_my_work_shows_each_user_their_own_articles_by_stage(
    client, people, other_contributor, make_draft, edit_form
):
    mine = make_draft(people["contributor"], "My quiet draft")
    theirs = make_draft(other_contributor, "Somebody else's draft")
    in_review = make_draft(people["contributor"], "Waiting on the desk")
    client.force_login(people["contributor"])
    submit(client, in_review, edit_form)

    html = client.get("/admin/").content.decode()
    assert "My work" in html

    def column(name):
        return html.split(f'data-my-work="{name}"')[1].split("</ul>")[0]

    assert mine.title in column("drafts") and in_review.title not in column("drafts")
    assert in_review.title in column("in-review")
    panel = html.split('id="my-work-heading"')[1].split("</section>")[0]
    assert theirs.title not in panel, "other contributors' drafts stay out of sight"

    # The editor who published it sees it under "Recently published".
    client.force_login(people["editor"])
    data = {**edit_form(client, mine), "action-publish": "1"}
    client.post(f"/admin/pages/{mine.pk}/edit/", data)
    html = client.get("/admin/").content.decode()
    assert mine.title in column("published")


def test_my_work_for_a_moderator_is_about_comments(client, people, live_article):
    comment = comment_store(article=live_article, name="Reader", body="Held", status="pending")
    moderate(comments=[comment], status="approved", by=people["moderator"])
    client.force_login(people["moderator"])
    html = client.get("/admin/").content.decode()
    assert "You moderated 1 comment in the last 7 days" in html
    assert 'data-my-work="drafts"' not in html


def test_muted_submissions_mail_nobody(
    client, people, make_draft, edit_form, django_capture_on_commit_callbacks
):
    from newsdesk.newsroom import notifications

    draft = make_draft(people["contributor"], "Quiet demo submission")
    client.force_login(people["contributor"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), notifications.muted():
        submit(client, draft, edit_form)
    assert mail.outbox == []
    assert WorkflowState.objects.filter(object_id=str(draft.pk), status="in_progress").exists()


def test_approving_or_bulk_publishing_a_placeholder_headline_is_refused_with_its_reason(
    client, people, make_draft, edit_form
):
    # Neither path has the editor's form to show the error on: the edit page shows it instead.
    draft = make_draft(people["contributor"], "[Needs a headline] Harbour dredging stalls")
    client.force_login(people["contributor"])
    submit(client, draft, edit_form)
    task_state = draft.current_workflow_task_state
    edit_url = f"/admin/pages/{draft.pk}/edit/"

    client.force_login(people["editor"])
    approve = f"/admin/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/"
    response = client.post(approve, {"comment": "Fine by me."})
    assert response.status_code == 302 and response["Location"] == edit_url
    assert "Write a headline before publishing" in client.get(edit_url).content.decode()
    draft.refresh_from_db()
    task_state.refresh_from_db()
    assert not draft.live and task_state.status == "in_progress"  # the approval rolled back

    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}&next=/admin/"
    response = client.post(bulk, {})
    assert response.status_code == 302 and response["Location"] == edit_url
    draft.refresh_from_db()
    assert not draft.live
