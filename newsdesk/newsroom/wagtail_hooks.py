"""Admin: a "My work" panel on the dashboard, shaped by what the signed-in user may do, and
"Share preview link" on the page editor."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry

from . import views
from .queries import my_moderation, my_work

WRITING = ["add", "change", "publish"]


class MyWorkPanel(Component):
    """The user's articles by stage and, for moderators, the comments they handled."""

    name = "my_work"
    order = 40
    template_name = "newsroom/admin/my_work_panel.html"

    def __init__(self, user, *, writes: bool, moderates: bool):
        self.user = user
        self.writes = writes
        self.moderates = moderates

    def get_context_data(self, parent_context=None):
        context = {"writes": self.writes, "moderates": self.moderates}
        if self.writes:
            context.update(my_work(self.user))
        if self.moderates:
            from newsdesk.comments.wagtail_hooks import CommentViewSet

            context["moderation"] = my_moderation(self.user)
            context["queue_url"] = reverse(CommentViewSet().get_url_name("list"))
        return context


@hooks.register("construct_homepage_panels")
def add_my_work_panel(request, panels):
    user = request.user
    writes = policy_registry.get_by_type(Page).user_has_any_permission(user, WRITING)
    moderates = user.has_perm("comments.change_comment")
    if writes or moderates:
        panels.insert(0, MyWorkPanel(user, writes=writes, moderates=moderates))


# Shareable previews ----------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_preview_link_urls():
    return [
        path(
            "newsroom/pages/<int:page_id>/preview-links/",
            views.share_preview,
            name="newsroom_share_preview",
        ),
        path(
            "newsroom/pages/<int:page_id>/preview-links/<int:link_id>/revoke/",
            views.revoke_preview,
            name="newsroom_revoke_preview",
        ),
    ]


class SharePreviewMenuItem(ActionMenuItem):
    """In the editor's action menu, for people who may edit the page."""

    label = "Share preview link"
    name = "action-share-preview"
    icon_name = "link"

    def is_shown(self, context):
        if context["view"] != "edit":
            return False
        return self.get_user_page_permissions_tester(context).can_edit()

    def get_url(self, context):
        return reverse("newsroom_share_preview", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_share_preview_menu_item():
    return SharePreviewMenuItem(order=60)


class SharePreviewHeaderButton(PageMenuItem):
    label = "Share preview link"
    icon_name = "link"
    url_name = "newsroom_share_preview"
    priority = 67

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def register_share_preview_header_button(page, user, view_name, next_url=None):
    yield SharePreviewHeaderButton(page=page)


@hooks.register("register_log_actions")
def register_preview_link_log_actions(actions):
    actions.register_action(
        "newsroom.preview_link.create", "Create preview link", "Preview link created"
    )
    actions.register_action(
        "newsroom.preview_link.revoke", "Revoke preview link", "Preview link revoked"
    )
