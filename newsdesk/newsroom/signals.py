"""Side effects of the page tree: a new section gets the newsroom's permissions."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from newsdesk.articles.models import SectionPage


@receiver(post_save, sender=SectionPage, dispatch_uid="newsroom_grant_section_roles")
def on_section_created(sender, instance, created, raw=False, **kwargs):
    # In the same transaction as the page, not on commit: a section must never exist,
    # even briefly, without the grants that let its desk work in it.
    if created and not raw:
        from .services import grant_section_roles

        grant_section_roles(instance)
