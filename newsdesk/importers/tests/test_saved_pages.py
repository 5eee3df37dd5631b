"""Saved web pages: a news site's page, a blog post and an old table-layout page as drafts."""

import shutil
from pathlib import Path

import pytest
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage
from newsdesk.comments.models import Comment
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.saved_pages import read_page
from newsdesk.importers.tests.test_ghost import call, png

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "saved_pages"
CHROME = [
    "Subscribe today", "Trending now", "Ferry timetable", "Privacy policy", "All rights reserved",
    "morning briefing", "Advertisement", "Share this", "About me", "Archive", "Powered by",
    "Front page", "Letters to the editor", "Quay Street", "Best viewed",
]  # fmt: skip


@pytest.fixture
def site(tmp_path) -> Path:
    """The saved pages as a browser leaves them: each page with its files beside it."""
    root = tmp_path / "saved"
    shutil.copytree(FIXTURES, root)
    for name, colour in [("harbour-news_files/cranes.png", "blue"), ("images/beds.png", "green")]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(png(colour))
    return root


def run(path: Path, *args: str) -> tuple[str, bool]:
    return call("import_html", str(path), *args)


def draft(title: str) -> ArticlePage:
    return ArticlePage.objects.get(title=title)


def body_text(page: ArticlePage) -> str:
    revision = page.get_latest_revision_as_object()
    return repr(revision.body.raw_data) + revision.title + revision.dek


def state() -> tuple:
    return (
        Page.objects.count(),
        ImportedItem.objects.count(),
        Comment.objects.count(),
        sum(p.revisions.count() for p in ArticlePage.objects.all()),
    )


def test_a_folder_of_saved_pages_becomes_drafts(site):
    (site / "nav-only.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav><footer>© 2020</footer></body></html>"
    )
    output, failed = run(site, "--section", "business")
    assert failed and "nav-only.html: page: no article text found" in output
    assert "article: 3 created" in output

    # A news site's page: the article only, structured like copy, with its comments.
    harbour = draft("Harbour cranes return after the strike")
    assert not harbour.live and harbour.get_parent().slug == "business"
    assert harbour.byline_text == "Lena Hart and Reuters"  # the dateline's agency
    assert (harbour.dateline_place, str(harbour.dateline_date)) == ("ROTTERDAM", "2026-03-04")
    blocks = [(b.block_type, str(b.value)[:30]) for b in harbour.body]
    assert blocks[0] == ("paragraph", "<p>The first container ship in")
    assert [v for kind, v in blocks if kind == "subheading"] == [
        "What the deal changes",
        "A backlog of weeks",
    ]
    assert len([1 for kind, _v in blocks if kind == "paragraph"]) == 6
    assert ("editor", "Sam Ode") in [(c.role, c.name) for c in harbour.credits.all()]
    text = body_text(harbour)
    assert not [phrase for phrase in CHROME if phrase in text]
    comments = list(Comment.objects.filter(article=harbour).order_by("created_at"))
    assert [(c.author_name, c.parent_id) for c in comments] == [
        ("Joris", None),
        ("Anneke", comments[0].pk),
    ]
    assert harbour.lead_image.alt_text == "Three cranes over a container ship"
    assert harbour.lead_image_caption == "Cranes moved the first containers on Wednesday morning."
    assert "Piet Mol" in harbour.lead_image_credit

    # A blog post: figure and figcaption, a list with its lead-in, the post's own date.
    garden = draft("Winter beds for a small garden")
    assert garden.byline_text == "Oskar Brandt" and str(garden.dateline_date) == "2025-11-20"
    boxes = [b.value for b in garden.body if b.block_type == "fact_box"]
    assert boxes[0]["title"] == "You will need" and len(boxes[0]["items"]) == 3
    assert garden.lead_image.title and garden.lead_image_caption.startswith("The raised beds")
    assert not [phrase for phrase in CHROME if phrase in body_text(garden)]

    # An old table-layout page: menu and footer left out, its remote photo not fetched.
    rowing = draft("Rowing club opens its boathouse to schools")
    assert "SAFETY FIRST" in [b.value for b in rowing.body if b.block_type == "subheading"]
    assert not [phrase for phrase in CHROME if phrase in body_text(rowing)]
    assert not Comment.objects.filter(article=rowing).exists()
    assert rowing.lead_image is None
    assert "photos.example.net/boathouse.jpg is not saved with the page: not fetched" in output


def test_rerun_changes_nothing_and_dry_run_saves_nothing(site, tmp_path):
    run(site)
    before = state()
    output, failed = run(site)
    assert not failed and state() == before
    assert "0 created, 0 updated" in output and "article: 3 unchanged" in output

    # The same page saved again elsewhere is the same story (canonical URL, else content).
    elsewhere = tmp_path / "again"
    elsewhere.mkdir()
    shutil.copy(site / "rowing-club.htm", elsewhere / "copy.htm")
    output, _ = run(elsewhere)
    assert state() == before and "1 unchanged" in output

    other = tmp_path / "other"
    other.mkdir()
    page = (site / "rowing-club.htm").read_text().replace("Rowing club", "Sailing club")
    (other / "sailing.html").write_text(page)
    output, _ = run(other, "--dry-run")
    assert state() == before and "1 would be created" in output
    assert not ArticlePage.objects.filter(title__startswith="Sailing club").exists()


def test_an_edited_page_updates_its_draft(site):
    run(site / "garden-blog.html")
    garden = draft("Winter beds for a small garden")
    page = site / "garden-blog.html"
    page.write_text(page.read_text().replace("Two bales of straw", "Three bales of straw"))
    output, _ = run(page)
    # Without a canonical URL the page is keyed on its content: an edited copy is a new draft,
    # and the first one is left as it was.
    assert "article: 1 created" in output
    garden.refresh_from_db()
    assert "Two bales" in body_text(garden)


def test_lead_images_are_only_read_beside_the_page(tmp_path):
    (tmp_path / "secret.png").write_bytes(png("red"))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "story.html").write_text(
        "<html><head><title>Night ferry returns to the island</title></head><body><article>"
        "<h1>Night ferry returns to the island</h1><figure><img src='../secret.png' alt='x'>"
        "<figcaption>The ferry at the pier on Friday evening.</figcaption></figure>"
        + "<p>The night ferry to the island runs again from Friday, after a winter in dry dock "
        "and a refit of its engines, the operator said on Monday.</p>"
        * 3
        + "</article></body></html>"
    )
    output, failed = run(folder)
    assert not failed and "../secret.png not found beside the page" in output
    assert draft("Night ferry returns to the island").lead_image is None


def test_read_page_refuses_pages_without_an_article():
    page = read_page((FIXTURES / "garden-blog.html").read_bytes())
    assert page.title == "Winter beds for a small garden" and page.url == ""
    assert page.lead_image.src == "images/beds.png" and page.lead_image.credit == ""
    with pytest.raises(Exception, match="no article text"):
        read_page(b"<html><body><nav>Home</nav></body></html>")
