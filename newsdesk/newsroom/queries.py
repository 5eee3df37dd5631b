"""What the "My work" dashboard panel lists, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.queries import attach_sections

RECENT_DAYS = 30


def _ids_as_text(queryset):
    """Page ids as the text that workflow states and revisions store in `object_id`."""
    return queryset.annotate(id_text=Cast("pk", CharField())).values("id_text")


def my_articles(user) -> Q:
    """Articles the user created or saved last."""
    return Q(owner=user) | Q(latest_revision__user=user)


def my_work(user, *, limit: int = 5) -> dict[str, list]:
    """The user's articles by stage: drafts, in review, scheduled, recently published.

    In review: a workflow is in progress or sent back for changes, on an article the user
    owns, last saved or submitted. Scheduled: an approved revision waits for its go-live time,
    on an article of the user's or a revision the user saved. Published: the user's articles
    and those the user published in the last 30 days.
    """
    mine = ArticlePage.objects.filter(my_articles(user))
    page_type = ContentType.objects.get_for_model(Page)

    states = list(
        WorkflowState.objects.active()
        .filter(base_content_type=page_type)
        .filter(Q(requested_by=user) | Q(object_id__in=_ids_as_text(mine)))
        .select_related("current_task_state__task")
        .order_by("-created_at")[:limit]
    )
    scheduled_revisions = list(
        Revision.page_revisions.filter(approved_go_live_at__isnull=False)
        .filter(Q(user=user) | Q(object_id__in=_ids_as_text(mine)))
        .order_by("approved_go_live_at")[:limit]
    )
    pages = ArticlePage.objects.in_bulk(
        [int(item.object_id) for item in (*states, *scheduled_revisions)]
    )
    in_review = [
        {"page": pages[int(s.object_id)], "state": s} for s in states if int(s.object_id) in pages
    ]
    scheduled = [
        {"page": pages[int(r.object_id)], "go_live_at": r.approved_go_live_at}
        for r in scheduled_revisions
        if int(r.object_id) in pages
    ]

    busy = [item["page"].pk for item in (*in_review, *scheduled)]
    drafts = attach_sections(
        mine.filter(has_unpublished_changes=True)
        .exclude(pk__in=busy)
        .defer_streamfields()
        .order_by("-latest_revision_created_at")[:limit]
    )
    published_by_user = PageLogEntry.objects.filter(
        user=user,
        action="wagtail.publish",
        timestamp__gte=timezone.now() - timedelta(days=RECENT_DAYS),
    ).values("page_id")
    published = attach_sections(
        ArticlePage.objects.live()
        .filter(my_articles(user) | Q(pk__in=published_by_user))
        .defer_streamfields()
        .order_by("-last_published_at")[:limit]
    )
    return {
        "drafts": drafts,
        "in_review": in_review,
        "scheduled": scheduled,
        "published": published,
    }


def my_moderation(user, *, limit: int = 5) -> dict:
    """Comments the user moderated lately, for moderators' part of the panel."""
    from newsdesk.comments.models import Comment

    since = timezone.now() - timedelta(days=7)
    moderated = Comment.objects.filter(moderated_by=user)
    return {
        "count": moderated.filter(moderated_at__gte=since).count(),
        "latest": list(moderated.select_related("article").order_by("-moderated_at")[:limit]),
        "pending": Comment.objects.pending().count(),
    }
