"""Copy intake: parsed raw copy becomes a draft article for an editor, never published.

Used by the admin's "Paste copy" screen and `manage.py import_text`. Bylines and credits name
existing profiles where the name matches one, and are kept as free text otherwise (no public
profile is made from a pasted name). The lead image's caption and credit wait on the draft for
the editor to choose the image. The page's reader comments become an approved comment thread,
seen once the article is published. A draft titled with the NEEDS_HEADLINE placeholder cannot be
published until an editor replaces it (`newsdesk/articles/forms.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.articles.forms import NEEDS_HEADLINE
from newsdesk.articles.models import ArticleCredit, ArticlePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.people.models import PersonPage

from . import blocks
from .models import ImportedItem
from .records import Upserted, checksum
from .services import upsert_article, upsert_comment
from .text import ParsedCopy, parse_copy

SOURCE = "text"
BYLINE_ROLES = ("reporter", "writer")


@dataclass
class IntakeResult:
    article: Upserted[ArticlePage]
    parsed: ParsedCopy
    comments: list[Upserted[Comment]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Upserted]:
        return [self.article, *self.comments]


def paste_source_id(text: str) -> str:
    """Pasting the same copy again finds the same draft."""
    return f"paste:{checksum(' '.join(text.split()))[:40]}"


def _people(names: list[str]) -> dict[str, PersonPage]:
    wanted = {name.lower() for name in names}
    found = PersonPage.objects.filter(title__in=names) if names else PersonPage.objects.none()
    by_name = {p.title.lower(): p for p in found if p.title.lower() in wanted}
    # A case-insensitive pass for the rest ("JANE DOE" in copy).
    for name in wanted - by_name.keys():
        person = PersonPage.objects.filter(title__iexact=name).first()
        if person:
            by_name[name] = person
    return by_name


def _body(parsed: ParsedCopy) -> list[dict]:
    body: list[dict] = []
    previous = None
    for block in parsed.blocks:
        if block.kind == "paragraph":
            body.append(blocks.paragraph(block.text))
        elif block.kind == "subheading":
            body.append(blocks.subheading(block.text))
        elif block.kind == "quote":
            body.append(blocks.quote(block.text, attribution=block.attribution))
        elif block.kind == "list":
            # A short lead-in ending with a colon ("Key measures:") becomes the box's title.
            title = "At a glance"
            lead_in = previous.text if previous and previous.kind == "paragraph" else ""
            if lead_in.endswith(":") and len(lead_in.split()) <= 8:
                title = lead_in.rstrip(":").strip()
                body.pop()
            body.append(blocks.fact_box(items=list(block.items), title=title))
        previous = block
    return body


def draft_from_copy(
    *,
    parsed: ParsedCopy,
    section: SectionPage,
    source_id: str,
    owner=None,
) -> IntakeResult:
    """Create or update the draft for one piece of copy, with its comment thread."""
    notes = list(parsed.notes)
    headline = parsed.headline
    if not headline:
        suggestion = parsed.suggested_headline or "Untitled copy"
        headline = f"{NEEDS_HEADLINE} {suggestion}"
        notes.insert(0, f"The copy has no headline. Suggested: {suggestion!r}.")
    names = parsed.bylines + [c.name for c in parsed.credits]
    people = _people(names)
    byline_people = [people[n.lower()] for n in parsed.bylines if n.lower() in people]
    byline_names = [n for n in parsed.bylines if n.lower() not in people]
    credits: list[tuple[str, PersonPage | str]] = []
    for credit in parsed.credits:
        who = people.get(credit.name.lower(), credit.name)
        if credit.role in BYLINE_ROLES and not parsed.bylines:
            if isinstance(who, PersonPage):
                byline_people.append(who)
            else:
                byline_names.append(credit.name)
        else:
            role = (
                credit.role if credit.role in ArticleCredit.Role.values else "additional reporting"
            )
            credits.append((role, who))
    desk = [d for d in (parsed.byline_text, parsed.dateline_agency) if d]
    byline_text = " and ".join(dict.fromkeys(byline_names + desk[:1]))
    if byline_names:
        notes.append(f"No profile found for {', '.join(byline_names)}: kept as a text byline.")

    with transaction.atomic():
        article = upsert_article(
            source=SOURCE,
            source_id=source_id,
            section=section,
            title=headline,
            slug=slugify(parsed.headline or parsed.suggested_headline)[:80],
            dek=parsed.standfirst,
            bylines=byline_people,
            byline_text=byline_text,
            credits=credits,
            dateline_place=parsed.dateline_place,
            dateline_date=parsed.dateline_date,
            lead_image_caption=parsed.lead_image_caption,
            lead_image_credit=parsed.lead_image_credit,
            body=_body(parsed),
            tags=parsed.tags,
            owner=owner,
        )
        comments = _thread(parsed, article=article.obj, source_id=source_id)
    return IntakeResult(article=article, parsed=parsed, comments=comments, notes=notes)


def _thread(parsed: ParsedCopy, *, article: ArticlePage, source_id: str) -> list[Upserted]:
    """The page's comments, oldest first a minute apart from the dateline's day (or now)."""
    start = timezone.now()
    if parsed.dateline_date:
        start = timezone.make_aware(datetime.combine(parsed.dateline_date, time(12)))
    done: list[Upserted] = []
    keys = []
    for n, comment in enumerate(parsed.comments):
        key = f"{source_id}#comment-{n + 1}"
        keys.append(key)
        parent = done[comment.reply_to].obj if comment.reply_to is not None else None
        done.append(
            upsert_comment(
                source=SOURCE,
                source_id=key,
                article=article,
                name=comment.author,
                body=comment.text,
                parent=parent,
                posted_at=start + timedelta(minutes=n + 1),
                status=Comment.Status.APPROVED,
            )
        )
    # Comments a previous version of this copy had and this one has not.
    stale = ImportedItem.objects.filter(
        source=SOURCE, kind="comment", source_id__startswith=f"{source_id}#comment-"
    ).exclude(source_id__in=keys)
    Comment.objects.filter(pk__in=stale.values("object_id"), article=article).delete()
    stale.delete()
    return done


def import_copy(
    *, text: str, section: SectionPage, source_id: str = "", owner=None
) -> IntakeResult:
    """Parse raw copy and make (or update) its draft. `source_id` defaults to the text itself."""
    return draft_from_copy(
        parsed=parse_copy(text),
        section=section,
        source_id=source_id or paste_source_id(text),
        owner=owner,
    )
