"""Renditions made by the task worker after a publication, so that no reader waits for them.

An article's lead image is shown in story cards, at the top of the article and in sharing
cards, each in AVIF, WebP and JPEG at several widths: about twenty files, which the first
page view would otherwise make on the spot (seconds of image encoding).
"""

from django.db import transaction
from django_tasks import task
from wagtail.images import get_image_model


def article_renditions() -> tuple[str, ...]:
    """Every rendition an article's lead image is shown in (cards, lead, sharing)."""
    from newsdesk.articles.queries import CARD_RENDITIONS, LEAD_RENDITIONS
    from newsdesk.distribution.metadata.images import RATIO_RENDITIONS, SOCIAL_RENDITION

    return (*CARD_RENDITIONS, *LEAD_RENDITIONS, SOCIAL_RENDITION, *RATIO_RENDITIONS)


@task()
def make_article_renditions(image_id: int) -> int:
    """Make the image's article renditions that do not exist yet; returns how many it has."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:  # deleted since: nothing to show
        return 0
    return len(image.get_renditions(*article_renditions()))


def on_article_published(sender, instance, **kwargs):
    image_id = instance.lead_image_id
    if image_id:
        transaction.on_commit(lambda: make_article_renditions.enqueue(image_id), robust=True)


def connect() -> None:
    from wagtail.signals import page_published

    from newsdesk.articles.models import ArticlePage

    page_published.connect(
        on_article_published, sender=ArticlePage, dispatch_uid="newsdesk.images.renditions"
    )
