"""Ghost's JSON export: a Ghost 5 site written in Mobiledoc and a Ghost 6 site in Lexical."""

import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.importers.ghost import GhostImporter, read_export
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.records import find_imported
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
GHOST5 = FIXTURES / "ghost5-mobiledoc.json"
GHOST6 = FIXTURES / "ghost6-lexical.json"


def png(colour: str) -> bytes:
    out = BytesIO()
    PILImage.new("RGB", (40, 30), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def images(tmp_path) -> Path:
    """A copy of the site's content/images folder, as Ghost's export leaves it."""
    root = tmp_path / "content" / "images"
    for name, colour in [
        ("2024/03/field.png", "green"),
        ("2024/03/levee.png", "brown"),
        ("2025/09/probe.png", "silver"),
        ("2025/09/stage1.png", "orange"),
    ]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(png(colour))
    (tmp_path / "secret.png").write_bytes(png("red"))
    return root


def call(command: str, *args: str) -> tuple[str, bool]:
    """An import command's output, and whether it reported failures (exit status 1)."""
    out = StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=StringIO())
    except CommandError:
        return out.getvalue(), True
    return out.getvalue(), False


def run(path: Path, *args: str) -> tuple[str, bool]:
    return call("import_ghost", str(path), *args)


def ghost(kind: str, source_id: str):
    return find_imported(source="ghost", kind=kind, source_id=source_id)


def state() -> tuple:
    return (
        Page.objects.count(),
        ImportedItem.objects.count(),
        Redirect.objects.count(),
        Tag.objects.count(),
        sum(p.revisions.count() for p in ArticlePage.objects.all()),
    )


def test_ghost5_mobiledoc_site(images):
    output, failed = run(GHOST5, "--images", str(images))

    # The mangled post fails with a reason naming it; everything else is in.
    assert failed
    assert "FAILED" in output and "post mangled: its Mobiledoc content is malformed" in output
    assert "article: 3 created" in output and "page: 1 created" in output
    assert ArticlePage.objects.filter(slug="mangled").count() == 0

    # Authors (only those who wrote something), with bio and website; no staff emails.
    marta = ghost("person", "u1")
    assert marta.title == "Marta Quill" and "Covers farming" in marta.bio
    assert marta.website == "https://example.org/marta" and marta.email == ""
    assert ghost("person", "u3") is None

    # The primary tag is the section; the internal #hero tag is skipped, not the primary.
    climate = ghost("section", "t1")
    assert climate.title == "Climate" and climate.live
    assert "skipped" in output and "tag hash-hero: an internal tag" in output

    story = ghost("article", "65f000000000000000000001")
    assert story.get_parent().specific == climate and story.live
    assert story.first_published_at.isoformat() == "2024-03-01T10:00:00+00:00"
    assert story.dek == "A wet spring, and a second try."
    assert [b.person.title for b in story.bylines.all()] == ["Marta Quill", "Tomás Reyes"]
    assert list(story.tags.names()) == ["Rivers"]
    assert story.lead_image.alt_text == "The levee at dawn"
    assert story.lead_image_caption == "Photo by Ana Lind"

    kinds = [block.block_type for block in story.body]
    assert kinds == [
        "paragraph", "image", "subheading", "paragraph", "quote", "fact_box",
        "paragraph", "subheading", "fact_box", "embed", "related_link",
    ]  # fmt: skip
    raw = story.body.raw_data
    first = raw[0]["value"]
    assert "<b>planting again</b>" in first
    assert '<a href="https://example.org/report">county report</a>' in first
    assert raw[1]["value"]["caption"] == "New rows on the east bank in March"
    assert ghost("image", "image:2024/03/field.png#" + _alt_key("Seedlings in wet soil"))
    assert raw[3]["value"] == "<p><i>Silt, mostly</i><br>and a bad link.</p>"  # no javascript:
    assert raw[5]["value"] == {"title": "What growers asked for", "items": ["Seed credit",
                                                                         "Drainage repairs"]}  # fmt: skip
    html_card = raw[6]["value"]
    assert "onclick" not in html_card and "script" not in html_card
    assert "<b>by week</b>" in html_card
    assert raw[8]["value"]["items"] == ["Week 1: 4.1 m", "Week 2: 3.2 m"]
    assert raw[9]["value"]["embed"] == "https://www.youtube.com/watch?v=abc123XYZ"
    assert raw[10]["value"]["url"] == "https://example.org/flood-maps"
    assert "a signup card has no Newsdesk equivalent" in output

    # A draft stays a draft, in the section of its first public tag.
    draft = ghost("article", "65f000000000000000000002")
    assert not draft.live and draft.get_parent().specific == ghost("section", "t2")
    assert Tag.objects.filter(name="Rivers").exists()  # Rivers is a tag elsewhere

    # Scheduled: waits for its time; its Unsplash image is not fetched.
    scheduled = ghost("article", "65f000000000000000000003")
    assert not scheduled.live
    assert scheduled.get_latest_revision().approved_go_live_at.year == 2099
    assert scheduled.lead_image is None and "images.unsplash.com" in output

    # Pages are standard pages; standard pages take no fact boxes or links blocks.
    about = ghost("page", "65f000000000000000000004")
    assert isinstance(about, StandardPage) and about.live
    assert [b.block_type for b in about.body] == ["paragraph", "subheading", "paragraph",
                                                  "paragraph"]  # fmt: skip

    # Old URLs redirect to the new pages.
    for old, page in [
        ("/floodplain-farmers-plant-again", story),
        ("/tag/climate", climate),
        ("/author/marta-quill", marta),
    ]:
        assert Redirect.objects.get(old_path=old).redirect_page_id == page.pk
    # No redirect for a draft, nor for a page whose new path is its old one (it would loop).
    assert not Redirect.objects.filter(old_path="/notes-for-the-river-series").exists()
    assert about.url_path.endswith("/about-the-valley-ledger/")
    assert not Redirect.objects.filter(old_path="/about-the-valley-ledger").exists()


