"""Read-side assembly of the front page: curated stories first, the newest fill the rest."""

from itertools import chain

from .models import ArticlePage, HomePage, SectionPage
from .queries import attach_sections

BESIDE_LEAD = 3
TOP_GRID = 4
RAIL_SIZE = 4
LATEST = 8


def front_page(*, home: HomePage) -> dict:
    """Lead, the stories beside it, the top grid, a rail per section and the latest list."""
    published = ArticlePage.objects.published().descendant_of(home)
    pool = published.for_listing()

    top_ids = list(home.top_stories.values_list("article_id", flat=True))
    picked = {a.pk: a for a in pool.filter(pk__in=[home.lead_story_id, *top_ids])}
    newest = list(pool[: 1 + BESIDE_LEAD + TOP_GRID + LATEST + len(picked)])

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

    sections = list(SectionPage.objects.live().child_of(home).order_by("path"))
    rail_articles = attach_sections(
        pool.exclude(pk__in=shown).newest_per_parent(RAIL_SIZE).order_by("-first_published_at")
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
