"""Side effects of notes: cache purges after the transaction commits, and keeping an article's
"Updated" time in step when an editor republishes it."""

from django.dispatch import Signal, receiver
from wagtail.signals import page_published

from newsdesk.caching.services import purge_article_page
from newsdesk.caching.tags import CORRECTIONS

notes_changed = Signal()  # article=


@receiver(notes_changed)
def purge_pages(sender, article, **kwargs):
    # The article (its notes box, its "Updated" time on cards) and the corrections page.
    purge_article_page(article.pk, also=[CORRECTIONS])


@receiver(page_published)
def keep_updated_time(sender, instance, **kwargs):
    # A published revision carries the "last updated" value from when it was drafted, which
    # may predate a note added since; put the note's time back.
    from newsdesk.articles.models import ArticlePage

    from .services import sync_updated_at

    if isinstance(instance, ArticlePage):
        sync_updated_at(article=instance)
