"""The shared upsert services: re-runs update and never duplicate, drafts stay drafts."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.importers import blocks
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.records import find_imported
from newsdesk.importers.services import (
    ArticleStatus,
    upsert_article,
    upsert_comment,
    upsert_image,
    upsert_person,
    upsert_section,
    upsert_tag,
)
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

SOURCE = "test-export"


def png(colour: str = "teal", size: tuple[int, int] = (40, 30)) -> bytes:
    out = BytesIO()
    PILImage.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


def article_kwargs(world, **changes):
    kwargs = {
        "source": SOURCE,
        "source_id": "post-1",
        "section": world,
        "title": "Harbour cranes return after the strike",
        "dek": "Dockworkers accepted the offer on Friday.",
        "dateline_place": "ROTTERDAM",
        "dateline_date": date(2026, 3, 4),
        "body": [
            blocks.paragraph("The first ship was unloaded at dawn."),
            blocks.subheading("What changes"),
            blocks.quote("We got what we asked for.", attribution="A union steward"),
        ],
        "tags": ["Ports", "Labour"],
        "credits": [("editor", "Ines Batista")],
    }
    return kwargs | changes


def test_article_rerun_is_unchanged_and_a_change_updates_the_same_page(world):
    first = upsert_article(**article_kwargs(world))
    assert first.action == "created"
    page = first.obj
    assert not page.live and page.get_parent().pk == world.pk
    again = upsert_article(**article_kwargs(world))
    assert again.action == "unchanged" and again.obj.pk == page.pk

    changed = upsert_article(**article_kwargs(world, title="Harbour cranes are back"))
    assert changed.action == "updated" and changed.obj.pk == page.pk
    assert ArticlePage.objects.filter(title__startswith="Harbour cranes").count() == 1
    assert ImportedItem.objects.filter(source=SOURCE, kind="article").count() == 1

    stored = ArticlePage.objects.get(pk=page.pk)
    assert stored.title == "Harbour cranes are back"
    assert [b.block_type for b in stored.body] == ["paragraph", "subheading", "quote"]
    assert stored.body[2].value["attribution"] == "A union steward"
    assert sorted(t.name for t in stored.tags.all()) == ["Labour", "Ports"]
    assert [(c.role, c.name) for c in stored.credits.all()] == [("editor", "Ines Batista")]
    assert stored.dateline_date == date(2026, 3, 4)
    assert find_imported(source=SOURCE, kind="article", source_id="post-1").pk == page.pk


def test_bylines_credits_and_pins_keep_their_order(world):
    # Numbered, not left to the database: PostgreSQL returns equal sort_orders in any order.
    people = [upsert_person(source=SOURCE, source_id=n, name=n).obj for n in ("Zoe", "Al")]
    other = upsert_article(**article_kwargs(world, source_id="post-2", status="published")).obj
    credits = [("photographer", "Yan"), ("editor", people[1]), ("editor", "Bea")]
    page = upsert_article(
        **article_kwargs(world, status="published", credits=credits),
        bylines=people,
        related=[other],
    ).obj
    stored = ArticlePage.objects.get(pk=page.pk)
    assert [(b.sort_order, b.person.title) for b in stored.bylines.all()] == [(0, "Zoe"), (1, "Al")]
    assert [(c.sort_order, c.role, c.person_id, c.name) for c in stored.credits.all()] == [
        (0, "photographer", None, "Yan"),
        (1, "editor", people[1].pk, ""),
        (2, "editor", None, "Bea"),
    ]
    assert [(p.sort_order, p.article_id) for p in stored.related_pins.all()] == [(0, other.pk)]


def test_block_ids_are_stable_across_runs(world):
    page = upsert_article(**article_kwargs(world)).obj
    ids = [b.id for b in page.body]
    page = upsert_article(**article_kwargs(world, dek="Changed.")).obj
    assert [b.id for b in ArticlePage.objects.get(pk=page.pk).body] == ids


def test_published_article_keeps_the_source_dates_and_is_published(world):
    when = timezone.now() - timedelta(days=400)
    page = upsert_article(**article_kwargs(world, status="published", published_at=when)).obj
    assert page.live and page.first_published_at == when
    assert ArticlePage.objects.published().filter(pk=page.pk).exists()


def test_scheduled_article_waits_for_its_time(world):
    when = timezone.now() + timedelta(days=2)
    page = upsert_article(**article_kwargs(world, status="scheduled", published_at=when)).obj
    assert not page.live
    assert page.latest_revision.approved_go_live_at == when
    assert not ArticlePage.objects.published().filter(pk=page.pk).exists()


def test_a_draft_reimport_never_touches_the_live_version(world):
    page = upsert_article(**article_kwargs(world, status=ArticleStatus.PUBLISHED)).obj
    upsert_article(**article_kwargs(world, title="A new headline in draft"))
    live = ArticlePage.objects.get(pk=page.pk)
    assert live.live and live.title == "Harbour cranes return after the strike"
    assert live.has_unpublished_changes
    assert live.get_latest_revision_as_object().title == "A new headline in draft"


def test_article_deleted_since_the_last_run_is_made_again(world):
    page = upsert_article(**article_kwargs(world)).obj
    page.delete()
    again = upsert_article(**article_kwargs(world))
    assert again.action == "created" and again.obj.pk != page.pk


def test_clashing_slug_gets_a_free_one(world):
    taken = ArticlePage.objects.child_of(world).first()
    page = upsert_article(**article_kwargs(world, slug=taken.slug)).obj
    assert page.slug == f"{taken.slug}-2"


def test_long_clashing_slugs_get_free_ones_too(world):
    title = "a" * 90
    slugs = [
        upsert_article(**article_kwargs(world, source_id=n, title=title)).obj.slug for n in range(3)
    ]
    assert slugs == ["a" * 80, "a" * 75 + "-2", "a" * 75 + "-3"]


def test_article_refuses_bad_input_before_saving(world):
    with pytest.raises(ValueError, match="headline"):
        upsert_article(**article_kwargs(world, title="  "))
    with pytest.raises(ValueError, match="credit role"):
        upsert_article(**article_kwargs(world, credits=[("chef", "Someone")]))
    with pytest.raises(ValueError, match="scheduled"):
        upsert_article(**article_kwargs(world, status="scheduled"))
    assert not ImportedItem.objects.exists()


def test_person_adopts_an_existing_profile_and_reruns_are_unchanged():
    existing = PersonPage.objects.get(slug="amara-okafor")
    result = upsert_person(source=SOURCE, source_id=7, name="Amara Okafor", bio="Writes.")
    assert result.action == "updated" and result.obj.pk == existing.pk
    assert upsert_person(source=SOURCE, source_id=7, name="Amara Okafor", bio="Writes.").action == (
        "unchanged"
    )
    new = upsert_person(source=SOURCE, source_id=8, name="Tomás Reyes", bio="One.\n\nTwo.")
    assert new.action == "created" and new.obj.live
    assert new.obj.bio == "<p>One.</p><p>Two.</p>"
    assert PersonPage.objects.filter(title="Amara Okafor").count() == 1


def test_section_and_tag_adopt_existing_ones():
    world = upsert_section(source=SOURCE, source_id="cat-3", title="World", slug="world")
    assert world.obj.pk == SectionPage.objects.get(slug="world").pk
    fresh = upsert_section(source=SOURCE, source_id="cat-9", title="Harbours")
    assert fresh.action == "created" and fresh.obj.live and fresh.obj.slug == "harbours"

    tag = Tag.objects.create(name="Shipping", slug="shipping")
    assert upsert_tag(source=SOURCE, source_id="t1", name="shipping").obj.pk == tag.pk
    assert upsert_tag(source=SOURCE, source_id="t1", name="shipping").action == "unchanged"


def test_image_from_bytes_is_checked_and_updated_in_place(tmp_path):
    made = upsert_image(
        source=SOURCE, source_id="a1", file=png(), filename="crane.png", caption="A crane."
    )
    image = made.obj
    assert made.action == "created" and (image.width, image.height) == (40, 30)
    assert image.caption == "A crane." and image.file_hash
    same = upsert_image(
        source=SOURCE, source_id="a1", file=png(), filename="crane.png", caption="A crane."
    )
    assert same.action == "unchanged"

    path = tmp_path / "crane.png"
    path.write_bytes(png("orange", (60, 20)))
    again = upsert_image(source=SOURCE, source_id="a1", file=path, credit="Photo: Port")
    assert again.action == "updated" and again.obj.pk == image.pk
    assert (again.obj.width, again.obj.credit) == (60, "Photo: Port")

    with pytest.raises(ValidationError):
        upsert_image(source=SOURCE, source_id="a2", file=b"not an image", filename="x.png")
    assert find_imported(source=SOURCE, kind="image", source_id="a2") is None


def test_comment_threads_and_reruns(world):
    article = ArticlePage.objects.published().child_of(world).first()
    when = timezone.now() - timedelta(days=3)
    root = upsert_comment(
        source=SOURCE, source_id="c1", article=article, name="Lea", body="Good.", posted_at=when
    )
    reply = upsert_comment(
        source=SOURCE, source_id="c2", article=article, name="Sam", body="Agreed.", parent=root.obj
    )
    assert root.obj.created_at == when and root.obj.status == Comment.Status.APPROVED
    assert reply.obj.parent_id == root.obj.pk
    assert (
        upsert_comment(
            source=SOURCE, source_id="c1", article=article, name="Lea", body="Good.", posted_at=when
        ).action
        == "unchanged"
    )
    held = upsert_comment(
        source=SOURCE,
        source_id="c2",
        article=article,
        name="Sam",
        body="Agreed.",
        parent=root.obj,
        status="pending",
    )
    assert held.action == "updated" and held.obj.pk == reply.obj.pk
    assert Comment.objects.filter(article=article, author_name="Sam").count() == 1

    other = ArticlePage.objects.published().exclude(pk=article.pk).first()
    with pytest.raises(ValueError, match="same article"):
        upsert_comment(
            source=SOURCE, source_id="c3", article=other, name="X", body="Y", parent=root.obj
        )
    with pytest.raises(ValueError, match="status"):
        upsert_comment(
            source=SOURCE, source_id="c4", article=article, name="X", body="Y", status="?"
        )
