"""Importing a WordPress export (WXR) through the shared upsert services.

The file is streamed several times instead of held in memory: a first pass checks the whole
file (hostile or broken XML stops the import before anything is saved) and notes the small
things later items refer to (authors, terms, attachments, permalinks, sticky posts). Then each
unit becomes one runner item, committed on its own: every author, term and image attachment,
then every post with its comments and redirects. Posts whose internal links pointed at posts
further down the file are imported once more at the end, with the links resolved. Sticky posts
become the home page's top stories last.

Everything is keyed on WordPress's ids (author logins, term ids, post ids, comment ids) under
the source `wordpress:<site host>`, so running the import again updates instead of duplicating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from newsdesk.articles.models import HomePage, HomePageTopStory, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.importers import services
from newsdesk.importers.links import SiteLinks, old_path, redirect_old_paths
from newsdesk.importers.records import Upserted, find_imported, lookup, record
from newsdesk.importers.runner import ItemError, SkipItem, SourceItem

from . import wxr
from .content import Resolver, plain_text, text_lines, to_blocks
from .media import MediaSource

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
SIZED_VARIANT = re.compile(r"-\d+x\d+(?=\.[a-z0-9]+$)", re.IGNORECASE)  # photo-300x200.jpg
STATUSES = {
    "publish": services.ArticleStatus.PUBLISHED,
    "future": services.ArticleStatus.SCHEDULED,
    "draft": services.ArticleStatus.DRAFT,
    "pending": services.ArticleStatus.DRAFT,
    # Private posts are for logged-in editors only: a draft keeps them off the public site.
    "private": services.ArticleStatus.DRAFT,
}
COMMENT_STATUSES = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING}
MAX_TOP_STORIES = 7  # HomePage's top stories panel allows seven
MATERIAL_UPDATE = timedelta(hours=1)  # later edits than this show as "last updated"


@dataclass
class Attachment:
    id: str
    url: str
    file: str
    title: str
    caption: str
    alt: str


@dataclass
class Catalogue:
    """What the first pass learns; small next to the posts themselves."""

    channel: wxr.Channel = field(default_factory=wxr.Channel)
    authors: dict[str, wxr.Author] = field(default_factory=dict)
    terms: list[wxr.Term] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    attachment_paths: dict[str, str] = field(default_factory=dict)  # URL path -> id
    post_paths: dict[str, str] = field(default_factory=dict)  # permalink path -> post id
    post_ids: set[str] = field(default_factory=set)
    items: int = 0
    sticky: list[str] = field(default_factory=list)


class WordPressImport:
    """One export file: `items()` for the runner and `import_one()` for each."""

    def __init__(
        self,
        path: Path | str,
        *,
        uploads: Path | None = None,
        allow_hosts: tuple[str, ...] | list[str] = (),
        sections_from: str = "categories",
    ):
        if sections_from not in ("categories", "tags"):
            raise ValueError("sections_from is 'categories' or 'tags'.")
        self.path = Path(path)
        self.file = str(path)
        self.media = MediaSource(uploads=uploads, allow_hosts=allow_hosts)
        self.sections_from = sections_from
        self.catalogue = self.scan()
        host = urlsplit(self.catalogue.channel.base_site_url or self.catalogue.channel.link)
        self.host = (host.hostname or "").lower()
        self.source = f"wordpress:{self.host or self.path.stem}"[:100]
        self.links = SiteLinks(
            find=lambda post_id: self._found("article", post_id),
            hosts=[self.host],
            paths=self.catalogue.post_paths,
            ids=self.catalogue.post_ids,
            id_params=("p", "page_id"),
        )
        self.notes: list[str] = []
        # People and tags found once are remembered for the run: every post names them.
        self._known: dict[tuple[str, str], object] = {}

    # The first pass -----------------------------------------------------------------------

    def scan(self) -> Catalogue:
        """Read the whole file once; raises `wxr.WXRError` (naming the file) if it is bad."""
        found = Catalogue()
        for entry in wxr.read(self.path):
            if isinstance(entry, wxr.Channel):
                found.channel = entry
            elif isinstance(entry, wxr.Author):
                found.authors.setdefault(entry.login, entry)
            elif isinstance(entry, wxr.Term):
                found.terms.append(entry)
            elif entry.post_type == "attachment":
                self._note_attachment(found, entry)
            elif entry.post_type in ("post", "page"):
                found.items += 1
                found.post_ids.add(entry.id)
                if entry.link:
                    found.post_paths[old_path(entry.link)] = entry.id
                if entry.sticky:
                    found.sticky.append(entry.id)
        return found

    def _note_attachment(self, found: Catalogue, entry: wxr.Item) -> None:
        url = entry.attachment_url or entry.guid
        found.attachments[entry.id] = Attachment(
            id=entry.id,
            url=url,
            file=entry.meta.get("_wp_attached_file", ""),
            title=entry.title,
            caption=plain_text(entry.excerpt),
            alt=entry.meta.get("_wp_attachment_image_alt", ""),
        )
        found.attachment_paths[urlsplit(url).path] = entry.id

    def count(self) -> int:
        c = self.catalogue
        images = sum(1 for a in c.attachments.values() if _is_image(a.url or a.file))
        return len(c.authors) + len(c.terms) + images + c.items + 1

    # Items --------------------------------------------------------------------------------

    def items(self) -> Iterator[SourceItem]:
        c = self.catalogue
        for author in c.authors.values():
            yield SourceItem(self.file, f"author {author.login!r}", ("author", author))
        for term in c.terms:
            if term.taxonomy in ("category", "post_tag"):
                label = f"{term.taxonomy.replace('post_', '')} {term.slug or term.term_id!r}"
                yield SourceItem(self.file, label, ("term", term))
        for attachment in c.attachments.values():
            if _is_image(attachment.url or attachment.file):
                yield SourceItem(self.file, f"attachment {attachment.id}", ("image", attachment))
        yield from self._posts(kind="post")
        if self.links.relink:  # posts whose links pointed further down the file
            yield from self._posts(kind="relink", only=self.links.relink)
        yield SourceItem(self.file, "sticky posts", ("picks", c.sticky))

    def _posts(self, *, kind: str, only: set[str] | None = None) -> Iterator[SourceItem]:
        for entry in wxr.read(self.path):
            wanted = isinstance(entry, wxr.Item) and entry.post_type in ("post", "page")
            if wanted and (only is None or entry.id in only):
                yield SourceItem(self.file, entry.label, (kind, entry))

    def import_one(self, item: SourceItem) -> list[Upserted]:
        kind, data = item.data
        if kind == "author":
            return [self.import_author(data)]
        if kind == "term":
            return [self.import_term(data)]
        if kind == "image":
            return [self.import_image(data)]
        if kind in ("post", "relink"):
            return self.import_post(data)
        return self.import_picks(data)

    # Authors, terms, images ---------------------------------------------------------------

    def import_author(self, author: wxr.Author) -> Upserted:
        if not author.login:
            raise ItemError("an author with no login")
        # Logins and e-mail addresses stay private: a profile shows the display name and bio.
        return services.upsert_person(
            source=self.source,
            source_id=author.login,
            name=author.name,
            slug=author.name,
            bio=author.bio,
        )

    def import_term(self, term: wxr.Term) -> Upserted:
        source_id = term.term_id or f"slug:{term.slug}"
        if term.taxonomy == "category" and self.sections_from == "categories":
            return services.upsert_section(
                source=self.source,
                source_id=source_id,
                title=term.name,
                slug=term.slug,
                intro=plain_text(term.description),
            )
        return services.upsert_tag(
            source=self.source, source_id=source_id, name=term.name, slug=term.slug
        )

    def import_image(self, attachment: Attachment) -> Upserted:
        content, filename = self.media.get(url=attachment.url, attached_file=attachment.file)
        return services.upsert_image(
            source=self.source,
            source_id=attachment.id,
            file=content,
            filename=filename,
            title=attachment.title,
            caption=attachment.caption,
            alt_text=attachment.alt,
        )

    # Posts --------------------------------------------------------------------------------

    def import_post(self, post: wxr.Item) -> list[Upserted]:
        if not post.id.isdigit():
            raise ItemError(f"post id {post.id!r} is not a number")
        if post.post_type == "page":
            raise SkipItem("a WordPress page, not a post: pages are not imported as articles")
        if post.status not in STATUSES:
            raise SkipItem(f"status {post.status or '(none)'!r} is not imported")
        status = STATUSES[post.status]
        if post.password and status != services.ArticleStatus.DRAFT:
            status = services.ArticleStatus.DRAFT  # password-protected: not for everyone
        published_at = wxr.parse_gmt(post.date_gmt)
        modified_at = wxr.parse_gmt(post.modified_gmt)
        if status == services.ArticleStatus.SCHEDULED and published_at is None:
            raise ItemError("a scheduled post with no date (wp:post_date_gmt)")
        updated_at = None
        if published_at and modified_at and modified_at - published_at > MATERIAL_UPDATE:
            updated_at = modified_at
        resolver = Resolver(
            image=self.image_id, page=lambda href: self.links.page_id(href, current=post.id)
        )
        body = to_blocks(post.content, resolver)
        thumbnail = post.meta.get("_thumbnail_id", "")
        lead_image = self._found("image", thumbnail) if thumbnail else None
        if thumbnail and lead_image is None:
            resolver.notes.append(f"featured image {thumbnail} was not imported")
        person = self.person(post.creator) if post.creator else None
        article = services.upsert_article(
            source=self.source,
            source_id=post.id,
            section=self.section(post),
            title=post.title or plain_text(post.content)[:80] or f"Untitled {post.id}",
            status=status,
            slug=post.slug,
            dek=plain_text(post.excerpt),
            bylines=[person] if person else [],
            lead_image=lead_image,
            body=body,
            tags=self.tags(post),
            published_at=published_at,
            updated_at=updated_at,
        )
        self.notes += [f"{self.file}: {post.label}: {note}" for note in resolver.notes]
        results = [article, *self.comments(post, article.obj)]
        results += self.redirects(post, article.obj)
        return results

    def _found(self, kind: str, source_id: str):
        key = (kind, source_id)
        if key in self._known:
            return self._known[key]
        found = find_imported(source=self.source, kind=kind, source_id=source_id)
        # Only what an earlier, committed item made: a failed item's objects are rolled back.
        if found is not None and kind in ("person", "tag"):
            self._known[key] = found
        return found

    def person(self, login: str):
        found = self._found("person", login)
        if found is None:  # not in the export's author list, or its import failed
            author = self.catalogue.authors.get(login) or wxr.Author(login=login)
            found = self.import_author(author).obj
        return found

    def section(self, post: wxr.Item) -> SectionPage:
        categories = [(slug, name) for domain, slug, name in post.terms if domain == "category"]
        terms = {t.slug: t for t in self.catalogue.terms if t.taxonomy == "category"}
        if self.sections_from == "categories" and categories:
            primary = post.meta.get("_yoast_wpseo_primary_category", "")
            by_id = {t.term_id: t.slug for t in terms.values()}
            slug = by_id.get(primary) if by_id.get(primary) in dict(categories) else None
            slug = slug or categories[0][0]
            term = terms.get(slug) or wxr.Term("category", "", slug, dict(categories)[slug])
            found = self._found("section", term.term_id or f"slug:{slug}")
            return found or self.import_term(term).obj
        # Sections configured here: the one matching a category or tag of the post, else the
        # first section.
        slugs = [slug for _domain, slug, _name in post.terms if slug]
        sections = SectionPage.objects.order_by("path")
        match = sections.filter(slug__in=slugs).first() if slugs else None
        section = match or sections.first()
        if section is None:
            raise ItemError("there is no section to put it in; create one or use categories")
        return section

    def tags(self, post: wxr.Item) -> list:
        wanted = {"post_tag"} | ({"category"} if self.sections_from == "tags" else set())
        terms = {(t.taxonomy, t.slug): t for t in self.catalogue.terms}
        found = []
        for domain, slug, name in post.terms:
            if domain not in wanted:
                continue
            term = terms.get((domain, slug)) or wxr.Term(domain, "", slug, name)
            tag = self._found("tag", term.term_id or f"slug:{slug}")
            found.append(tag or self.import_term(term).obj)
        return found

    def image_id(self, attachment_id: str, src: str) -> int | None:
        if not attachment_id and src:
            path = urlsplit(src).path
            attachment_id = self.catalogue.attachment_paths.get(
                path
            ) or self.catalogue.attachment_paths.get(SIZED_VARIANT.sub("", path), "")
        image = self._found("image", attachment_id) if attachment_id else None
        return image.pk if image is not None else None

    # Comments, redirects, home page picks ------------------------------------------------

    def comments(self, post: wxr.Item, article) -> list[Upserted]:
        results, made = [], {}
        for comment in _parents_first(post.comments):
            if comment.type in ("pingback", "trackback"):
                continue
            status = COMMENT_STATUSES.get(comment.approved)
            if status is None:  # spam and trash are dropped
                continue
            if not comment.id.isdigit():
                raise ItemError(f"comment id {comment.id!r} is not a number")
            parent = None
            if comment.parent != "0":
                parent = made.get(comment.parent) or self._found("comment", comment.parent)
            upserted = services.upsert_comment(
                source=self.source,
                source_id=comment.id,
                article=article,
                name=comment.author,
                body=text_lines(comment.content),
                parent=parent if parent is not None and parent.article_id == article.pk else None,
                email=comment.email,
                website=comment.url,
                posted_at=wxr.parse_gmt(comment.date_gmt),
                status=status,
                staff=comment.user_id not in ("", "0"),
            )
            made[comment.id] = upserted.obj
            results.append(upserted)
        return results

    def redirects(self, post: wxr.Item, article) -> list[Upserted]:
        """Permanent redirects from the post's old permalink and `/?p=ID` to the article."""
        old_paths = [f"/?p={post.id}"]
        if post.link and urlsplit(post.link).hostname in (None, self.host):
            old_paths.append(old_path(post.link))
        return redirect_old_paths(old_paths, article)

    def import_picks(self, sticky: list[str]) -> list[Upserted]:
        """Sticky posts join the home page's top stories, once: a pick an editor removes
        later is not added back by the next run."""
        home = HomePage.objects.first()
        new = []
        for post_id in sticky:
            article = self._found("article", post_id)
            if article is None or not article.live:
                continue
            if lookup(source=self.source, kind="pick", source_id=post_id)[0] is None:
                new.append((post_id, article))
        if home is None or not new:
            return []
        # The live page gets the picks; an editor's unpublished draft of it gets them too
        # and stays the latest revision.
        draft = home.get_latest_revision_as_object() if home.has_unpublished_changes else None
        picked = {story.article_id for story in home.top_stories.all()}
        results = []
        for post_id, article in new:
            if article.pk not in picked and len(picked) >= MAX_TOP_STORIES:
                self.notes.append(f"{self.file}: sticky post {post_id}: top stories are full")
                continue
            for page in filter(None, (home, draft)):
                if article.pk not in {story.article_id for story in page.top_stories.all()}:
                    page.top_stories.add(HomePageTopStory(article=article))
            if article.pk not in picked:
                picked.add(article.pk)
                results.append(Upserted(article, "home page pick", "created"))
            record(
                stored=None,
                source=self.source,
                kind="pick",
                source_id=post_id,
                obj=article,
                digest="",
            )
        if results:
            home.save_revision().publish(skip_permission_checks=True)
            if draft is not None:
                draft.save_revision()
        return results


def _is_image(name: str) -> bool:
    return PurePosixPath(urlsplit(name).path).suffix.lower() in IMAGE_SUFFIXES


def _parents_first(comments: list[wxr.Comment]) -> list[wxr.Comment]:
    """Replies after the comments they answer, whatever the file's order."""
    by_id = {c.id: c for c in comments}
    done: set[str] = set()
    ordered: list[wxr.Comment] = []

    def visit(comment: wxr.Comment, depth: int = 0) -> None:
        if comment.id in done:
            return
        parent = by_id.get(comment.parent)
        if parent is not None and parent is not comment and depth < len(comments):
            visit(parent, depth + 1)
        done.add(comment.id)
        ordered.append(comment)

    for comment in comments:
        visit(comment)
    return ordered
