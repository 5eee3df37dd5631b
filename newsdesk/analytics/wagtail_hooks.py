"""Readership in the admin: a sortable report of reads, with a two-week chart per article."""

from wagtail.admin.ui.tables import Column, TitleColumn

from newsdesk.articles.models import ArticlePage
from newsdesk.core.admin_reports import ArticleReportView, register_report

from .services import daily_views, with_view_totals

CHART_DAYS = 14


class ChartColumn(Column):
    cell_template_name = "analytics/admin/chart_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        series = getattr(instance, "daily", [])
        peak = max(series, default=0) or 1
        bars = []
        for n, value in enumerate(series):
            height = max(1.0, round(20 * value / peak, 1))  # a 1px stub marks a day of none
            bars.append({"x": n * 6, "y": 22 - height, "height": height, "value": value})
        context["bars"] = bars
        context["total"] = sum(series)
        context["days"] = len(series)
        return context


class ReadershipReportView(ArticleReportView):
    page_title = "Most read"
    header_icon = "view"
    index_url_name = "readership_report"
    index_results_url_name = "readership_report_results"
    default_ordering = "-views_day"
    columns = [
        TitleColumn("title", label="Article", url_name="wagtailadmin_pages:edit"),
        Column("views_day", label="Last 24 hours", sort_key="views_day"),
        Column("views_week", label="Last 7 days", sort_key="views_week"),
        ChartColumn("daily", label=f"Reads per day, last {CHART_DAYS} days"),
        Column("first_published_at", label="Published", sort_key="first_published_at"),
    ]
    list_export = ["title", "views_day", "views_week", "first_published_at"]

    def get_base_queryset(self):
        return with_view_totals(ArticlePage.objects.published()).only(
            "pk", "title", "first_published_at"
        )

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        allowed = {"views_day", "views_week", "first_published_at"}
        if ordering.lstrip("-") not in allowed:
            ordering = self.default_ordering
        return queryset.order_by(ordering, "-first_published_at", "-pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        object_list = list(object_list)
        series = daily_views([a.pk for a in object_list], days=CHART_DAYS)
        for article in object_list:
            article.daily = series[article.pk]
        page.object_list = object_list
        return paginator, page, object_list, is_paginated


register_report(ReadershipReportView, slug="readership", label="Most read", icon="view", order=165)
