"""Side effects of notes: cache purges after the transaction commits, and keeping an article's
"Updated" time in step when an editor republishes it."""

from django.dispatch import Signal, receiver
from wagtail.contrib.frontend_cache.utils import purge_page_from_cache, purge_urls_from_cache
from wagtail.signals import page_published

notes_changed = Signal()  # article=


@receiver(notes_changed)
def purge_pages(sender, article, **kwargs):
    from .services import listing_urls

    purge_page_from_cache(article)
    site = article.get_site()
    if site is not None:
        purge_urls_from_cache(listing_urls(root_url=site.root_url))


@receiver(page_published)
def keep_updated_time(sender, instance, **kwargs):
    # A published revision carries the "last updated" value from when it was drafted, which
    # may predate a note added since; put the note's time back.
    from newsdesk.articles.models import ArticlePage

    from .services import sync_updated_at

    if isinstance(instance, ArticlePage):
        sync_updated_at(article=instance)
