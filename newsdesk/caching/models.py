from django.db import models


class WindowCounter(models.Model):
    """A rate-limit window counted in the database while the cache (Redis) cannot count."""

    key = models.CharField(max_length=250, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    def __str__(self):
        return f"{self.key}: {self.count} until {self.expires_at:%H:%M:%S}"
