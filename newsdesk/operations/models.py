from django.db import models


class WorkerHeartbeat(models.Model):
    """When each task worker last finished a pass; /readyz reads the newest one.

    A row in the database rather than a cache key: the in-process cache of the embedded
    default is not shared between the worker and the web servers.
    """

    worker = models.CharField(max_length=200, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
