"""The WordPress importer on small exports written for these tests (fixtures/wordpress/)."""

import functools
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.records import find_imported
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
HARBOUR = FIXTURES / "harbour.xml"
SOURCE = "wordpress:harbour.example"


def image_bytes(kind: str, colour: str) -> bytes:
    out = BytesIO()
    PILImage.new("RGB", (60, 40), colour).save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path) -> Path:
    """wp-content/uploads as WordPress keeps it: year/month folders."""
    folder = tmp_path / "uploads" / "2024" / "03"
    folder.mkdir(parents=True)
    (folder / "ferry.jpg").write_bytes(image_bytes("JPEG", "navy"))
    (folder / "market.png").write_bytes(image_bytes("PNG", "orange"))
    return tmp_path / "uploads"


def run(path=HARBOUR, *args, **options) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def article(post_id: str) -> ArticlePage:
    page = find_imported(source=SOURCE, kind="article", source_id=post_id)
    assert page is not None, f"post {post_id} was not imported"
    return page


def imported(kind: str) -> int:
    return ImportedItem.objects.filter(source=SOURCE, kind=kind).count()


def block_types(page: ArticlePage) -> list[str]:
    return [block.block_type for block in page.body]


def test_posts_authors_terms_and_statuses(uploads):
    summary = run(uploads=uploads)

    assert imported("person") == 2 and imported("section") == 2 and imported("tag") == 2
    mara = PersonPage.objects.get(title="Mara Quayside")
    assert "port authority" in mara.bio and "@" not in mara.bio
    assert PersonPage.objects.filter(title="Tobi Netmaker").exists()
    news = SectionPage.objects.get(slug="quay-news")
    assert news.intro == "What happens on the water."
    assert set(
        Tag.objects.filter(slug__in=["ferries", "night-market"]).values_list("name", flat=True)
    ) == {"Ferries", "Night market"}

    # Posts 101-106 are articles; the trashed post and the page are skipped with a reason.
    assert imported("article") == 6
    assert "skipped" in summary and "status 'trash' is not imported" in summary
    assert "pages are not imported as articles" in summary
    ferry, market = article("101"), article("102")
    assert ferry.live and market.live
    assert ferry.get_parent().specific == news
    assert [b.person.title for b in ferry.bylines.all()] == ["Mara Quayside"]
    assert [t.slug for t in ferry.tags.all()] == ["ferries"]
    assert ferry.first_published_at == datetime(2024, 3, 14, 9, 30, tzinfo=UTC)
    assert ferry.updated_at == datetime(2024, 3, 15, 11, 0, tzinfo=UTC)
    assert market.updated_at is None  # edited ten minutes after publishing: not an update
    assert ferry.dek == "Earlier first crossings and later evening sailings."
    assert sorted(t.slug for t in market.tags.all()) == ["ferries", "night-market"]

    draft, pending, future, private = (article(n) for n in ("103", "104", "105", "106"))
    assert not draft.live and not pending.live and not private.live
    assert not future.live
    scheduled = future.get_latest_revision()
    assert scheduled.approved_go_live_at == datetime(2099, 6, 1, 7, 0, tzinfo=UTC)
    assert private not in ArticlePage.objects.published()


