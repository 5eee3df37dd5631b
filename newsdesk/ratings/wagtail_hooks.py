"""Ratings in the Wagtail admin: a sortable report and a dashboard chart of the best rated."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn

from newsdesk.articles.models import ArticlePage
from newsdesk.core.admin_reports import ArticleReportView, can_see_reports, register_report

from .models import MAX_STARS
from .services import best_rated, one_decimal, order_by_rating, with_ratings

PANEL_DAYS = 30
PANEL_MIN_RATINGS = 3


class AverageColumn(Column):
    def get_value(self, instance):
        average = one_decimal(instance.rating_average)
        return "—" if average is None else f"{average:.1f}"


class RatingsReportView(ArticleReportView):
    page_title = "Ratings"
    header_icon = "pick"
    index_url_name = "ratings_report"
    index_results_url_name = "ratings_report_results"
    default_ordering = "-average"
    columns = [
        TitleColumn("title", label="Article", url_name="wagtailadmin_pages:edit"),
        AverageColumn("rating_average", label="Average", sort_key="average"),
        Column("rating_count", label="Ratings", sort_key="count"),
        Column("first_published_at", label="Published"),
    ]

    def get_base_queryset(self):
        return with_ratings(ArticlePage.objects.published()).only(
            "pk", "title", "first_published_at"
        )

    def order_queryset(self, queryset):
        return order_by_rating(queryset, self.ordering or self.default_ordering)


register_report(RatingsReportView, slug="ratings", label="Ratings", icon="pick", order=170)


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
    if can_see_reports(request.user):
        panels.append(BestRatedPanel())
