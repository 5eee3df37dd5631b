"""Moderation in the Wagtail admin: the queue, bulk actions and a dashboard panel."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Comment
from .services import moderate


class CommentFilterSet(WagtailFilterSet):
    author = django_filters.CharFilter(
        label="Author (name or email contains)", method="filter_author"
    )

    def filter_author(self, queryset, name, value):
        return queryset.filter(Q(author_name__icontains=value) | Q(author_email__icontains=value))

    class Meta:
        model = Comment
        fields = ["status", "article", "is_staff_reply", "is_pinned", "is_highlighted"]


class StatusColumn(Column):
    def get_value(self, instance):
        return format_html(
            '<span class="w-status{}">{}</span>',
            " w-status--primary" if instance.status == "approved" else "",
            instance.get_status_display(),
        )


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Comments"
    menu_order = 160
    add_to_admin_menu = True
    list_per_page = 50
    ordering = ["-created_at"]
    filterset_class = CommentFilterSet
    search_fields = ["body", "author_name", "author_email"]
    list_display = [
        Column("body", label="Comment", accessor="excerpt"),
        Column("author_name", label="Author"),
        Column("article", label="Article"),
        StatusColumn("status", label="Status"),
        Column("hold_reason", label="Held because"),
        DateColumn("created_at", label="Posted"),
    ]


register_snippet(CommentViewSet)


class ModerateBulkAction(SnippetBulkAction):
    """Set the status of the selected comments."""

    models = [Comment]
    status = ""
    template_name = "comments/admin/confirm_bulk_moderate.html"

    def check_perm(self, obj):
        return self.request.user.has_perm("comments.change_comment")

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        return moderate(comments=objects, status=cls.status, by=user, reason=reason), 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} comment(s) marked {self.status}."

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            action_button_text=f"Yes, {self.display_name.lower()}",
            no_action_button_text="No, go back",
            status_label=Comment.Status(self.status).label.lower(),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=255, help_text="Kept with the comments for other moderators."
    )


@hooks.register("register_bulk_action")
class ApproveBulkAction(ModerateBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected comments"
    action_priority = 10
    status = Comment.Status.APPROVED


@hooks.register("register_bulk_action")
class SpamBulkAction(ModerateBulkAction):
    display_name = "Mark spam"
    action_type = "spam"
    aria_label = "Mark selected comments as spam"
    action_priority = 20
    status = Comment.Status.SPAM


@hooks.register("register_bulk_action")
class RemoveBulkAction(ModerateBulkAction):
    display_name = "Remove"
    action_type = "remove"
    aria_label = "Remove selected comments, with a reason"
    action_priority = 30
    status = Comment.Status.REMOVED
    form_class = ReasonForm

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "reason": self.cleaned_form.cleaned_data["reason"],
        }


class PendingCommentsPanel(Component):
    name = "pending_comments"
    order = 60
    template_name = "comments/admin/pending_panel.html"

    def get_context_data(self, parent_context=None):
        list_url = reverse(CommentViewSet().get_url_name("list"))
        return {
            "pending": Comment.objects.pending().count(),
            "queue_url": f"{list_url}?status=pending",
            "latest": Comment.objects.pending()
            .select_related("article")
            .order_by("-created_at")[:5],
        }


@hooks.register("construct_homepage_panels")
def add_pending_panel(request, panels):
    if request.user.has_perm("comments.change_comment"):
        panels.insert(0, PendingCommentsPanel())
