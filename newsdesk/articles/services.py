"""Read-side assembly of the front page: curated stories first, the newest fill the rest."""

from itertools import chain

from django.core.cache import cache
from django.db.models import Case, Count, Q, Value, When

from newsdesk.caching.fragments import cached

from .models import ArticleByline, ArticleCredit, ArticlePage, HomePage
from .queries import attach_sections, sections_by_path

BESIDE_LEAD = 3
TOP_GRID = 4
RAIL_SIZE = 4
LATEST = 8


def front_page(*, home: HomePage) -> dict:
    """Lead, the stories beside it, the top grid, a rail per section and the latest list."""
    published = ArticlePage.objects.published().descendant_of(home)
    pool = published.for_listing()

    top_ids = list(home.top_stories.values_list("article_id", flat=True))
    wanted = [pk for pk in (home.lead_story_id, *top_ids) if pk]
    newest_ids = list(
        published.order_by("-first_published_at", "-pk").values_list("pk", flat=True)[
            : 1 + BESIDE_LEAD + TOP_GRID + LATEST + len(wanted)
        ]
    )
    # The picks and the newest as cards in one load; unpublished picks are not in it.
    loaded = {a.pk: a for a in pool.filter(pk__in={*wanted, *newest_ids})}
    picked = {pk: loaded[pk] for pk in wanted if pk in loaded}
    newest = [loaded[pk] for pk in newest_ids if pk in loaded]

    # Curated picks keep their order; unpublished picks simply drop out.
    lead = picked.get(home.lead_story_id)
    curated = [picked[pk] for pk in top_ids if pk in picked and pk != home.lead_story_id]
    order, seen = [], set()
    for article in chain([lead] if lead else [], curated, newest):
        if article.pk not in seen:
            seen.add(article.pk)
            order.append(article)
    headline_count = 1 + BESIDE_LEAD + TOP_GRID
    headlines = attach_sections(order[:headline_count])
    shown = {a.pk for a in headlines}

    sections = [
        section
        for path, section in sections_by_path().items()
        if section.live and path.startswith(home.path) and section.depth == home.depth + 1
    ]
    rail_articles = attach_sections(
        pool.exclude(pk__in=shown)
        .newest_in_each(sections, RAIL_SIZE)
        .order_by("-first_published_at")
    )
    rails = [
        (section, [a for a in rail_articles if a.section == section][:RAIL_SIZE])
        for section in sections
    ]
    latest = [a for a in newest if a.pk not in shown][:LATEST]
    return {
        "lead": headlines[0] if headlines else None,
        "beside_lead": headlines[1 : 1 + BESIDE_LEAD],
        "top_stories": headlines[1 + BESIDE_LEAD :],
        "rails": [(section, articles) for section, articles in rails if articles],
        "latest": attach_sections(latest),
        "sections": sections,
    }


RELATED = 4
RELATED_SECONDS = 10 * 60  # a new story joins older stories' lists within ten minutes


def related_ids(article: ArticlePage, *, limit: int = RELATED) -> list[int]:
    """Pinned stories first, then those sharing most tags (same section first), newest first.

    Only articles sharing a tag or the section are looked at, through indexed joins; the
    result is cached, so a page view costs no scoring query.
    """
    # Publishing the article again (say, with new pins) starts a fresh entry.
    stamp = article.last_published_at.timestamp() if article.last_published_at else 0
    key = f"newsdesk:related:{article.pk}:{stamp}:{limit}"
    ids = cache.get(key)
    if ids is not None:
        return ids
    published = ArticlePage.objects.published().exclude(pk=article.pk)
    pins = list(article.related_pins.values_list("article_id", flat=True))
    live = set(published.filter(pk__in=pins).values_list("pk", flat=True))
    ids = [pk for pk in pins if pk in live]
    tag_ids = list(article.tagged_items.values_list("tag_id", flat=True))
    section_path = article.path[: -article.steplen]
    if len(ids) < limit and tag_ids:
        by_tags = (
            published.exclude(pk__in=ids)
            .filter(tagged_items__tag_id__in=tag_ids)
            .annotate(
                shared=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids)),
                same_section=Case(
                    When(path__startswith=section_path, then=Value(1)), default=Value(0)
                ),
            )
            .order_by("-shared", "-same_section", "-first_published_at", "-pk")
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
        ids += list(by_tags)
    if len(ids) < limit:
        siblings = (
            published.exclude(pk__in=ids)
            .filter(path__startswith=section_path, depth=article.depth)
            .order_by("-first_published_at", "-pk")
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
        ids += list(siblings)
    cache.set(key, ids, RELATED_SECONDS)
    return ids


def related_articles(article: ArticlePage, *, limit: int = RELATED) -> list[ArticlePage]:
    """Story cards for the related rail, cached with their tags: a card edited, unpublished
    or deleted since purges the entry, so it changes or drops out at once."""

    def build() -> list[ArticlePage]:
        ids = related_ids(article, limit=limit)
        if not ids:
            return []
        published = ArticlePage.objects.published().filter(pk__in=ids).for_listing()
        cards = {a.pk: a for a in published}
        return attach_sections([cards[pk] for pk in ids if pk in cards])

    stamp = article.last_published_at.timestamp() if article.last_published_at else 0
    # A new publication of the article (new pins, new tags) is a new key.
    return cached(f"related:{article.pk}:{stamp}:{limit}", build, timeout=RELATED_SECONDS)


def set_people(page: ArticlePage, *, bylines, credits) -> None:
    """Put bylines (people) and credits ((role, person or name) pairs) on `page` in the order
    given. sort_order is numbered here: left empty, PostgreSQL may return them in any order."""
    page.bylines = [
        ArticleByline(person=person, sort_order=i)
        for i, person in enumerate(dict.fromkeys(bylines))
    ]
    page.credits = [
        ArticleCredit(role=role, name=who[:255], sort_order=i)
        if isinstance(who, str)
        else ArticleCredit(role=role, person=who, name="", sort_order=i)
        for i, (role, who) in enumerate(credits)
    ]
