"""Shared upsert services for every importer.

Each service takes one item from an outside source, keyed on that source's own stable id,
and creates or updates the matching object here, recording the pair in `ImportedItem`:
importing the same export again updates instead of duplicating, and an item whose content has
not changed since the last run is left alone ("unchanged"), so editors' later edits survive.
Everything is keyword-only and typed; each call is atomic, and the runner (`runner.py`) wraps
each source item's calls in one transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.models import Page

from newsdesk.articles.models import (
    ArticleCredit,
    ArticlePage,
    ArticleRelatedPin,
    HomePage,
    SectionPage,
)
from newsdesk.articles.services import set_people
from newsdesk.comments.models import Comment
from newsdesk.comments.services import comment_store
from newsdesk.images.forms import check_frames
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage

from .records import Upserted, checksum, clean_source_id, lookup, record


class ArticleStatus(StrEnum):
    DRAFT = "draft"  # saved as a draft revision; a live page keeps its live version
    PUBLISHED = "published"
    SCHEDULED = "scheduled"  # goes live at `published_at` (published at once if that has passed)


def _free_slug(parent: Page, slug: str, *, page: Page | None = None) -> str:
    """`slug`, or `slug-2`, `slug-3`... if a sibling already has it."""
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    # Long slugs are cut to make room for the suffix, so look up by the cut stem.
    taken = set(siblings.filter(slug__startswith=slug[:75]).values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug[:75]}-{n}"
    return candidate


def _slug(value: str, fallback: str) -> str:
    return slugify(value, allow_unicode=False)[:80].strip("-") or fallback


def _publish(page: Page, *, user=None) -> None:
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)


# People, sections, tags ------------------------------------------------------------------


@transaction.atomic
def upsert_person(
    *,
    source: str,
    source_id: str | int,
    name: str,
    slug: str = "",
    bio: str = "",
    role: str = "",
    kind: str = PersonPage.Kind.AUTHOR,
    email: str = "",
    website: str = "",
    location: str = "",
    bio_html: str | None = None,
    photo=None,
) -> Upserted[PersonPage]:
    """A published profile under /people/ (one with the same slug is adopted). `bio` is plain
    text, paragraphs separated by blank lines; `bio_html` is rich text already cleaned (as in a
    Newsdesk export) and replaces it. `photo` is an image."""
    source_id = clean_source_id(source_id)
    name = " ".join(name.split())
    if not name:
        raise ValueError("A person needs a name.")
    slug = _slug(slug or name, "person")
    digest = checksum(name, slug, bio, role, kind, email, website, location)
    if bio_html is not None or photo is not None:  # digests of older imports stay valid
        digest = checksum(digest, bio_html, photo)

    def fill(person: PersonPage) -> None:
        person.title = person.draft_title = name[:255]
        person.bio = (
            bio_html
            if bio_html is not None
            else "".join(f"<p>{escape(p.strip())}</p>" for p in bio.split("\n\n") if p.strip())
        )
        if photo is not None:
            person.photo = photo
        person.role, person.kind, person.location = role[:120], kind, location[:120]
        person.email, person.website = email, website

    return _upsert_listed_page(
        source=source,
        kind="person",
        source_id=source_id,
        digest=digest,
        parent=_people_index(),
        model=PersonPage,
        slug=slug,
        fill=fill,
    )


def _upsert_listed_page(
    *,
    source: str,
    kind: str,
    source_id: str,
    digest: str,
    parent: Page,
    model,
    slug: str,
    fill: Callable[[Page], None],
    **new,
) -> Upserted:
    """A published page under `parent`; without an earlier import, one with the slug is
    adopted rather than duplicated."""
    stored, page = lookup(source=source, kind=kind, source_id=source_id)
    if page is not None and stored.checksum == digest:
        return Upserted(page, kind, "unchanged")
    if page is None:
        page = model.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=_free_slug(parent, slug), **new)
    fill(page)
    if created:
        parent.add_child(instance=page)
    _publish(page)
    record(stored=stored, source=source, kind=kind, source_id=source_id, obj=page, digest=digest)
    return Upserted(page, kind, "created" if created else "updated")


def _home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        raise LookupError("There is no home page to import under; run `manage.py migrate`.")
    return home


def _people_index() -> PeopleIndexPage:
    home = _home()
    index = PeopleIndexPage.objects.child_of(home).first()
    if index is None:
        index = PeopleIndexPage(title="People", slug=_free_slug(home, "people"))
        home.add_child(instance=index)
        _publish(index)
    return index


@transaction.atomic
def upsert_section(
    *, source: str, source_id: str | int, title: str, slug: str = "", intro: str = ""
) -> Upserted[SectionPage]:
    """A published section under the home page; an existing one with the slug is adopted."""
    source_id = clean_source_id(source_id)
    title = " ".join(title.split())
    if not title:
        raise ValueError("A section needs a name.")
    slug = _slug(slug or title, "section")
    digest = checksum(title, slug, intro)

    def fill(section: SectionPage) -> None:
        section.title = section.draft_title = title[:255]
        if intro or not section.pk:
            section.intro = intro

    return _upsert_listed_page(
        source=source,
        kind="section",
        source_id=source_id,
        digest=digest,
        parent=_home(),
        model=SectionPage,
        slug=slug,
        fill=fill,
        show_in_menus=True,
    )


@transaction.atomic
def upsert_tag(*, source: str, source_id: str | int, name: str, slug: str = "") -> Upserted[Tag]:
    """A tag; one with the same slug or name (any case) is adopted."""
    source_id = clean_source_id(source_id)
    name = " ".join(name.split())[:100]
    if not name:
        raise ValueError("A tag needs a name.")
    slug = _slug(slug or name, "tag")[:100]
    digest = checksum(name, slug)
    stored, tag = lookup(source=source, kind="tag", source_id=source_id)
    if tag is not None and stored.checksum == digest:
        return Upserted(tag, "tag", "unchanged")
    if tag is None:
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
    created = tag is None
    if created:
        tag = Tag.objects.create(name=name, slug=_free_tag_slug(slug))
    elif tag.name != name and not Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
        tag.name = name
        tag.save(update_fields=["name"])
    record(stored=stored, source=source, kind="tag", source_id=source_id, obj=tag, digest=digest)
    return Upserted(tag, "tag", "created" if created else "updated")


def _free_tag_slug(slug: str) -> str:
    candidate, n = slug, 1
    while Tag.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug[:95]}-{n}"
    return candidate


# Images ---------------------------------------------------------------------------------


@transaction.atomic
def upsert_image(
    *,
    source: str,
    source_id: str | int,
    file: bytes | Path,
    filename: str = "",
    title: str = "",
    caption: str = "",
    credit: str = "",
    credit_url: str = "",
    alt_text: str = "",
) -> Upserted:
    """An image from a local file or bytes, checked with the same limits as an upload (type,
    file size, pixels). A changed file replaces the old one and its renditions."""
    source_id = clean_source_id(source_id)
    if isinstance(file, Path):
        filename = filename or file.name
        data = file.read_bytes()
    else:
        data = file
    filename = Path(filename or "image.jpg").name
    title = " ".join((title or Path(filename).stem).split())[:255]
    digest = checksum(data, title, caption, credit, credit_url, alt_text)
    stored, image = lookup(source=source, kind="image", source_id=source_id)
    if image is not None and stored.checksum == digest:
        return Upserted(image, "image", "unchanged")
    created = image is None
    if created:
        image = get_image_model()()
    new_file = created or image.get_file_hash() != hashlib.sha1(data).hexdigest()  # noqa: S324
    if new_file:
        upload = SimpleUploadedFile(filename, data)
        WagtailImageField().clean(upload)  # type, size and pixel limits: a ValidationError
        check_frames(upload)
        if not created:
            image.renditions.all().delete()
        image.file = ImageFile(upload, name=filename)
        image._set_image_file_metadata()  # size and hash, as Wagtail's upload form does
    image.title = title
    image.caption, image.credit, image.credit_url = caption, credit[:255], credit_url
    image.alt_text = alt_text[:255]
    image.save()
    record(
        stored=stored, source=source, kind="image", source_id=source_id, obj=image, digest=digest
    )
    return Upserted(image, "image", "created" if created else "updated")


# Articles -------------------------------------------------------------------------------


def _block_ids(source: str, source_id: str, body: Sequence[dict]) -> list[dict]:
    """Stable block ids, so a re-import keeps the ids comments and diffs refer to."""
    return [
        {
            "type": block["type"],
            "value": block["value"],
            "id": block.get("id")
            or str(uuid.uuid5(uuid.NAMESPACE_URL, f"newsdesk:{source}:{source_id}:{n}")),
        }
        for n, block in enumerate(body)
    ]


@transaction.atomic
def upsert_article(
    *,
    source: str,
    source_id: str | int,
    section: SectionPage,
    title: str,
    status: ArticleStatus | str = ArticleStatus.DRAFT,
    slug: str = "",
    dek: str = "",
    kicker: str = "",
    article_type: str = ArticlePage.ArticleType.NEWS,
    bylines: Sequence[PersonPage] = (),
    byline_text: str = "",
    credits: Sequence[tuple[str, PersonPage | str]] = (),
    dateline_place: str = "",
    dateline_date: date | None = None,
    lead_image=None,
    lead_image_caption: str = "",
    lead_image_credit: str = "",
    body: Sequence[dict] = (),
    tags: Sequence[Tag | str] = (),
    published_at: datetime | None = None,
    updated_at: datetime | None = None,
    owner=None,
    page_fields: Mapping[str, object] | None = None,
    related: Sequence[ArticlePage] | None = None,
) -> Upserted[ArticlePage]:
    """An article under `section`, as a draft, published or scheduled per `status`.

    `body` is a list of raw blocks (see `blocks.py`); `credits` are (role, person or name)
    pairs with roles from `ArticleCredit.Role`; `published_at` back-dates a publication or
    sets when a scheduled one goes live. A draft never touches a live page's live version.
    `page_fields` sets further fields as given (seo_title, search_description, social_image,
    comments_mode); `related` replaces the pinned related stories (left alone when None).
    """
    source_id = clean_source_id(source_id)
    status = ArticleStatus(status)
    title = " ".join(title.split())[:255]
    if not title:
        raise ValueError("An article needs a headline.")
    if status == ArticleStatus.SCHEDULED and published_at is None:
        raise ValueError("A scheduled article needs the time it goes live (published_at).")
    for role, _who in credits:
        if role not in ArticleCredit.Role.values:
            raise ValueError(
                f"Unknown credit role {role!r}; use one of {ArticleCredit.Role.values}."
            )
    tag_names = [t.name if isinstance(t, Tag) else " ".join(str(t).split())[:100] for t in tags]
    tag_names = [name for name in tag_names if name]
    fields = {
        "title": title,
        "draft_title": title,
        "dek": dek,
        "kicker": kicker[:80],
        "article_type": article_type,
        "byline_text": byline_text[:255],
        "dateline_place": dateline_place[:120],
        "dateline_date": dateline_date,
        "lead_image": lead_image,
        "lead_image_caption": lead_image_caption,
        "lead_image_credit": lead_image_credit[:255],
        "updated_at": updated_at,
        "body": _block_ids(source, source_id, body),
    }
    digest = checksum(
        fields, section, list(bylines), list(credits), tag_names, status, published_at, slug
    )
    if page_fields or related is not None:  # digests of older imports stay valid
        digest = checksum(digest, dict(page_fields or {}), related and list(related))
    fields.update(page_fields or {})
    stored, page = lookup(source=source, kind="article", source_id=source_id)
    if page is not None and stored.checksum == digest:
        return Upserted(page, "article", "unchanged")
    created = page is None
    if created:
        page = ArticlePage(slug=_free_slug(section, _slug(slug or title, "article")), live=False)
        page.owner = owner
    elif page.get_parent().pk != section.pk:
        page.move(section, pos="last-child")
        page.refresh_from_db()
    go_live = published_at if status == ArticleStatus.SCHEDULED else None
    go_live = go_live if go_live and go_live > timezone.now() else None
    # A live page keeps its live version until this revision is published (or goes live).
    draft_only = page.live and (status == ArticleStatus.DRAFT or go_live is not None)
    target = page.get_latest_revision_as_object() if draft_only else page
    for name, value in fields.items():
        setattr(target, name, value)
    target.go_live_at = go_live
    set_people(target, bylines=bylines, credits=credits)
    target.tags.clear()
    target.tags.add(*dict.fromkeys(tag_names))
    if related is not None:
        target.related_pins = [
            ArticleRelatedPin(article=other, sort_order=i) for i, other in enumerate(related)
        ]
    if created:
        section.add_child(instance=page)
    elif not draft_only:
        page.save()
    # The page's own save above validated it; a draft-only revision was not saved, so is.
    revision = target.save_revision(user=owner, clean=draft_only)
    if status != ArticleStatus.DRAFT:
        # With a future go_live_at, Wagtail schedules the revision instead of publishing it.
        revision.publish(user=owner, skip_permission_checks=True)
        if published_at and go_live is None:
            ArticlePage.objects.filter(pk=page.pk).update(
                first_published_at=published_at, last_published_at=updated_at or published_at
            )
        page.refresh_from_db()
    record(
        stored=stored, source=source, kind="article", source_id=source_id, obj=page, digest=digest
    )
    return Upserted(page, "article", "created" if created else "updated")


# Comments -------------------------------------------------------------------------------


@transaction.atomic
def upsert_comment(
    *,
    source: str,
    source_id: str | int,
    article: ArticlePage,
    name: str,
    body: str,
    parent: Comment | None = None,
    email: str = "",
    website: str = "",
    posted_at: datetime | None = None,
    status: str = Comment.Status.APPROVED,
    staff: bool = False,
) -> Upserted[Comment]:
    """A comment as already moderated (imports bypass the defences meant for live readers).

    `status` is the source's moderation state mapped onto `Comment.Status`; spam should be
    dropped before it gets here. Threading is by `parent`, which must be on the same article.
    """
    source_id = clean_source_id(source_id)
    if status not in Comment.Status.values:
        raise ValueError(f"Unknown comment status {status!r}; use one of {Comment.Status.values}.")
    name = " ".join(name.split())[:80] or "Anonymous"
    body = body.strip()
    if not body:
        raise ValueError("A comment needs some text.")
    if parent is not None and parent.article_id != article.pk:
        raise ValueError("A reply must be on the same article as the comment it answers.")
    email = email.strip().lower()
    website = website.strip() if website.strip().lower().startswith(("http://", "https://")) else ""
    digest = checksum(article, name, body, parent, email, website, posted_at, status, staff)
    stored, comment = lookup(source=source, kind="comment", source_id=source_id)
    if comment is not None and stored.checksum == digest:
        return Upserted(comment, "comment", "unchanged")
    created = comment is None
    if created:
        comment = comment_store(
            article=article,
            name=name,
            body=body,
            email=email,
            website=website[:300],
            parent=parent,
            posted_at=posted_at,
            staff=staff,
            status=status,
        )
    else:
        comment.article, comment.parent = article, parent
        comment.author_name, comment.author_email, comment.author_url = name, email, website[:300]
        comment.body, comment.status, comment.is_staff_reply = body, status, staff
        comment.save()
        if posted_at:
            Comment.objects.filter(pk=comment.pk).update(created_at=posted_at)
            comment.created_at = posted_at
    record(
        stored=stored,
        source=source,
        kind="comment",
        source_id=source_id,
        obj=comment,
        digest=digest,
    )
    return Upserted(comment, "comment", "created" if created else "updated")


# Standard pages and redirects -----------------------------------------------------------


@transaction.atomic
def upsert_standard_page(
    *,
    source: str,
    source_id: str | int,
    title: str,
    slug: str = "",
    intro: str = "",
    body: Sequence[dict] = (),
    status: ArticleStatus | str = ArticleStatus.PUBLISHED,
    published_at: datetime | None = None,
) -> Upserted[StandardPage]:
    """A plain page (About, Contact) under the home page, published or a draft. A draft
    re-import saves a revision and leaves a live page's live version alone."""
    source_id = clean_source_id(source_id)
    status = ArticleStatus(status)
    title = " ".join(title.split())[:255]
    if not title:
        raise ValueError("A page needs a title.")
    fields = {"title": title, "draft_title": title, "intro": intro}
    fields["body"] = _block_ids(source, source_id, body)
    digest = checksum(fields, status, published_at, slug)
    stored, page = lookup(source=source, kind="page", source_id=source_id)
    if page is not None and stored.checksum == digest:
        return Upserted(page, "page", "unchanged")
    home, created = _home(), page is None
    if created:
        page = StandardPage(slug=_free_slug(home, _slug(slug or title, "page")), live=False)
    draft_only = page.live and status == ArticleStatus.DRAFT
    target = page.get_latest_revision_as_object() if draft_only else page
    for name, value in fields.items():
        setattr(target, name, value)
    if created:
        home.add_child(instance=page)
    elif not draft_only:
        page.save()
    revision = target.save_revision()
    if status != ArticleStatus.DRAFT:
        revision.publish(skip_permission_checks=True)
        if published_at:
            StandardPage.objects.filter(pk=page.pk).update(first_published_at=published_at)
        page.refresh_from_db()
    record(stored=stored, source=source, kind="page", source_id=source_id, obj=page, digest=digest)
    return Upserted(page, "page", "created" if created else "updated")


@transaction.atomic
def upsert_redirect(*, old_path: str, page: Page) -> Upserted[Redirect] | None:
    """A permanent redirect from a source's old URL (path, or full URL) to `page`, for every
    site; None when the old path is the page's own path (a redirect would loop)."""
    old_path = Redirect.normalise_path(old_path)
    if old_path in ("", "/"):
        raise ValueError("An old URL to redirect needs a path.")
    parts = page.get_url_parts()
    if parts and Redirect.normalise_path(parts[2]) == old_path:
        return None
    redirect = Redirect.objects.filter(old_path=old_path, site=None).first()
    if redirect is not None and redirect.redirect_page_id == page.pk:
        return Upserted(redirect, "redirect", "unchanged")
    created = redirect is None
    redirect = redirect or Redirect(old_path=old_path, site=None)
    redirect.redirect_page, redirect.redirect_link, redirect.is_permanent = page, "", True
    redirect.save()
    return Upserted(redirect, "redirect", "created" if created else "updated")
