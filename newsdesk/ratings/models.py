from django.db import models
from django.db.models import Q

MIN_STARS = 1
MAX_STARS = 5


class Rating(models.Model):
    """One reader's 1–5 star rating of one article; the reader may change it, not repeat it."""

    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="ratings"
    )
    reader_key = models.CharField(
        max_length=64,
        editable=False,
        help_text="A keyed hash that tells readers apart without saying who they are.",
    )
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader_key"], name="rating_one_per_reader_per_article"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=MIN_STARS, stars__lte=MAX_STARS),
                name="rating_stars_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}/{MAX_STARS} for article {self.article_id}"
