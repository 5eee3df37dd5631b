"""Hourly read counts: stored in batches, read back as "Most read" lists."""

from collections import Counter
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.queries import attach_sections

from .models import HourlyViews

MOST_READ_SECONDS = 60  # the list is recomputed at most once a minute
PERIODS = {"day": 24, "week": 24 * 7}


@transaction.atomic
def add_views(counts: Counter[tuple[int, datetime]]) -> None:
    """Add counts to their (article, hour) rows, creating rows as needed.

    Increments, never overwrites, so two processes flushing at once both count. Counts for
    articles that no longer exist are dropped.
    """
    known = set(
        ArticlePage.objects.filter(pk__in={a for a, _ in counts}).values_list("pk", flat=True)
    )
    for (article_id, hour), n in sorted(counts.items()):
        if article_id not in known or n <= 0:
            continue
        rows = HourlyViews.objects.filter(article_id=article_id, hour=hour)
        if rows.update(views=F("views") + n):
            continue
        try:
            with transaction.atomic():
                HourlyViews.objects.create(article_id=article_id, hour=hour, views=n)
        except IntegrityError:  # another process created the row just now
            rows.update(views=F("views") + n)


def views_since(*, hours: int, now: datetime | None = None):
    since = (now or timezone.now()) - timedelta(hours=hours)
    return HourlyViews.objects.filter(hour__gte=since)


def most_read_ids(*, period: str, limit: int) -> list[int]:
    """Ids of the most read published articles of the period, cached for a minute."""
    key = f"newsdesk:most-read:{period}:{limit}"
    ids = cache.get(key)
    if ids is None:
        totals = (
            views_since(hours=PERIODS[period])
            .filter(article__in=ArticlePage.objects.published())
            .values("article")
            .annotate(total=Sum("views"))
            .order_by("-total", "-article")[:limit]
        )
        ids = [row["article"] for row in totals]
        cache.set(key, ids, MOST_READ_SECONDS)
    return ids


def most_read_lists(*, periods=("day", "week"), limit: int = 5) -> dict[str, list[ArticlePage]]:
    """{period: articles, most read first}; two queries for all periods, none when cached."""
    ids = {period: most_read_ids(period=period, limit=limit) for period in periods}
    wanted = {pk for pks in ids.values() for pk in pks}
    if not wanted:
        return {period: [] for period in periods}
    # Published is checked again: an article unpublished within the minute drops out.
    articles = ArticlePage.objects.published().filter(pk__in=wanted).defer_streamfields()
    by_id = {article.pk: article for article in attach_sections(articles)}
    return {period: [by_id[pk] for pk in pks if pk in by_id] for period, pks in ids.items()}


def most_read(*, period: str = "day", limit: int = 5) -> list[ArticlePage]:
    return most_read_lists(periods=(period,), limit=limit)[period]


def with_view_totals(queryset, *, now: datetime | None = None):
    """Annotate articles with their reads in the last 24 hours and the last 7 days."""
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    day = Q(hourly_views__hour__gte=now - timedelta(hours=PERIODS["day"]))
    week = Q(hourly_views__hour__gte=now - timedelta(hours=PERIODS["week"]))
    return queryset.annotate(
        views_day=Coalesce(Sum("hourly_views__views", filter=day), 0),
        views_week=Coalesce(Sum("hourly_views__views", filter=week), 0),
    )


def daily_views(article_ids, *, days: int = 14, now: datetime | None = None) -> dict:
    """{article id: [reads per day, oldest first]} for the last `days` days, in one query."""
    from django.db.models.functions import TruncDate

    now = now or timezone.now()
    first = (now - timedelta(days=days - 1)).date()
    rows = (
        HourlyViews.objects.filter(article_id__in=article_ids, hour__date__gte=first)
        .annotate(day=TruncDate("hour"))
        .values("article", "day")
        .annotate(total=Sum("views"))
    )
    series = {pk: [0] * days for pk in article_ids}
    for row in rows:
        index = (row["day"] - first).days
        if 0 <= index < days:
            series[row["article"]][index] = row["total"]
    return series