def test_content_shortcodes_gutenberg_and_links(uploads):
    run(uploads=uploads)
    ferry, market, draft = article("101"), article("102"), article("103")
    market_image = find_imported(source=SOURCE, kind="image", source_id="21")

    assert block_types(ferry) == [
        "paragraph",
        "paragraph",
        "image",
        "subheading",
        "paragraph",
        "quote",
    ]
    first, second, figure, heading, links, quote = ferry.body
    assert (
        first.value.source
        == "<p>The first crossing will leave at <b>six</b> instead of seven, the port authority said on Thursday.</p>"
    )
    # A link to a post further down the file is resolved on the second look.
    assert (
        f'<a linktype="page" id="{market.pk}">the night market returns</a>' in second.value.source
    )
    assert figure.value["image"].pk == market_image.pk
    assert figure.value["caption"] == "Stalls along the old quay, [sic] as every spring."
    assert heading.value == "What changes"
    assert f'<a linktype="page" id="{draft.pk}">in the archive</a>' in links.value.source
    assert '<a href="https://elsewhere.example/ferries/">elsewhere</a>' in links.value.source
    assert "alert" not in str(ferry.body.raw_data)
    assert quote.value["text"] == "We listened to the commuters."
    assert quote.value["attribution"] == "Port authority spokesperson"

    assert block_types(market) == ["paragraph", "subheading", "quote", "image", "fact_box", "embed"]
    lead, sub, said, picture, facts, embed = market.body
    assert "<i>every Friday</i>" in lead.value.source
    assert f'<a linktype="page" id="{ferry.pk}">the timetable story</a>' in lead.value.source
    assert sub.value == "Food and music"
    assert (said.value["text"], said.value["attribution"]) == (
        "The quay is ours again on Friday nights.",
        "A stallholder",
    )
    assert picture.value["image"].pk == market_image.pk
    assert picture.value["caption"] == "Lanterns over the stalls"
    assert facts.value["title"] == "What to bring"
    assert list(facts.value["items"]) == ["Cash for the smaller stalls", "A warm coat"]
    assert embed.value["embed"].url == "https://www.youtube.com/watch?v=quay2024"
    assert embed.value["caption"] == "Last year's opening night"

    pending = article("104").get_latest_revision_as_object()
    assert [b.block_type for b in pending.body] == ["paragraph", "embed"]
    assert pending.body[1].value["embed"].url == "https://vimeo.com/123456"


def test_featured_images_with_caption_and_alt_from_uploads(uploads):
    summary = run(uploads=uploads)
    ferry = article("101")
    image = ferry.lead_image
    assert image is not None and image.title == "ferry-at-pier"
    assert image.caption == "The morning ferry waits at the east pier."
    assert image.alt_text == "A white ferry moored at a wooden pier"
    assert (image.width, image.height) == (60, 40)
    assert imported("image") == 2  # the PDF attachment is not an image
    assert "FAILED" not in summary


def test_comments_keep_threads_and_moderation(uploads):
    run(uploads=uploads)
    comments = Comment.objects.filter(article=article("101")).order_by("created_at")
    assert [(c.author_name, c.status) for c in comments] == [
        ("Ana Reader", "approved"),
        ("Mara Quayside", "approved"),
        ("Pending Pia", "pending"),
    ]
    ana, mara, pia = comments
    assert ana.parent is None and mara.parent == ana and pia.parent == ana
    assert ana.body == "Finally an earlier boat.\nI work at seven."
    assert ana.created_at == datetime(2024, 3, 14, 11, 0, tzinfo=UTC)
    assert mara.is_staff_reply and not ana.is_staff_reply
    assert ana.author_url == "https://ana.example"
    # Spam and pingbacks are dropped.
    assert not Comment.objects.filter(author_name__in=["Cheap Pills", "Another Blog"]).exists()


def test_sticky_posts_become_top_stories_once(uploads):
    home = HomePage.objects.get()
    before = list(home.top_stories.values_list("article_id", flat=True))
    summary = run(uploads=uploads)
    assert "home page pick: 1 created" in summary, summary
    home.refresh_from_db()
    picks = list(home.top_stories.values_list("article_id", flat=True))
    assert picks == [*before, article("101").pk]
    # An editor takes the pick off; a later run does not put it back.
    home.top_stories.filter(article_id=article("101").pk).delete()
    run(uploads=uploads)
    assert article("101").pk not in home.top_stories.values_list("article_id", flat=True)


def test_reimport_updates_instead_of_duplicating(uploads, tmp_path):
    run(uploads=uploads)
    counts = {kind: imported(kind) for kind in ("article", "person", "image", "comment")}
    pages, comments, images = (
        ArticlePage.objects.count(),
        Comment.objects.count(),
        get_image_model().objects.count(),
    )

    again = run(uploads=uploads)
    assert "0 created, 0 updated" in again
    edited = tmp_path / "edited.xml"
    edited.write_text(
        HARBOUR.read_text()
        .replace("Night market returns to the quay", "Night market returns for good")
        .replace("Glad it helps, Ana.", "Glad it helps, Ana. See you aboard.")
    )
    changed = run(edited, uploads=uploads)
    assert "0 created" in changed and "article: 1 updated" in changed

    assert {kind: imported(kind) for kind in counts} == counts
    assert (
        ArticlePage.objects.count(),
        Comment.objects.count(),
        get_image_model().objects.count(),
    ) == (pages, comments, images)
    assert article("102").title == "Night market returns for good"
    assert Comment.objects.filter(body="Glad it helps, Ana. See you aboard.").count() == 1


