from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import PasteCopyView, sections_for


class PasteCopyMenuItem(MenuItem):
    def is_shown(self, request):
        return sections_for(request.user).exists()


@hooks.register("register_admin_urls")
def paste_copy_urls():
    return [path("paste-copy/", PasteCopyView.as_view(), name="importers_paste_copy")]


@hooks.register("register_admin_menu_item")
def paste_copy_menu_item():
    return PasteCopyMenuItem(
        "Paste copy",
        reverse("importers_paste_copy"),
        name="paste-copy",
        icon_name="clipboard-list",
        order=151,  # just under Articles
    )