def _alt_key(alt: str) -> str:
    from newsdesk.importers.records import checksum

    return checksum(alt)[:12]


def test_rerun_changes_nothing_and_dry_run_saves_nothing(images):
    run(GHOST5, "--images", str(images))
    before = state()
    output, _ = run(GHOST5, "--images", str(images))
    assert state() == before
    assert " 0 created, 0 updated" in output

    # A dry run of a new export reports what it would do, and leaves no trace.
    output, failed = run(GHOST6, "--images", str(images), "--dry-run")
    assert state() == before and failed
    assert "would be created" in output and "dry run: nothing was saved" in output
    assert ghost("article", "68a000000000000000000001") is None


def test_edited_post_updates_in_place(images, tmp_path):
    run(GHOST5, "--images", str(images))
    story = ghost("article", "65f000000000000000000001")
    data = json.loads(GHOST5.read_text())
    data["db"][0]["data"]["posts"][0]["title"] = "Floodplain farmers plant a second time"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    output, _ = run(edited, "--images", str(images))
    story.refresh_from_db()
    assert story.title == "Floodplain farmers plant a second time"
    assert "article: 1 updated" in output
    assert ArticlePage.objects.filter(title__startswith="Floodplain farmers").count() == 1


def test_ghost6_lexical_site(images):
    output, failed = run(GHOST6, "--images", str(images))
    assert failed and "post broken-body: its Lexical content is malformed" in output

    story = ghost("article", "68a000000000000000000001")
    assert story.live and story.get_parent().title == "Science"
    assert story.get_parent().slug == "science-ghost"  # not the demo's own Science
    assert list(story.tags.names()) == ["Space"]
    ines = ghost("person", "u10")
    assert ines.website == "" and [b.person for b in story.bylines.all()] == [ines]
    assert story.lead_image.alt_text == "The probe on the pad"

    raw = story.body.raw_data
    assert [b["type"] for b in raw] == [
        "paragraph", "paragraph", "subheading", "quote", "pull_quote", "fact_box", "image",
        "image", "paragraph", "embed", "related_link", "subheading", "paragraph",
    ]  # fmt: skip
    assert raw[0]["value"] == (
        "<p>The probe reached orbit at <b>04:12</b> local time, <i>ahead of schedule</i>.</p>"
    )
    assert raw[1]["value"] == (
        '<p>Engineers had <a href="https://example.org/launch-log">logged</a><br>every burn.</p>'
    )
    assert raw[5]["value"]["items"] == ["Solar panels open", "Antenna deployed", "High-gain dish"]
    # The feature image and the body image are one file with one alt text: one image.
    assert raw[6]["value"]["image"] == story.lead_image_id
    assert raw[6]["value"]["caption"] == "Before launch"
    assert "missing.png not found" in output
    assert raw[8]["value"] == (
        '<p>Telemetry <i>table</i> <a href="https://example.org/data">here</a></p>'
    )
    assert raw[9]["value"] == {"embed": "https://vimeo.com/123456", "caption": "Launch replay"}
    assert raw[11]["value"] == "Next steps"
    assert "<b>six weeks</b>" in raw[12]["value"]
    assert "a signup card has no Newsdesk equivalent" in output

    contact = ghost("page", "68a000000000000000000002")
    assert isinstance(contact, StandardPage) and not contact.live
    assert contact.slug != "contact"  # the demo's contact page keeps its slug


def test_images_are_only_read_inside_the_images_folder(images):
    importer = GhostImporter(
        read_export(GHOST6), section=SectionPage.objects.first(), images=images
    )
    assert importer.image_file("2025/09/probe.png") == (images / "2025/09/probe.png").resolve()
    assert importer.image_file("../../secret.png") is None
    notes: list[str] = []
    assert importer.image("file:///etc/passwd", alt="", done=[], notes=notes) is None
    assert "not fetched" in notes[0]


