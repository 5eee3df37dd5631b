"""Ratings in the Wagtail admin: a sortable report and a dashboard chart of the best rated."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permissions import policy_registry

from newsdesk.articles.models import ArticlePage

from .models import MAX_STARS
from .services import best_rated, one_decimal, order_by_rating, with_ratings

EDITOR_PERMISSIONS = ["add", "change", "publish"]
PANEL_DAYS = 30
PANEL_MIN_RATINGS = 3


def can_see_ratings(user) -> bool:
    """Anyone who may write or publish pages may see how readers rated them."""
    return policy_registry.get_by_type(Page).user_has_any_permission(user, EDITOR_PERMISSIONS)


class AverageColumn(Column):
    def get_value(self, instance):
        average = one_decimal(instance.rating_average)
        return "—" if average is None else f"{average:.1f}"


class RatingsReportView(ReportView):
    page_title = "Ratings"
    header_icon = "pick"
    index_url_name = "ratings_report"
    index_results_url_name = "ratings_report_results"
    any_permission_required = EDITOR_PERMISSIONS
    default_ordering = "-average"
    paginate_by = 50
    columns = [
        TitleColumn("title", label="Article", url_name="wagtailadmin_pages:edit"),
        AverageColumn("rating_average", label="Average", sort_key="average"),
        Column("rating_count", label="Ratings", sort_key="count"),
        Column("first_published_at", label="Published"),
    ]

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Page)

    def get_base_queryset(self):
        return with_ratings(ArticlePage.objects.published()).only(
            "pk", "title", "first_published_at"
        )

    def order_queryset(self, queryset):
        return order_by_rating(queryset, self.ordering or self.default_ordering)


class RatingsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_ratings(request.user)


@hooks.register("register_admin_urls")
def register_ratings_report_urls():
    return [
        path("ratings/", RatingsReportView.as_view(), name="ratings_report"),
        path(
            "ratings/results/",
            RatingsReportView.as_view(results_only=True),
            name="ratings_report_results",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_ratings_menu_item():
    return RatingsMenuItem(
        "Ratings", reverse("ratings_report"), name="ratings", icon_name="pick", order=170
    )


class BestRatedPanel(Component):
    """A bar per article: the best-rated stories published in the last 30 days."""

    name = "best_rated"
    order = 70
    template_name = "ratings/admin/best_rated_panel.html"

    def get_context_data(self, parent_context=None):
        articles = best_rated(days=PANEL_DAYS, min_count=PANEL_MIN_RATINGS, limit=8)
        return {
            "rows": [
                {
                    "article": article,
                    "average": one_decimal(article.rating_average),
                    "count": article.rating_count,
                    "percent": round(100 * article.rating_average / MAX_STARS, 1),
                }
                for article in articles
            ],
            "days": PANEL_DAYS,
            "min_ratings": PANEL_MIN_RATINGS,
            "max_stars": MAX_STARS,
            "report_url": reverse("ratings_report"),
        }


@hooks.register("construct_homepage_panels")
def add_best_rated_panel(request, panels):
    if can_see_ratings(request.user):
        panels.append(BestRatedPanel())
