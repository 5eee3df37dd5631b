"""A large generated site: articles (and comments) written straight into the page tree.

`generate_articles(count)` adds live, public articles under the demo's sections, spread over
the last three years, with headlines, standfirsts and bodies assembled from the demo's own
sentences, one or two bylines and (seven in ten) a lead image from the demo's pictures.
`generate_comments(count)` adds approved comments (a third of them replies) to them. Both are
idempotent: what is there is kept and only the missing numbers are added, so re-running with
the same counts does nothing. `ensure_corpus` (the benchmarks) also moves old dates forward
(one UPDATE) so that the newest change is minutes old again and the last 48 hours are full.

Saving a million pages through Wagtail would take days (a revision, signals and tree locks
per page). Instead the rows are written in bulk: PostgreSQL's COPY, or executemany on
SQLite. Ids are drawn from the sequence (PostgreSQL) or follow the largest (SQLite),
treebeard paths are computed (the next free steps under each section) and each section's
numchild is raised to match, which is all the tree needs. Generated articles have no
revisions (editing one in the admin makes the first) and are not in the search index
(`manage.py update_index` adds them); no cache purge is sent: `purge_tags(["all"])` after.
`manage.py generate_content` is the command; `bench/corpus.py` uses the same functions.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.management.base import CommandError

NUMBER_SUFFIX = r"-[0-9]{6,7}$"  # generated slugs end in the article's number, e.g. -004211
SPAN = timedelta(days=3 * 365)
NEWEST_AGE = timedelta(minutes=10)
BATCH = 10_000
# How the sections share the corpus (by slug); the demo has these seven.
SECTION_WEIGHTS = {
    "world": 22,
    "politics": 18,
    "business": 16,
    "technology": 12,
    "science": 10,
    "culture": 10,
    "opinion": 12,
}
TYPES = [("news", 70), ("analysis", 12), ("explainer", 7), ("interview", 5), ("review", 6)]

PLACES = [
    "Nairobi", "Lisbon", "Jakarta", "Lagos", "Bogotá", "Manila", "Warsaw", "Accra", "Hanoi",
    "Montevideo", "Tbilisi", "Dhaka", "Rotterdam", "Lima", "Kraków", "Dakar", "Osaka", "Quito",
    "Addis Ababa", "Porto", "Tunis", "Cebu", "Almaty", "Valparaíso", "Kampala", "Gdańsk",
]  # fmt: skip
SUBJECTS = [
    "Port workers", "The central bank", "Farmers", "Regulators", "Coalition partners",
    "Teachers' unions", "Water authorities", "Chipmakers", "Fishing co-operatives", "Insurers",
    "City councils", "Border officials", "Wind-farm developers", "Hospital managers",
    "Opposition leaders", "Small lenders", "Rail operators", "Vaccine researchers",
    "Publishers", "Grain traders", "Energy ministers", "Tenant groups", "Election monitors",
]  # fmt: skip
VERBS = [
    "weigh", "reject", "back", "delay", "unveil", "warn over", "push for", "question",
    "split over", "brace for", "quietly drop", "revive", "win a reprieve on", "face a vote on",
]  # fmt: skip
OBJECTS = [
    "a new tariff plan", "a water-sharing deal", "chip export rules", "pension reform",
    "a fishing quota", "rent controls", "a carbon border levy", "a rescue package",
    "cross-border rail link", "the drought budget", "an early election", "a data-privacy bill",
    "the fertiliser subsidy", "a teachers' pay offer", "the minimum wage", "a mining licence",
    "a vaccine trial", "river dredging", "a flood defence scheme", "a press-freedom law",
]  # fmt: skip
PATTERNS = [
    "{subject} in {place} {verb} {object}",
    "{place}: {subject} {verb} {object}",
    "Why {subject_lower} in {place} {verb} {object}",
    "{subject} {verb} {object} as {place} waits",
    "In {place}, {subject_lower} {verb} {object}",
]


def sentence_pool() -> list[str]:
    """Every sentence of the demo's article bodies: real prose to assemble new bodies from."""
    from newsdesk.demo.loader import load_articles

    sentences = []
    for item in load_articles():
        for block in item["body"]:
            if block["type"] == "paragraph":
                sentences += re.split(r"(?<=[.!?])\s+", block["value"].strip())
    return [sentence for sentence in sentences if len(sentence) > 30]


