"""A corpus of generated articles for the benchmarks, written straight into the page tree.

``ensure_corpus(100_000)`` adds live, public articles under the demo's sections, spread over
the last three years, with headlines, standfirsts and bodies assembled from the demo's own
sentences, one or two bylines and (seven in ten) a lead image from the demo's pictures. It is
idempotent: articles already there are kept and only the missing numbers are added, so every
benchmark shares one corpus. When the corpus is reused days later, its dates are moved forward
(one UPDATE) so that the newest change is minutes old again and the last 48 hours are full.

Saving 100,000 pages through Wagtail would take hours (a revision, signals and tree locks per
page). Instead the rows are written with PostgreSQL's COPY: ids are drawn from the sequence,
treebeard paths are computed (the next free steps under each section) and each section's
numchild is raised to match, which is all the tree needs. Generated articles have no revisions
(editing one in the admin makes the first) and are not in the search index: a benchmark that
searches indexes what it needs.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

NUMBER_SUFFIX = r"-[0-9]{6}$"  # generated slugs end in the article's number, e.g. -004211
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
        log(f"Generating articles {existing:,} to {count:,} (COPY into the page tree)...")
        with transaction.atomic():
            made = _generate(range(existing, count), log=log)
        _analyze()
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


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("wagtailcore_page", "articles_articlepage", "articles_articlebyline"):
            cursor.execute(f"ANALYZE {table}")


def _generate(numbers: range, *, log: Callable[[str], None]) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from django.utils.text import slugify
    from psycopg.types.json import Jsonb
    from wagtail.models import Page

    from newsdesk.articles.models import ArticleByline, ArticlePage, SectionPage
    from newsdesk.people.models import PersonPage

    if connection.vendor != "postgresql":
        raise SystemExit("The corpus is written with PostgreSQL's COPY: run on PostgreSQL.")

    sections = {s.slug: s for s in SectionPage.objects.filter(slug__in=SECTION_WEIGHTS)}
    if len(sections) != len(SECTION_WEIGHTS):
        raise SystemExit("The demo's sections are missing: load the demo first.")
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
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('wagtailcore_page', 'id')) "
                "FROM generate_series(1, %s)",
                [len(batch)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        pages, articles, bylines = [], [], []
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
                    "body": Jsonb(body(rng, sentences)),
                    "updated_at": updated,
                }
            )
            for order, person in enumerate(
                rng.sample(authors, k=min(len(authors), rng.choice((1, 1, 2))))
            ):
                bylines.append((order, pk, person))
        _copy(Page._meta.db_table, page_fields, pages)
        _copy(ArticlePage._meta.db_table, article_fields, articles)
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY {ArticleByline._meta.db_table} (sort_order, page_id, person_id) FROM STDIN"
            ) as copy,
        ):
            for row in bylines:
                copy.write_row(row)
        made += len(batch)
        log(f"  {made:,} / {len(numbers):,}")

    for section in sections.values():
        children = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
        Page.objects.filter(pk=section.pk).update(numchild=children.count())
    return made


def _copy(table: str, fields, rows: list[dict]) -> None:
    from django.db import connection

    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


class _RolledBack(Exception):
    pass


def generation_rate(count: int = 10_000) -> float:
    """Seconds to generate `count` more articles, in a transaction that is then rolled back."""
    from django.db import transaction

    numbers = range(10**6 - count, 10**6)  # numbers the corpus itself never reaches
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _generate(numbers, log=lambda _: None)
            elapsed = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed
