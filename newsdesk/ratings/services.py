"""Rating articles: one upsert and the numbers shown to readers and editors."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, FloatField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import MAX_STARS, MIN_STARS, Rating


class InvalidRating(ValueError):
    """The rating cannot be stored; the message says why, in words for readers."""


def clean_stars(value: object) -> int:
    """Stars as an int from 1 to 5, from an int or a form value; InvalidRating otherwise."""
    if isinstance(value, bool):
        value = None
    try:
        stars = int(str(value).strip()) if value is not None else None
    except ValueError:
        stars = None
    if stars is None or not MIN_STARS <= stars <= MAX_STARS:
        raise InvalidRating(f"Please choose a rating from {MIN_STARS} to {MAX_STARS} stars.")
    return stars


def one_decimal(value: float | Decimal | None) -> float | None:
    """An average as shown everywhere: one decimal, halves rounded up (4.25 is 4.3)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rate_article(*, article, reader_key: str, stars: int) -> Rating:
    """Store a reader's rating, or change the one they gave before. Safe under concurrency:
    the unique constraint decides, and whoever loses the race to insert updates instead."""
    stars = clean_stars(stars)
    if not reader_key or len(reader_key) > 64:
        raise InvalidRating("A rating needs a reader key of 1 to 64 characters.")
    mine = Rating.objects.filter(article=article, reader_key=reader_key)
    with transaction.atomic():
        if mine.update(stars=stars, updated_at=timezone.now()):
            return mine.get()
        try:
            with transaction.atomic():
                return Rating.objects.create(article=article, reader_key=reader_key, stars=stars)
        except IntegrityError:
            # Another request from the same reader inserted first: change that row instead.
            if not mine.update(stars=stars, updated_at=timezone.now()):
                raise
            return mine.get()


def rating_summary(*, article) -> tuple[float | None, int]:
    """(average to one decimal, or None when unrated; number of ratings)."""
    totals = Rating.objects.filter(article=article).aggregate(
        average=Avg("stars"), count=Count("pk")
    )
    return one_decimal(totals["average"]), totals["count"]


def with_ratings(queryset: QuerySet) -> QuerySet:
    """Annotate articles with `rating_average` (None when unrated) and `rating_count`.

    Subqueries rather than a join, so this composes with other annotations and listings."""
    ratings = Rating.objects.filter(article=OuterRef("pk")).order_by().values("article")
    return queryset.annotate(
        rating_average=Subquery(
            ratings.annotate(average=Avg("stars", output_field=FloatField())).values("average"),
            output_field=FloatField(),
        ),
        rating_count=Coalesce(Subquery(ratings.annotate(n=Count("pk")).values("n")), 0),
    )


def order_by_rating(queryset: QuerySet, ordering: str) -> QuerySet:
    """Order annotated articles by "average" or "count", "-" for descending; unrated last."""
    descending = ordering.startswith("-")
    primary, secondary = (
        ("rating_count", "rating_average")
        if ordering.lstrip("-") == "count"
        else ("rating_average", "rating_count")
    )
    direction = "desc" if descending else "asc"
    return queryset.order_by(
        getattr(F(primary), direction)(nulls_last=True),
        getattr(F(secondary), direction)(nulls_last=True),
        "title",
        "pk",
    )


def best_rated(*, days: int = 30, limit: int = 8, min_count: int = 1) -> list:
    """Published articles of the last `days` days, best average first (more ratings break ties)."""
    from newsdesk.articles.models import ArticlePage

    since = timezone.now() - timedelta(days=days)
    articles = (
        with_ratings(ArticlePage.objects.published().filter(first_published_at__gte=since))
        .filter(rating_count__gte=min_count)
        .only("pk", "title", "first_published_at")
    )
    return list(order_by_rating(articles, "-average")[:limit])
