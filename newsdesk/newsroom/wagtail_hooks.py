"""Admin: a "My work" panel on the dashboard, shaped by what the signed-in user may do."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry

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
