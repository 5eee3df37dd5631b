"""Cache purges as side effects of changes, sent on commit through `services`.

Pages: publication, unpublication (deletion unpublishes first: Wagtail's own pre_delete
handler) and moves. Images: the pages that show them. Site settings (the breaking-news
banner, Distribution) and sites: every page. Redirects: the 404s and redirects they may
replace. Comments and correction notes purge through their own apps' signals
(`comments/signals.py`, `corrections/signals.py`).
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import services, tags


def on_published(sender, instance, **kwargs):
    services.purge_page(instance)


def on_unpublished(sender, instance, **kwargs):
    services.purge_page(instance, hard=True)


def on_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    if instance.live:
        services.purge_page(instance, parents=[parent_page_before, parent_page_after])


def on_everything_changed(sender, instance=None, created=False, **kwargs):
    # Settings are created with their defaults the first time a page asks for them, which
    # changes nothing readers see.
    if not (created and holds_defaults(instance)):
        services.purge_everything()


def holds_defaults(instance) -> bool:
    return all(
        getattr(instance, field.attname) == field.get_default()
        for field in instance._meta.concrete_fields
        if not (field.primary_key or field.is_relation)
    )


def on_restriction_changed(sender, instance, **kwargs):
    # A page made private (or public again) leaves (or joins) every listing.
    services.purge_everything()


def on_image_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new image is on no page yet; Wagtail records a file's size and hash on first use.
    if created or (update_fields and set(update_fields) <= {"file_size", "file_hash"}):
        return
    services.purge_tags_on_commit(services.image_tags(instance))


def on_redirect_changed(sender, instance, **kwargs):
    services.purge_tags_on_commit({tags.MISSING})


def connect() -> None:
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import PageViewRestriction

    from newsdesk.articles.models import ArticlePage
    from newsdesk.people.models import PersonPage

    uid = "newsdesk.caching"
    page_published.connect(on_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(on_unpublished, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(on_moved, dispatch_uid=f"{uid}.moved")
    # Articles and people appear as cards and bylines: whatever loads one while a public
    # response is built tags the response with it.
    for model in (ArticlePage, PersonPage):
        post_init.connect(tags.page_loaded, sender=model, dispatch_uid=f"{uid}.loaded.{model}")
    settings_models = [
        model
        for model in apps.get_models()
        if issubclass(model, BaseSiteSetting | BaseGenericSetting)
    ]
    for model in [Site, *settings_models]:
        for signal in (post_save, post_delete):
            signal.connect(on_everything_changed, sender=model, dispatch_uid=f"{uid}.{model}")
    # Before a deletion, while its pages still refer to it.
    for signal in (post_save, pre_delete):
        signal.connect(on_image_changed, sender=get_image_model(), dispatch_uid=f"{uid}.image")
    for signal in (post_save, post_delete):
        signal.connect(on_redirect_changed, sender=Redirect, dispatch_uid=f"{uid}.redirect")
        signal.connect(
            on_restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.restriction"
        )
