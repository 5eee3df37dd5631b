"""Full export and re-import: the demo magazine (and a few harder cases added here) goes out,
the content is deleted, and it comes back with nothing lost; a re-run duplicates nothing."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.comments.services import comment_store
from newsdesk.corrections.models import ArticleNote
from newsdesk.corrections.services import note_add, note_withdraw
from newsdesk.demo import factories
from newsdesk.importers.export import MANIFEST, export_site, page_state
from newsdesk.importers.models import ImportedItem
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage
from newsdesk.ratings.models import Rating

pytestmark = pytest.mark.django_db


def harder_cases() -> None:
    """What the demo may not have: a focal point, a scheduled story, a body link and a pin to
    a story further on in the tree, a deep reply thread in every status, a withdrawn note."""
    world = SectionPage.objects.get(slug="world")
    image = get_image_model().objects.order_by("pk").first()
    image.focal_point_x, image.focal_point_y = 120, 80
    image.focal_point_width, image.focal_point_height = 60, 40
    image.save()
    first = factories.make_article(
        section=world,
        headline="Ferry timetable changes for the winter",
        body=[{"type": "paragraph", "value": "Fewer crossings from November."}],
        image=image,
        tags=["Ferries"],
        published_at=timezone.now() - timedelta(days=3),
    )
    later = factories.make_article(
        section=world,
        headline="Ferry operator answers readers' questions",
        body=[{"type": "paragraph", "value": "Tickets bought earlier remain valid."}],
        published_at=timezone.now() - timedelta(days=2),
    )
    first.body = [
        *first.body.raw_data,
        {"type": "related_link", "value": {"page": later.pk, "url": "", "title": ""}},
    ]
    first.related_pins.create(article=later)
    first.save_revision().publish()
    scheduled = factories.make_article(
        section=world, headline="Bridge reopens on Monday", publish=False
    )
    scheduled.go_live_at = timezone.now() + timedelta(days=2)
    scheduled.save_revision().publish()
    factories.make_article(section=world, headline="Notes for a story not filed", publish=False)

    top = comment_store(article=first, name="Ana", body="Will the night boat stay?")
    reply = comment_store(article=first, name="Desk", body="Yes, twice a week.", parent=top)
    comment_store(article=first, name="Ana", body="Thanks!", parent=reply, pinned=True)
    comment_store(article=first, name="Spammer", body="Cheap tickets here", status="spam")
    comment_store(article=first, name="Bo", body="Waiting for review", status="pending")
    factories.make_ratings(article=first, counts=[0, 1, 0, 2, 3])
    note_add(article=first, kind="correction", text="The first crossing is at 6am, not 7am.")
    wrong = note_add(article=first, kind="update", text="Added on the wrong story.")
    note_withdraw(note=wrong, by=None, reason="Wrong article")


def image_digests() -> dict[int, str]:
    digests = {}
    for image in get_image_model().objects.all():
        with image.file.open("rb") as data:
            digests[image.pk] = hashlib.sha256(data.read()).hexdigest()
    return digests


def snapshot() -> dict:
    """The whole site's content without primary keys: images by their file's digest, pages
    by URL path."""
    digests = image_digests()
    paths = dict(ArticlePage.objects.values_list("pk", "url_path"))

    def refs(value):
        # Image ids become file digests and page ids URL paths; block ids stay as they are.
        if isinstance(value, dict):
            return {
                key: digests[item]
                if key == "image" and isinstance(item, int)
                else paths[item]
                if key == "page" and isinstance(item, int)
                else refs(item)
                for key, item in value.items()
            }
        return [refs(item) for item in value] if isinstance(value, list) else value

    def body(raw) -> list:
        return refs(list(raw))

    articles = {}
    for page in ArticlePage.objects.all():
        status, content, go_live = page_state(page)
        articles[page.url_path] = {
            "status": status,
            "go_live": go_live,
            "fields": [
                getattr(content, name)
                for name in [
                    "title",
                    "dek",
                    "kicker",
                    "article_type",
                    "byline_text",
                    "dateline_place",
                    "dateline_date",
                    "lead_image_caption",
                    "lead_image_credit",
                    "seo_title",
                    "search_description",
                    "comments_mode",
                    "updated_at",
                ]
            ],
            "dates": (page.first_published_at, page.last_published_at),
            "lead_image": digests.get(content.lead_image_id),
            "social_image": digests.get(content.social_image_id),
            "body": body(content.body.raw_data),
            "bylines": [b.person.slug for b in content.bylines.all()],
            "credits": [
                (c.role, c.person and c.person.slug, c.name) for c in content.credits.all()
            ],
            "tags": sorted(t.name for t in content.tags.all()),
            "related": [paths[pin.article_id] for pin in content.related_pins.all()],
        }
    comments = {c.pk: c for c in Comment.objects.all()}
    home, people = HomePage.objects.get(), PeopleIndexPage.objects.get()
    return {
        "front pages": (
            home.title,
            home.tagline,
            paths.get(home.lead_story_id),
            [paths[top.article_id] for top in home.top_stories.order_by("sort_order")],
            people.title,
            people.intro,
        ),
        "articles": articles,
        "images": sorted(
            (
                digests[i.pk],
                i.title,
                i.caption,
                i.credit,
                i.alt_text,
                i.get_focal_point() and tuple(i.get_focal_point()),
            )
            for i in get_image_model().objects.all()
        ),
        "people": sorted(
            (p.slug, p.title, p.role, p.kind, p.location, p.bio, p.email, digests.get(p.photo_id))
            for p in PersonPage.objects.all()
        ),
        "sections": sorted(
            (s.url_path, s.title, s.intro, s.show_in_menus) for s in SectionPage.objects.all()
        ),
        "pages": sorted(
            (p.url_path, p.title, p.intro, body(p.body.raw_data), p.live)
            for p in StandardPage.objects.all()
        ),
        "tags": sorted(Tag.objects.values_list("name", "slug")),
        "comments": sorted(
            (
                paths[c.article_id],
                c.created_at,
                c.author_name,
                c.body,
                c.status,
                c.is_pinned,
                c.parent_id and comments[c.parent_id].body,
            )
            for c in comments.values()
        ),
        "ratings": sorted(
            (paths[r.article_id], r.reader_key, r.stars, r.created_at) for r in Rating.objects.all()
        ),
        "notes": sorted(
            (paths[n.article_id], n.kind, n.noted_at, n.text, n.withdrawn_at, n.withdrawn_reason)
            for n in ArticleNote.objects.all()
        ),
    }


def wipe() -> None:
    """Delete all the content, as if importing into a new Newsdesk (the home page stays)."""
    Rating.objects.all().delete()
    Comment.objects.all().delete()
    for page in HomePage.objects.get().get_children().specific():
        page.delete()
    get_image_model().objects.all().delete()
    Tag.objects.all().delete()


def import_site(directory, *args) -> str:
    out = StringIO()
    call_command("import_site", str(directory), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_round_trip_loses_nothing_and_a_rerun_duplicates_nothing(tmp_path):
    harder_cases()
    before = snapshot()
    manifest = export_site(directory=tmp_path)
    assert manifest["files"]["articles.jsonl"]["count"] == ArticlePage.objects.count()
    assert {a["status"] for a in before["articles"].values()} == {"published", "draft", "scheduled"}
    wipe()
    assert not ArticlePage.objects.exists() and not get_image_model().objects.exists()

    summary = import_site(tmp_path)

    assert " 0 failed" in summary, summary
    after = snapshot()
    for kind in before:
        assert after[kind] == before[kind], kind
    again = import_site(tmp_path)
    assert "0 created, 0 updated" in again and " 0 failed" in again, again
    assert snapshot() == before


def test_a_changed_file_is_refused_before_anything_is_stored(tmp_path):
    export_site(directory=tmp_path)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(articles.read_text().replace("a", "e", 1))
    with pytest.raises(CommandError, match=r"articles\.jsonl: its SHA-256 does not match"):
        import_site(tmp_path, "--source", "copy")
    assert not ImportedItem.objects.filter(source="copy").exists()


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", r"manifest\.json: line 1, column 2: not valid JSON"),
        (
            '{"format": "newsdesk-export", "version": 9}',
            "format version 9; this Newsdesk reads version 1",
        ),
        ('{"format": "other"}', "not a Newsdesk export"),
    ],
)
def test_a_bad_manifest_is_refused_with_the_reason(tmp_path, manifest, message):
    (tmp_path / MANIFEST).write_text(manifest)
    with pytest.raises(CommandError, match=message):
        import_site(tmp_path)


def test_one_bad_record_is_reported_by_line_and_the_rest_are_imported(tmp_path):
    export_site(directory=tmp_path)
    ratings = tmp_path / "ratings.jsonl"
    lines = ratings.read_text().splitlines(keepends=True)
    lines[1] = "{broken\n"
    ratings.write_text("".join(lines))
    out = StringIO()
    # Into a site that is not empty, as a second copy: nothing is lost or merged.
    with pytest.raises(CommandError, match="^1 item"):
        call_command(
            "import_site",
            str(tmp_path),
            "--source",
            "copy",
            "--skip-checksums",
            stdout=out,
            stderr=StringIO(),
        )
    assert "FAILED ratings.jsonl:2: line: not a JSON record" in out.getvalue()
    imported = ImportedItem.objects.filter(source="copy")
    assert imported.filter(kind="article").count() == ArticlePage.objects.count() // 2
    assert imported.filter(kind="comment").count() == Comment.objects.count() // 2
    assert Rating.objects.count() == 2 * len(lines) - 1
