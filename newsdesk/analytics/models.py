from django.db import models


class HourlyViews(models.Model):
    """How many times an article was read in one hour. No reader, address or cookie is kept."""

    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="hourly_views"
    )
    hour = models.DateTimeField(help_text="The start of the hour, in UTC.")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "hourly views"
        verbose_name_plural = "hourly views"
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="one_count_per_article_hour")
        ]
        indexes = [models.Index(fields=["hour", "article"], name="views_by_hour")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.views}"