def test_dry_run_reports_and_saves_nothing(uploads):
    pages = ArticlePage.objects.count()
    summary = run(uploads=uploads, dry_run=True)
    assert "would be created" in summary and "dry run: nothing was saved" in summary
    assert "article: 6 created" in summary
    assert ArticlePage.objects.count() == pages
    assert not ImportedItem.objects.filter(source=SOURCE).exists()


def test_old_addresses_redirect_to_the_articles(client, uploads):
    run(uploads=uploads)
    # The ferry story: the market story has a video embed, which would be fetched to render.
    ferry = article("101")
    for old in ("/2024/03/14/ferry-timetable-changes/", "/?p=101"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == ferry.url
    page = client.get(ferry.url)
    assert page.status_code == 200
    assert f'href="{article("102").url}"' in page.content.decode()  # the rewritten link
    assert Redirect.objects.filter(redirect_page=ferry).count() == 2
    assert client.get("/?p=999").status_code == 200  # an unknown id is the home page still


def test_images_from_an_allowed_host_only(uploads, tmp_path):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(uploads.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/uploads/"
        remote = tmp_path / "remote.xml"
        remote.write_text(
            HARBOUR.read_text().replace("https://harbour.example/wp-content/uploads/", base)
        )
        with pytest.raises(CommandError):
            run(remote, allow_host=["media.example"])  # the server's host is not allowed
        assert imported("image") == 0
        run(remote, allow_host=["127.0.0.1"])
        assert imported("image") == 2
        assert article("101").lead_image.alt_text == "A white ferry moored at a wooden pier"
    finally:
        server.shutdown()
        server.server_close()


def test_without_files_images_are_skipped_not_fetched():
    summary = run()
    assert "no --uploads folder or --allow-host given" in summary
    assert imported("image") == 0 and article("101").lead_image is None
    assert "featured image 20 was not imported" in summary


def test_categories_as_tags_when_sections_are_set_up(uploads):
    world = SectionPage.objects.get(slug="world")
    run(uploads=uploads, sections_from="tags")
    assert not SectionPage.objects.filter(slug__startswith="quay-").exists()
    ferry = article("101")
    assert ferry.get_parent().pk == SectionPage.objects.order_by("path").first().pk
    assert {t.slug for t in ferry.tags.all()} == {"ferries", "quay-news"}
    assert world.pk  # the demo's sections stay as they were


HOSTILE = {
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;">]><rss><channel><title>&c;</title></channel></rss>'
    ),
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret}">]>'
        "<rss><channel><title>&secret;</title></channel></rss>"
    ),
    "external DTD": (
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
        "<rss><channel><title>x</title></channel></rss>"
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_and_nothing_is_created(name, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read-me")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(HOSTILE[name].format(secret=secret))
    before = ArticlePage.objects.count(), PersonPage.objects.count(), ImportedItem.objects.count()
    with pytest.raises(CommandError) as refused:
        run(hostile)
    assert str(hostile) in str(refused.value) and "refused" in str(refused.value)
    assert "do-not-read-me" not in str(refused.value)
    after = ArticlePage.objects.count(), PersonPage.objects.count(), ImportedItem.objects.count()
    assert after == before


def test_broken_xml_is_named_with_its_line(tmp_path):
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(HARBOUR.read_text()[:6000])
    with pytest.raises(CommandError, match=r"truncated\.xml: not well-formed XML \(line \d+"):
        run(truncated)
    assert not ImportedItem.objects.filter(source=SOURCE).exists()


def test_a_bad_item_is_reported_and_the_rest_imported(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="2 item"):
        call_command(
            "import_wordpress", str(FIXTURES / "broken.xml"), stdout=out, stderr=StringIO()
        )
    summary = out.getvalue()
    assert "broken.xml: post x7 'No number': post id 'x7' is not a number" in summary
    assert "broken.xml: post 202 'Bad date': bad date '2024-02-31 25:00:00'" in summary
    source = "wordpress:broken.example"
    titles = {
        find_imported(source=source, kind="article", source_id=n).title for n in ("201", "203")
    }
    assert titles == {"The first good post", "The second good post"}
    assert find_imported(source=source, kind="article", source_id="202") is None
