"""The date archive: /archive/ lists months with their story counts; /archive/2026/11/ a month."""

from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import ArticlePage


def month_start(year: int, month: int) -> datetime:
    return timezone.make_aware(datetime(year, month, 1))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def months_with_articles(home) -> list[dict]:
    """[{year, months: [{date, count}]}], newest first, in one grouped query."""
    rows = (
        ArticlePage.objects.published()
        .descendant_of(home)
        .annotate(month=TruncMonth("first_published_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    years: dict[int, list] = {}
    for row in rows:
        years.setdefault(row["month"].year, []).append(row)
    return [{"year": year, "months": months} for year, months in years.items()]


def month_listing(home, *, year: int, month: int):
    """(articles of the month, context) or None for a month that cannot exist."""
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        return None
    start = month_start(year, month)
    end = month_start(*next_month(year, month)) if (year, month) < (9999, 12) else None
    published = ArticlePage.objects.published().descendant_of(home)
    articles = published.filter(first_published_at__gte=start)
    if end:
        articles = articles.filter(first_published_at__lt=end)
    earlier = (
        published.filter(first_published_at__lt=start)
        .order_by("-first_published_at")
        .values_list("first_published_at", flat=True)
        .first()
    )
    later = (
        published.filter(first_published_at__gte=end)
        .order_by("first_published_at")
        .values_list("first_published_at", flat=True)
        .first()
        if end
        else None
    )
    local = timezone.localtime
    return articles.for_listing(), {
        "month": start,
        "earlier": local(earlier) if earlier else None,
        "later": local(later) if later else None,
    }
