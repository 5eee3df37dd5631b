from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedItem(models.Model):
    """What one item of an outside source became here, so that a re-run updates it.

    Keyed on the source's own stable id (a WordPress post id, a Ghost uuid, a file's path):
    importing the same export twice finds the row and updates the object instead of adding a
    second one. `checksum` covers what was imported, so an unchanged item is skipped and an
    editor's later edits survive a re-run that brings nothing new.
    """

    wagtail_reference_index_ignore = True  # not a "usage"; indexing queued a task per save

    source = models.CharField(
        max_length=100, help_text='Where it came from, e.g. "wordpress:example.com" or "text".'
    )
    kind = models.CharField(max_length=20, help_text='"article", "person", "image", ...')
    source_id = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    checksum = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_item_unique_source_id"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id}"