def test_unreadable_exports_are_refused_by_name(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"db": [')
    with pytest.raises(CommandError, match="broken.json: not a JSON file"):
        call_command("import_ghost", str(bad), stdout=StringIO(), stderr=StringIO())
    bad.write_text('{"posts": []}')
    with pytest.raises(CommandError, match="not a Ghost export"):
        call_command("import_ghost", str(bad), stdout=StringIO(), stderr=StringIO())
    assert not PersonPage.objects.filter(slug="marta-quill").exists()


SITE = "https://valley-ledger.example"


def test_links_between_posts_point_at_the_new_pages(images):
    output, _ = run(GHOST5, "--images", str(images), "--site-url", SITE)
    story = ghost("article", "65f000000000000000000001")
    opinion = ghost("article", "65f000000000000000000003")
    about = ghost("page", "65f000000000000000000004")

    # __GHOST_URL__ and relative links. Both targets come later in the export, so the story
    # is imported once more at the end, with its links resolved.
    first = story.body.raw_data[0]["value"]
    assert f'<a linktype="page" id="{opinion.pk}">our view</a>' in first
    assert f'<a linktype="page" id="{about.pk}">who we are</a>' in first
    assert '<a href="https://example.org/report">county report</a>' in first  # elsewhere
    assert "article: 3 created, 1 updated" in output
    assert f'href="{opinion.url}"' in expand_db_html(first)

    # An absolute link with the site's address (query and fragment too) becomes a page link;
    # another host's, or a path that was no post, stays as written.
    raw = opinion.body.raw_data
    assert f'<a linktype="page" id="{story.pk}">planting again</a>' in raw[0]["value"]
    assert (
        '<a href="https://other.example/floodplain-farmers-plant-again/">elsewhere</a>'
        in raw[0]["value"]
    )
    assert '<a href="/no-such-post/">not every plan</a>' in raw[0]["value"]
    # A bookmark card of one of the site's posts is a related link to the article.
    assert raw[-1]["type"] == "related_link"
    assert raw[-1]["value"] == {"page": story.pk, "url": "", "title": ""}

    # Old URLs, and the AMP copies Ghost served until 6.0, redirect to the new pages.
    for old in ("/floodplain-farmers-plant-again", "/floodplain-farmers-plant-again/amp"):
        assert Redirect.objects.get(old_path=old).redirect_page_id == story.pk

    # Run again: nothing left to resolve, nothing changes.
    output, _ = run(GHOST5, "--images", str(images), "--site-url", SITE)
    assert " 0 created, 0 updated" in output


def test_a_site_in_a_subfolder_keeps_its_prefix(images):
    run(GHOST5, "--images", str(images), "--site-url", f"{SITE}/ledger/")
    story = ghost("article", "65f000000000000000000001")
    opinion = ghost("article", "65f000000000000000000003")
    for old, page in [
        ("/ledger/floodplain-farmers-plant-again", story),
        ("/ledger/tag/climate", ghost("section", "t1")),
        ("/ledger/author/marta-quill", ghost("person", "u1")),
    ]:
        assert Redirect.objects.get(old_path=old).redirect_page_id == page.pk
    assert not Redirect.objects.filter(old_path="/floodplain-farmers-plant-again").exists()
    # __GHOST_URL__ stands for the whole address, subfolder included; a path outside the
    # subfolder is not the Ghost site's.
    first = story.body.raw_data[0]["value"]
    assert f'<a linktype="page" id="{opinion.pk}">our view</a>' in first
    assert '<a href="/about-the-valley-ledger/">who we are</a>' in first
    assert "planting again</a>" in opinion.body.raw_data[0]["value"]
    assert f'id="{story.pk}"' not in opinion.body.raw_data[0]["value"]


def test_a_site_url_must_be_a_web_address():
    with pytest.raises(CommandError, match="--site-url: site URL 'valley-ledger' is not"):
        call_command("import_ghost", str(GHOST5), "--site-url", "valley-ledger", stdout=StringIO())


def test_posts_meta_fills_the_seo_and_social_fields(images):
    output, _ = run(GHOST5, "--images", str(images))
    story = ghost("article", "65f000000000000000000001")
    assert story.seo_title == "Floodplain farmers replant after the flood"
    assert story.search_description == "Growers on the valley floor try again after a wet spring."
    assert story.social_image == ghost("image", "image:2024/03/field.png")
    assert story.social_image.file.name.endswith(".png")

    # Without meta_title and meta_description: the Open Graph title, then X's description;
    # X's image is on another host, so it is not fetched and noted.
    opinion = ghost("article", "65f000000000000000000003")
    assert opinion.seo_title == "One flood authority, with teeth"
    assert opinion.search_description == "Why the valley's counties should pool their defences."
    assert opinion.social_image is None and "images.unsplash.com/photo-456" in output

    # No posts_meta row: the fields stay empty (the page falls back to headline and dek).
    draft = ghost("article", "65f000000000000000000002")
    assert draft.seo_title == "" and draft.search_description == ""
