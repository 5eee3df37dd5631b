"""Article reports in the Wagtail admin (ratings, most read): their URLs and menu item."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permissions import policy_registry

# Anyone who may write or publish pages may see how readers took them.
EDITOR_PERMISSIONS = ["add", "change", "publish"]


def can_see_reports(user) -> bool:
    return policy_registry.get_by_type(Page).user_has_any_permission(user, EDITOR_PERMISSIONS)


class ArticleReportView(ReportView):
    """A report over articles, open to whoever may write or publish pages."""

    any_permission_required = EDITOR_PERMISSIONS
    paginate_by = 50

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Page)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_reports(request.user)


def register_report(view_class, *, slug: str, label: str, icon: str, order: int) -> None:
    """Serve a ReportView at /admin/<slug>/ (and /results/), with a menu item for the newsroom."""

    @hooks.register("register_admin_urls")
    def urls():
        return [
            path(f"{slug}/", view_class.as_view(), name=view_class.index_url_name),
            path(
                f"{slug}/results/",
                view_class.as_view(results_only=True),
                name=view_class.index_results_url_name,
            ),
        ]

    @hooks.register("register_admin_menu_item")
    def menu_item():
        url = reverse(view_class.index_url_name)
        return ReportMenuItem(label, url, name=slug, icon_name=icon, order=order)
