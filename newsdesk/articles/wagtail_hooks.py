"""Admin: a flat "Articles" listing and a newsroom panel on the dashboard."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import ArticlePage, SectionPage


class ArticleListingViewSet(PageListingViewSet):
    model = ArticlePage
    icon = "doc-full"
    menu_label = "Articles"
    menu_order = 150
    add_to_admin_menu = True
    list_filter = ["article_type", "locked"]


class NewsroomPanel(Component):
    """Where to start: a new article in a section the user may write in, and what went out last.
    (Each user's own drafts, reviews and schedules are in the newsroom app's "My work" panel.)"""

    name = "newsroom"
    order = 50
    template_name = "articles/admin/newsroom_panel.html"

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user
        can_add = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
        sections = SectionPage.objects.filter(pk__in=can_add.values("pk")).order_by("path")
        return {
            "sections": [
                (s, reverse("wagtailadmin_pages:add", args=("articles", "articlepage", s.pk)))
                for s in sections
            ],
            "recent": ArticlePage.objects.published().order_by("-first_published_at")[:6],
        }


@hooks.register("register_admin_viewset")
def register_article_listing():
    return ArticleListingViewSet("articles")


@hooks.register("construct_homepage_panels")
def add_newsroom_panel(request, panels):
    panels.insert(0, NewsroomPanel())
