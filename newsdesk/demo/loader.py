"""Builds The Meridian, the demo magazine, from the JSON content beside this module."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Site

from newsdesk.analytics.demo import load_demo_views
from newsdesk.articles.models import ArticlePage, HomePage, HomePageTopStory, SectionPage
from newsdesk.comments.services import comment_store
from newsdesk.corrections.demo import load_demo_notes
from newsdesk.distribution.models import Distribution
from newsdesk.images.tasks import article_renditions
from newsdesk.newsroom.demo import (  # noqa: F401
    DEMO_PASSWORD,
    create_demo_users,
    create_demo_workflow_states,
)
from newsdesk.people.models import PersonPage
from newsdesk.search.indexing import index_articles

from . import factories
from .artwork import render_logo

DEMO_USERNAME = "admin"
CONTENT_DIR = Path(__file__).resolve().parent / "content"
PUBLICATION = "The Meridian"
TAGLINE = "Independent reporting on a changing world"
SECTIONS = [
    ("World", "world", "Correspondents' reporting from capitals, borderlands and river basins."),
    ("Politics", "politics", "Parliaments, elections and the people who run them."),
    ("Business", "business", "Markets, companies, work and the money behind the news."),
    ("Technology", "technology", "Chips, code, platforms and the rules that govern them."),
    ("Science", "science", "Research, health and the natural world, explained with care."),
    ("Culture", "culture", "Books, film, music, stage and the ideas that shape them."),
    ("Opinion", "opinion", "Columns, editorials and argument from our writers and guests."),
]
# The Trust Project's indicators (schema.org properties on the publisher) -> demo page slugs.
# The contact page is the feedback policy: how readers reach the newsroom, send letters and
# tips, and ask for corrections, and who reads them.
POLICY_PAGES = {
    "publishing_principles": "ethics",
    "corrections_policy": "corrections-policy",
    "ethics_policy": "ethics",
    "masthead": "masthead",
    "ownership_funding": "ownership",
    "diversity_policy": "diversity",
    "feedback_policy": "contact",
    "verification_policy": "verification",
}


def is_loaded() -> bool:
    return SectionPage.objects.exists()


def read(name: str, content_dir: Path = CONTENT_DIR):
    return json.loads((content_dir / name).read_text(encoding="utf-8"))


def load_articles(content_dir: Path = CONTENT_DIR) -> list[dict]:
    return [
        item
        for path in sorted(content_dir.glob("articles_*.json"))
        for item in read(path.name, content_dir)
    ]


@transaction.atomic
def load_demo(
    *,
    content_dir: Path = CONTENT_DIR,
    image_size: tuple[int, int] = (1600, 900),
    log: Callable[[str], None] = lambda _: None,
) -> dict:
    """Create the whole demo magazine. Returns counts of what was made."""
    home = factories.setup_site(name=PUBLICATION, tagline=TAGLINE)

    sections = {
        slug: factories.make_section(home=home, title=title, slug=slug, intro=intro)
        for title, slug, intro in SECTIONS
    }
    log(f"{len(sections)} sections")
    log(f"{len(create_demo_users())} newsroom accounts, one per role")

    index = factories.make_people_index(
        home=home, intro="The reporters, editors and photographers who make The Meridian."
    )
    people = {
        item["slug"]: factories.make_person(
            index=index,
            name=item["name"],
            slug=item["slug"],
            role=item["role"],
            kind=item["kind"],
            location=item.get("location", ""),
            bio=item["bio"],
            email=item.get("email", ""),
            palette=SECTIONS[n % len(SECTIONS)][1],
        )
        for n, item in enumerate(read("people.json", content_dir))
    }
    log(f"{len(people)} people")

    articles = [
        make_demo_article(item, sections, people, image_size=image_size)
        for item in load_articles(content_dir)
    ]
    log(f"{len(articles)} articles")

    pages = [
        factories.make_standard_page(
            parent=home,
            title=item["title"],
            slug=item["slug"],
            intro=item["intro"],
            body=item["body"],
        )
        for item in read("pages.json", content_dir)
    ]
    log(f"{len(pages)} standard pages")
    configure_distribution(home, {page.slug: page for page in pages})

    comments, ratings = load_reader_voice({a.slug: a for a in articles}, content_dir)
    log(f"{comments} comments, {ratings} ratings")

    load_demo_notes()
    log(f"{load_demo_views()} reads counted over the last week")
    log(f"{len(create_demo_workflow_states())} unpublished articles in the review workflow")
    curate_front_page(home)
    prepare_renditions(articles)
    log(f"{index_articles()} articles in the search index")
    return {
        "sections": len(sections),
        "people": len(people),
        "articles": len(articles),
        "pages": len(pages),
        "comments": comments,
        "ratings": ratings,
    }


def make_demo_article(
    item: dict,
    sections: dict[str, SectionPage],
    people: dict[str, PersonPage],
    *,
    image_size: tuple[int, int] = (1600, 900),
) -> ArticlePage:
    section = sections[item["section"]]
    image = item["image"]
    lead = factories.make_image(
        title=item["headline"],
        motif=image["motif"],
        palette=factories.palette_for(section),
        caption=image["caption"],
        credit=image["credit"],
        size=image_size,
    )
    updated = item.get("updated_hours_ago")
    return factories.make_article(
        section=section,
        slug=item["slug"],
        headline=item["headline"],
        dek=item["dek"],
        kicker=item["kicker"],
        article_type=item["type"],
        bylines=[people[slug] for slug in item["bylines"]],
        byline_text=item["byline_text"],
        credits=[(credit["role"], people[credit["person"]]) for credit in item["credits"]],
        dateline_place=item["dateline_place"],
        image=lead,
        body=item["body"],
        tags=item["tags"],
        published_at=factories.hours_ago(item["hours_ago"]),
        updated_at=factories.hours_ago(updated) if updated is not None else None,
    )


def configure_distribution(home: HomePage, pages: dict) -> Distribution:
    """The publisher's logo, founding year, handle and policy pages, as an editor would set
    them in Settings > Distribution."""
    logo = get_image_model()(title=f"{PUBLICATION} logo", alt_text=PUBLICATION)
    logo.file = ImageFile(BytesIO(render_logo(size=512)), name="meridian-logo.png")
    logo.save()
    policies = {field: pages[slug] for field, slug in POLICY_PAGES.items() if slug in pages}
    setting, _ = Distribution.objects.update_or_create(
        site=Site.objects.get(root_page=home),
        defaults={"logo": logo, "founding_year": 2009, "social_handle": "@themeridian", **policies},
    )
    return setting


def curate_front_page(home: HomePage) -> None:
    """Pick a lead and two top stories, as an editor would; the rest fills itself."""
    newest = list(
        ArticlePage.objects.published()
        .exclude(article_type="opinion")
        .order_by("-first_published_at")[:6]
    )
    if not newest:
        return
    home.lead_story = newest[0]
    home.top_stories = [HomePageTopStory(article=article) for article in newest[2:4]]
    home.save_revision().publish()


def prepare_renditions(articles: list[ArticlePage]) -> None:
    """Make the story-card, lead and sharing renditions now, so the first visit is fast."""
    for article in articles:
        if article.lead_image:
            article.lead_image.get_renditions(*article_renditions())


def load_reader_voice(articles: dict[str, ArticlePage], content_dir: Path = CONTENT_DIR):
    """Comment threads and ratings from comments.json; returns (comments, ratings) made."""
    made = {"comments": 0, "ratings": 0}

    def add(article, item, parent=None):
        made["comments"] += 1
        comment = comment_store(
            article=article,
            parent=parent,
            name=item["name"],
            email=item.get("email", ""),
            website=item.get("website", ""),
            body=item["body"],
            posted_at=article.first_published_at + timedelta(hours=item["hours_after"]),
            staff=item.get("staff", False),
            pinned=item.get("pinned", False),
            highlighted=item.get("highlighted", False),
        )
        for reply in item.get("replies", []):
            add(article, reply, comment)

    for entry in read("comments.json", content_dir):
        article = articles[entry["article"]]
        for item in entry.get("comments", []):
            add(article, item)
        made["ratings"] += factories.make_ratings(article=article, counts=entry.get("ratings", []))
    return made["comments"], made["ratings"]
