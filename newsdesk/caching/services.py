"""Purging: every change that alters public pages goes through `purge_tags`.

`page_change_tags` says which tags a page's publication, unpublication, move or deletion
purges (see `tags.py` for what each tag marks); `purge_tags_on_commit` sends them once the
transaction commits, to the app cache and to every frontend cache that purges by tag.
"""

import logging
from collections.abc import Iterable

from django.db import transaction
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import Page, Site

from newsdesk.operations import replica

from . import tags as t
from .tagstore import get_tag_store

logger = logging.getLogger(__name__)


def purge_tags(tags: Iterable[str], *, hard: bool = False) -> None:
    """Purge every cached response carrying any of `tags`, now.

    The app cache takes it in O(1) per tag; then each frontend cache backend that can ban by
    tag (Varnish, `backends.VarnishBackend`) is told. `hard` is for things taken down
    (unpublished, deleted, a comment rejected): their stale copies are not served even when
    the site is failing. Failures are logged, never raised: the change itself is committed.
    """
    tags = sorted(set(tags))
    if not tags:
        return
    if replica.enabled():
        # First: a page rendered again from now on must not come from a lagging replica.
        replica.note_write()
    try:
        get_tag_store().purge(tags, hard=hard)
    except Exception:
        logger.exception("Could not purge tags from the page cache: %s", " ".join(tags))
    for name, backend in get_backends().items():
        purge = getattr(backend, "purge_tags", None)
        if purge is not None:
            try:
                purge(tags)
            except Exception:
                logger.exception("Could not purge tags from %s: %s", name, " ".join(tags))


class _Batch:
    """The purges asked for in one transaction, sent together once it commits."""

    def __init__(self, savepoints: tuple[str, ...]):
        self.savepoints = savepoints
        self.soft: set[str] = set()
        self.hard: set[str] = set()
        self.sent = False

    def send(self) -> None:
        self.sent = True
        if self.hard:
            purge_tags(self.hard, hard=True)
        if self.soft - self.hard:
            purge_tags(self.soft - self.hard)


def purge_tags_on_commit(tags: Iterable[str], *, hard: bool = False, using=None) -> None:
    """Purge `tags` once the current transaction commits (at once outside a transaction).

    Everything one transaction purges goes out together, once; a rolled-back transaction
    purges nothing.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        purge_tags(tags, hard=hard)
        return
    savepoints = tuple(connection.savepoint_ids)
    batch = getattr(connection, "_newsdesk_purges", None)
    # Joined: a batch from the same savepoint, still waiting for the commit (not sent, not
    # rolled back). A new savepoint starts a new batch, so a rollback to it drops its purges.
    if (
        batch is None
        or batch.sent
        or batch.savepoints != savepoints
        or not any(item[1] == batch.send for item in connection.run_on_commit)
    ):
        batch = connection._newsdesk_purges = _Batch(savepoints)
        transaction.on_commit(batch.send, using=using)
    (batch.hard if hard else batch.soft).update(tags)


def _is_site_root(page_ids: Iterable[int]) -> bool:
    return Site.objects.filter(root_page_id__in=list(page_ids)).exists()


def page_change_tags(page: Page, *, parents: Iterable[Page] = ()) -> set[str]:
    """The tags to purge when `page` is published, unpublished, moved or deleted.

    `parents` adds former parents (a move). Articles and people purge their own page, every
    card and byline of them, and the lists they belong to; a standard page below the top
    level purges itself. The home page, sections, the people index and top-level pages are
    in the navigation or footer of every page: they purge everything.
    """
    from newsdesk.articles.models import ArticleByline, ArticlePage, ArticleTag
    from newsdesk.pages.models import StandardPage
    from newsdesk.people.models import PersonPage

    cls = page.specific_class or type(page)
    parent_ids = {parent.pk for parent in parents}
    parent = page.get_parent()
    if parent is not None:
        parent_ids.add(parent.pk)
    if issubclass(cls, ArticlePage):
        tags = {t.page_tag(page.pk), t.ARTICLES, t.SITEMAPS, t.MISSING}
        tags.update(t.section_tag(pk) for pk in parent_ids)
        tag_ids = ArticleTag.objects.filter(content_object_id=page.pk).values_list("tag_id")
        tags.update(t.tag_tag(pk) for (pk,) in tag_ids)
        people = ArticleByline.objects.filter(page_id=page.pk).values_list("person_id")
        tags.update(t.person_tag(pk) for (pk,) in people)
        if page.first_published_at:
            tags.add(t.archive_tag(page.first_published_at))
        return tags
    if issubclass(cls, PersonPage):
        return {t.page_tag(page.pk), t.PEOPLE, t.SITEMAPS, t.MISSING}
    if issubclass(cls, StandardPage) and not _is_site_root(parent_ids):
        return {t.page_tag(page.pk), t.SITEMAPS, t.MISSING}
    return {t.ALL}


def purge_page(page: Page, *, parents: Iterable[Page] = (), hard: bool = False) -> None:
    """Purge, on commit, everything that shows `page` (see `page_change_tags`)."""
    purge_tags_on_commit(page_change_tags(page, parents=parents), hard=hard)


def purge_article_page(article_id: int, *, also: Iterable[str] = (), hard: bool = False) -> None:
    """Purge, on commit, the article's page and every card of it (comments, notes)."""
    purge_tags_on_commit({t.page_tag(article_id), *also}, hard=hard)


def purge_everything() -> None:
    """Purge, on commit, every public response (banner, site settings, navigation)."""
    purge_tags_on_commit({t.ALL})


def image_tags(image) -> set[str]:
    """What shows `image`: the articles and people that lead with it, the pages whose body
    holds it (Wagtail's reference index), and every page if it is the publisher's logo.

    Replacing an image's file deletes its renditions, and a new focal point, caption or
    credit changes them: a copy kept since would show a missing or outdated picture."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.models import ReferenceIndex

    from newsdesk.articles.models import ArticlePage
    from newsdesk.distribution.models import Distribution
    from newsdesk.people.models import PersonPage

    if Distribution.objects.filter(logo=image).exists():
        return {t.ALL}
    pages = {
        *ArticlePage.objects.filter(Q(lead_image=image) | Q(social_image=image)).values_list(
            "pk", flat=True
        ),
        *PersonPage.objects.filter(photo=image).values_list("pk", flat=True),
        *(
            int(pk)
            for pk in ReferenceIndex.get_references_to(image)
            .filter(base_content_type=ContentType.objects.get_for_model(Page))
            .values_list("object_id", flat=True)
        ),
    }
    return {t.page_tag(pk) for pk in pages}


def pending_tags(using=None) -> set[str]:
    """Tags this connection's open transaction will purge when it commits (not sent yet)."""
    connection = transaction.get_connection(using)
    pending: set[str] = set()
    for _, callback, _ in connection.run_on_commit:
        batch = getattr(callback, "__self__", None)
        if isinstance(batch, _Batch) and not batch.sent:
            pending |= batch.soft | batch.hard
    return pending
