"""Copy intake into drafts: the seed page and copy of our own, by service and by command."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.comments.services import thread
from newsdesk.importers.intake import NEEDS_HEADLINE, import_copy
from newsdesk.importers.models import ImportedItem
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

CODES = {"paragraph": "p", "subheading": "h2"}


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


@pytest.fixture
def seed(seed_dir):
    expected = json.loads((seed_dir / "expected.json").read_text(encoding="utf-8"))
    return expected, (seed_dir / expected["source"]).read_text(encoding="utf-8")


def test_seed_copy_becomes_a_flagged_draft_with_its_comment_thread(world, seed):
    expected, text = seed
    result = import_copy(text=text, section=world)
    page = ArticlePage.objects.get(pk=result.article.obj.pk)
    assert not page.live and page.get_parent().pk == world.pk
    assert page.title == f"{NEEDS_HEADLINE} {result.parsed.suggested_headline}"
    assert page.lead_image is None
    assert page.lead_image_caption == expected["lead_image_caption"]
    assert page.lead_image_credit == expected["lead_image_credit"]
    assert page.dateline_date.isoformat() == expected["dateline_date"]
    assert [CODES[b.block_type] for b in page.body] == expected["body_block_order"]
    assert [b.value for b in page.body if b.block_type == "subheading"] == expected["subheadings"]
    assert [(c.role, c.name) for c in page.credits.all()] == [("editor", expected["editor_credit"])]
    lines = expected["trailing_comment_lines"]
    assert all(line not in str(block.value) for block in page.body for line in lines)

    comments = list(Comment.objects.filter(article=page).order_by("created_at", "pk"))
    assert [c.body for c in comments] == [f"{lines[0]}\n\n{lines[1]}", *lines[2:]]
    assert [c.author_name for c in comments] == ["Carlos", "Anonymous"] * 2 + ["Carlos"]
    assert [c.parent_id for c in comments] == [None, *[c.pk for c in comments[:-1]]]
    assert {c.status for c in comments} == {Comment.Status.APPROVED}
    # Seen by readers once the editor writes a headline and publishes the draft.
    assert not ArticlePage.objects.published().filter(pk=page.pk).exists()
    page.title = page.draft_title = result.parsed.suggested_headline
    page.save_revision().publish()
    assert len(thread(article=page)) == 1


def test_pasting_the_same_copy_again_changes_nothing(world, seed):
    _expected, text = seed
    first = import_copy(text=text, section=world)
    again = import_copy(text=text, section=world)
    assert again.article.obj.pk == first.article.obj.pk
    assert again.article.action == "unchanged"
    assert {c.action for c in again.comments} == {"unchanged"}
    assert Comment.objects.filter(article=first.article.obj).count() == 5


COPY = """\
Night buses return to the harbour district
After a year without them, the routes run again from Friday.
By Amara Okafor and Lukas Brandt
Photo: Harbour Transit
HAMBURG, March 4 (dpa) — Three night bus routes will serve the harbour district again.
Key changes:
- Buses every 20 minutes
- A new stop at the fish market
Edited by Sofia Marchetti
Tags: Transport, Hamburg
"""


def test_copy_with_a_known_writer_becomes_a_byline_and_the_rest_stays_text(world):
    result = import_copy(text=COPY, section=world, source_id="test:buses")
    page = ArticlePage.objects.get(pk=result.article.obj.pk)
    assert page.title == "Night buses return to the harbour district"
    assert page.dek == "After a year without them, the routes run again from Friday."
    assert [b.person for b in page.bylines.all()] == [PersonPage.objects.get(slug="amara-okafor")]
    assert page.byline_text == "Lukas Brandt and dpa"
    assert page.lead_image_credit == "Photo: Harbour Transit"
    assert (page.dateline_place, page.dateline_date.month) == ("HAMBURG", 3)
    assert [b.block_type for b in page.body] == ["paragraph", "fact_box"]
    assert page.body[1].value["title"] == "Key changes"
    assert list(page.body[1].value["items"]) == [
        "Buses every 20 minutes",
        "A new stop at the fish market",
    ]
    assert [(c.role, c.name) for c in page.credits.all()] == [("editor", "Sofia Marchetti")]
    assert sorted(t.name for t in page.tags.all()) == ["Hamburg", "Transport"]
    assert any("Lukas Brandt" in note for note in result.notes)


def test_editing_the_copy_updates_the_draft_and_drops_comments_it_no_longer_has(world):
    text = "Short piece on trams\nTrams run late tonight.\nEditor: Ana Lima\nFirst!\nSecond!"
    first = import_copy(text=text, section=world, source_id="test:trams")
    assert Comment.objects.filter(article=first.article.obj).count() == 2
    shorter = text.rsplit("\n", 1)[0].replace("late", "very late")
    again = import_copy(text=shorter, section=world, source_id="test:trams")
    assert again.article.action == "updated" and again.article.obj.pk == first.article.obj.pk
    assert list(
        Comment.objects.filter(article=first.article.obj).values_list("body", flat=True)
    ) == ["First!"]
    assert (
        ImportedItem.objects.filter(kind="comment", source_id__startswith="test:trams").count() == 1
    )


def test_import_text_command_is_idempotent_and_dry_run_saves_nothing(tmp_path, world):
    story = tmp_path / "story.txt"
    story.write_text(COPY, encoding="utf-8")
    before = ArticlePage.objects.count()

    out = StringIO()
    call_command("import_text", str(story), "--section", "world", "--dry-run", stdout=out)
    assert "1 would be created" in out.getvalue() and ArticlePage.objects.count() == before

    call_command("import_text", str(story), "--section", "world", stdout=StringIO())
    assert ArticlePage.objects.count() == before + 1
    out = StringIO()
    call_command("import_text", str(story), "--section", "world", stdout=out)
    assert "1 item(s): 0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert ArticlePage.objects.count() == before + 1


def test_import_text_command_names_each_bad_file_and_imports_the_rest(tmp_path, world):
    good = tmp_path / "good.txt"
    good.write_text(COPY, encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 society\nThe caf\xe9 reopened.".encode("latin-1"))
    out = StringIO()
    with pytest.raises(CommandError, match="2 item"):
        call_command(
            "import_text", str(latin), str(tmp_path / "missing.txt"), str(good), stdout=out
        )
    summary = out.getvalue()
    assert f"FAILED {latin}: copy: not UTF-8 text (byte 3)" in summary
    assert f"FAILED {tmp_path / 'missing.txt'}: copy: no such file" in summary
    assert ArticlePage.objects.filter(title__startswith="Night buses").exists()
    with pytest.raises(CommandError, match="No section 'nowhere'"):
        call_command("import_text", str(good), "--section", "nowhere", stdout=StringIO())
    assert get_user_model().objects.exists()
