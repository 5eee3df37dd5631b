"""A week of plausible reading figures for the demo, so "Most read" has something to show."""

import random
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from newsdesk.articles.models import ArticlePage

from .services import add_views


def load_demo_views(*, seed: int = 7) -> int:
    """Reads per hour for the last week: newer stories and a few popular ones read most."""
    rng = random.Random(seed)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    counts: Counter = Counter()
    articles = list(ArticlePage.objects.published().order_by("-first_published_at")[:30])
    for rank, article in enumerate(articles):
        appeal = rng.uniform(0.5, 3.0) / (1 + rank / 6)
        age = now - article.first_published_at.replace(minute=0, second=0, microsecond=0)
        for hours_back in range(0, 7 * 24):
            if timedelta(hours=hours_back) > age:
                break
            reads = int(rng.expovariate(1 / (40 * appeal)) / (1 + hours_back / 24))
            if reads:
                counts[(article.pk, now - timedelta(hours=hours_back))] += reads
    add_views(counts)
    return sum(counts.values())