def headline(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    return rng.choice(PATTERNS).format(
        subject=subject,
        subject_lower=subject[0].lower() + subject[1:],
        place=rng.choice(PLACES),
        verb=rng.choice(VERBS),
        object=rng.choice(OBJECTS),
    )


def body(rng: random.Random, sentences: list[str]) -> list[dict]:
    blocks = []
    for n in range(rng.randint(4, 7)):
        if n == 3:
            blocks.append({"type": "subheading", "value": rng.choice(OBJECTS).capitalize()})
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 4)))
        blocks.append({"type": "paragraph", "value": f"<p>{escape(text)}</p>"})
    for block in blocks:
        block["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return blocks


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def weighted(rng: random.Random, choices: list[tuple[object, int]]):
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def corpus_articles():
    from newsdesk.articles.models import ArticlePage

    return ArticlePage.objects.filter(slug__regex=NUMBER_SUFFIX)


def ensure_corpus(count: int = 100_000, *, log: Callable[[str], None] = print) -> dict:
    """Make sure `count` generated articles exist; returns counts and how long it took."""
    from django.db import transaction

    from newsdesk.articles.models import ArticlePage

    started = time.perf_counter()
    existing = corpus_articles().count()
    made = 0
    if existing < count:
        with transaction.atomic():
            made = generate_articles(count, log=log)
        log(f"  {made:,} articles in {time.perf_counter() - started:.0f} s")
    else:
        log(f"Reusing the corpus of {existing:,} generated articles")
    shifted = refresh_dates()
    if shifted:
        log(f"  dates moved forward by {shifted} so the newest article is minutes old")
    return {
        "generated": max(existing, count),
        "made": made,
        "seconds": time.perf_counter() - started,
        "published": ArticlePage.objects.published().count(),
        "demo": ArticlePage.objects.exclude(slug__regex=NUMBER_SUFFIX).count(),
    }


def refresh_dates() -> timedelta | None:
    """Move every generated article's dates forward so that the newest change is minutes old."""
    from django.db.models import F, Max
    from django.utils import timezone
    from wagtail.models import Page

    found = corpus_articles().aggregate(
        published=Max("first_published_at"),
        republished=Max("last_published_at"),
        updated=Max("updated_at"),
    )
    newest = max(filter(None, found.values()), default=None)
    if newest is None:
        return None
    shift = timezone.now() - NEWEST_AGE - newest
    if shift < timedelta(hours=1):
        return None
    shift = timedelta(minutes=shift // timedelta(minutes=1))
    Page.objects.filter(pk__in=corpus_articles().values("pk")).update(
        first_published_at=F("first_published_at") + shift,
        last_published_at=F("last_published_at") + shift,
        latest_revision_created_at=F("latest_revision_created_at") + shift,
    )
    corpus_articles().filter(updated_at__isnull=False).update(updated_at=F("updated_at") + shift)
    return shift


def generate_articles(count: int, *, log: Callable[[str], None] = print) -> int:
    """Add generated articles until there are `count`; returns how many were added."""
    existing = corpus_articles().count()
    if existing >= count:
        return 0
    log(f"Generating articles {existing:,} to {count:,}...")
    made = _generate(range(existing, count), log=log)
    _analyze(
        "wagtailcore_page", "articles_articlepage", "articles_articlebyline", "articles_articletag"
    )
    return made


COMMENT_PREFIX = "generated-"  # submission keys of generated comments: generated-000000042
NAMES = [
    "Ama", "Bruno", "Chen", "Dilnoza", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Kwame", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sanjay", "Tove",
]  # fmt: skip


def generated_comments():
    from newsdesk.comments.models import Comment

    return Comment.objects.filter(submission_key__startswith=COMMENT_PREFIX)


def generate_comments(count: int, *, log: Callable[[str], None] = print) -> int:
    """Add approved comments to generated articles until there are `count`; a third reply.

    Returns how many were added. Comments go to articles at random, after their publication.
    """
    from django.utils import timezone

    from newsdesk.comments.models import Comment

    existing = generated_comments().count()
    if existing >= count:
        return 0
    articles = list(corpus_articles().order_by("pk").values_list("pk", "first_published_at"))
    if not articles:
        raise CommandError("There are no generated articles to comment on: add articles first.")
    # Readers gather on some stories: one article in four gets the comments.
    articles = random.Random(len(articles)).sample(articles, k=max(1, len(articles) // 4))
    log(f"Generating comments {existing:,} to {count:,}...")
    sentences = sentence_pool()
    now = timezone.now()
    fields = list(Comment._meta.local_concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
    last_on = {}  # article id -> a comment of this run, to reply to
    made = 0
    for start in range(existing, count, BATCH):
        batch = range(start, min(start + BATCH, count))
        ids = _new_ids(Comment._meta.db_table, len(batch))
        rows = []
        for pk, number in zip(ids, batch, strict=True):
            rng = random.Random(f"comment-{number}")
            article, published = rng.choice(articles)
            text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
            created = min(published + timedelta(minutes=rng.randint(5, 3 * 24 * 60)), now)
            parent = last_on.get(article) if rng.random() < 0.33 else None
            last_on[article] = pk
            rows.append(
                defaults
                | {
                    "id": pk,
                    "article_id": article,
                    "parent_id": parent,
                    "author_name": f"{rng.choice(NAMES)} {chr(65 + number % 26)}.",
                    "body": text,
                    "status": Comment.Status.APPROVED,
                    "content_hash": f"{rng.getrandbits(256):064x}",
                    "submission_key": f"{COMMENT_PREFIX}{number:09d}",
                    "created_at": created,
                    "moderated_at": created,
                }
            )
        _write(Comment._meta.db_table, fields, rows)
        made += len(batch)
        log(f"  {made:,} / {count - existing:,} comments")
    _analyze(Comment._meta.db_table)
    return made


TOPICS = [
    "Trade", "Water", "Elections", "Energy", "Housing", "Farming", "Transport", "Health",
    "Education", "Courts", "Climate", "Labour", "Banking", "Fisheries", "Mining", "Press freedom",
    "Migration", "Tourism", "Defence", "Technology policy",
]  # fmt: skip


def tag_ids() -> list[int]:
    """The ids of the generated articles' topics (tags), created once."""
    from django.utils.text import slugify
    from taggit.models import Tag

    ids = []
    for name in TOPICS:
        tag = Tag.objects.filter(slug=slugify(name)).first() or Tag.objects.create(
            name=name, slug=slugify(name)
        )
        ids.append(tag.pk)
    return ids


def _analyze(*tables: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _new_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys: from the sequence on PostgreSQL, after the largest else."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        table = connection.ops.quote_name(table)  # a model's table, never input
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        largest = cursor.fetchone()[0]
    return list(range(largest + 1, largest + 1 + count))


def _generate(numbers: range, *, log: Callable[[str], None]) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from django.utils.text import slugify
    from wagtail.models import Page

    from newsdesk.articles.models import ArticleByline, ArticlePage, ArticleTag, SectionPage
    from newsdesk.people.models import PersonPage

    if connection.vendor not in ("postgresql", "sqlite"):
        raise CommandError(
            f"Generating content needs PostgreSQL or SQLite, not {connection.vendor}."
        )

    sections = {s.slug: s for s in SectionPage.objects.filter(slug__in=SECTION_WEIGHTS)}
    if len(sections) != len(SECTION_WEIGHTS):
        missing = ", ".join(sorted(set(SECTION_WEIGHTS) - set(sections)))
        raise CommandError(f"The demo's sections are missing ({missing}): load the demo first.")
    section_choices = [(sections[slug], weight) for slug, weight in SECTION_WEIGHTS.items()]
    next_step = {}
    for section in sections.values():
        last = (
            Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        next_step[section.pk] = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
    authors = list(
        PersonPage.objects.filter(kind__in=["author", "editor"]).values_list("pk", flat=True)
    )
    images = list(
        ArticlePage.objects.exclude(slug__regex=NUMBER_SUFFIX)
        .filter(lead_image__isnull=False)
        .values_list("lead_image_id", flat=True)
        .distinct()
    )
    sentences = sentence_pool()
    content_type = ContentType.objects.get_for_model(ArticlePage).pk
    latest = timezone.now() - NEWEST_AGE
    topics = tag_ids()

    page_fields = list(Page._meta.local_concrete_fields)
    article_fields = list(ArticlePage._meta.local_concrete_fields)
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in page_fields + article_fields
        if not f.primary_key
    }

    def step(n: int) -> str:
        return Page._int2str(n).rjust(Page.steplen, "0")

    made = 0
    for start in range(numbers.start, numbers.stop, BATCH):
        batch = range(start, min(start + BATCH, numbers.stop))
        ids = _new_ids(Page._meta.db_table, len(batch))
        pages, articles, bylines, tagged = [], [], [], []
        for pk, number in zip(ids, batch, strict=True):
            rng = random.Random(number)
            section = weighted(rng, section_choices)
            title = headline(rng)
            slug = f"{slugify(title)[:60].rstrip('-')}-{number:06d}"
            # Nothing in the future: a story is published, republished and updated before now.
            published = latest - SPAN * rng.random()
            last_published = min(published + timedelta(minutes=rng.randint(0, 90)), latest)
            updated = published + timedelta(hours=rng.randint(2, 72))
            updated = updated if rng.random() < 0.1 and updated <= latest else None
            path = section.path + step(next_step[section.pk])
            next_step[section.pk] += 1
            kind = "opinion" if section.slug == "opinion" else weighted(rng, TYPES)
            pages.append(
                defaults
                | {
                    "id": pk,
                    "path": path,
                    "depth": section.depth + 1,
                    "numchild": 0,
                    "title": title,
                    "draft_title": title,
                    "slug": slug,
                    "content_type_id": content_type,
                    "live": True,
                    "has_unpublished_changes": False,
                    "url_path": f"{section.url_path}{slug}/",
                    "first_published_at": published,
                    "last_published_at": last_published,
                    "latest_revision_created_at": last_published,
                    "translation_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "locale_id": section.locale_id,
                }
            )
            articles.append(
                defaults
                | {
                    "page_ptr_id": pk,
                    "dek": rng.choice(sentences),
                    "article_type": kind,
                    "dateline_place": rng.choice(PLACES).upper() if rng.random() < 0.6 else "",
                    "lead_image_id": rng.choice(images) if images and rng.random() < 0.7 else None,
                    "body": body(rng, sentences),
                    "updated_at": updated,
                }
            )
            for order, person in enumerate(
                rng.sample(authors, k=min(len(authors), rng.choice((1, 1, 2))))
            ):
                bylines.append({"sort_order": order, "page_id": pk, "person_id": person})
            for tag in rng.sample(topics, k=rng.randint(1, 3)):
                tagged.append({"tag_id": tag, "content_object_id": pk})
        _write(Page._meta.db_table, page_fields, pages)
        _write(ArticlePage._meta.db_table, article_fields, articles)
        byline_fields = [
            ArticleByline._meta.get_field(name) for name in ("sort_order", "page", "person")
        ]
        _write(ArticleByline._meta.db_table, byline_fields, bylines)
        tag_fields = [ArticleTag._meta.get_field(name) for name in ("tag", "content_object")]
        _write(ArticleTag._meta.db_table, tag_fields, tagged)
        made += len(batch)
        log(f"  {made:,} / {len(numbers):,}")

    for section in sections.values():
        children = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
        Page.objects.filter(pk=section.pk).update(numchild=children.count())
    return made


def _write(table: str, fields, rows: list[dict]) -> None:
    """Insert `rows` ({attname: value}) in bulk: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [Jsonb(v) if isinstance(v, list | dict) else v for v in map(row.get, names)]
                    )
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model tables
                [[_sqlite_value(row[name]) for name in names] for row in rows],
            )


def _sqlite_value(value):
    from django.db import connection

    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


class _RolledBack(Exception):
    pass


def generation_rate(count: int = 10_000) -> float:
    """Seconds to generate `count` more articles, in a transaction that is then rolled back."""
    from django.db import transaction

    numbers = range(10**7 - count, 10**7)  # numbers a corpus of a million never reaches
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _generate(numbers, log=lambda _: None)
            elapsed = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed
