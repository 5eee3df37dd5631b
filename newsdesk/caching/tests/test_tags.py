"""Validators and cache tags on public responses, and which tags each kind of change purges."""

import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from newsdesk.articles.models import ArticlePage, HomePage, SectionPage
from newsdesk.caching import services
from newsdesk.caching import tags as t
from newsdesk.caching.backends import VarnishBackend
from newsdesk.caching.tagstore import FileTagStore
from newsdesk.core.models import BreakingNews
from newsdesk.demo import factories
from newsdesk.distribution.models import Distribution
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PeopleIndexPage, PersonPage

pytestmark = pytest.mark.django_db


def tags_of(client, path: str, status: int = 200) -> set[str]:
    response = client.get(path)
    assert response.status_code == status, path
    return set(response[t.HEADER].split())


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


@pytest.fixture
def story(world):
    return ArticlePage.objects.published().child_of(world).filter(bylines__isnull=False).first()


def test_pages_carry_what_they_show(client, world, story):
    home = HomePage.objects.get()
    front = tags_of(client, "/")
    assert {t.ALL, t.ARTICLES, t.page_tag(home.pk)} <= front
    assert t.page_tag(story.pk) in front  # a card on the front page

    section = tags_of(client, world.url)
    assert {t.section_tag(world.pk), t.page_tag(story.pk)} <= section
    assert t.ARTICLES not in section
    assert tags_of(client, world.url + "?page=2") >= {t.section_tag(world.pk)}

    article = tags_of(client, story.url)
    person = story.bylines.first().person
    assert {t.page_tag(story.pk), t.page_tag(person.pk)} <= article
    assert t.section_tag(world.pk) not in article  # related stories: see docs/caching.md

    profile = tags_of(client, person.url)
    assert {t.person_tag(person.pk), t.page_tag(person.pk), t.page_tag(story.pk)} <= profile
    assert t.PEOPLE in tags_of(client, PeopleIndexPage.objects.get().url)

    tag = story.tags.first()
    assert {t.tag_tag(tag.pk), t.page_tag(story.pk)} <= tags_of(client, f"/tags/{tag.slug}/")

    month = timezone.localtime(story.first_published_at)
    archive = tags_of(client, f"/archive/{month:%Y}/{month.month}/")
    assert {t.archive_tag(story.first_published_at), t.page_tag(story.pk)} <= archive
    assert t.ARTICLES not in archive
    assert t.ARTICLES in tags_of(client, "/archive/")


def test_feeds_sitemaps_and_other_routes(client, world, story):
    person = story.bylines.first().person
    tag = story.tags.first()
    assert t.ARTICLES in tags_of(client, "/feeds/rss/")
    assert t.section_tag(world.pk) in tags_of(client, f"/feeds/sections/{world.slug}/atom/")
    assert t.person_tag(person.pk) in tags_of(client, f"/feeds/authors/{person.slug}/rss/")
    assert t.tag_tag(tag.pk) in tags_of(client, f"/feeds/tags/{tag.slug}/rss/")
    assert t.page_tag(story.pk) in tags_of(client, "/feeds/rss/")

    for path in ("/sitemap.xml", "/sitemaps/pages.xml", "/news-sitemap.xml"):
        assert t.SITEMAPS in tags_of(client, path), path
    month = timezone.localtime(story.first_published_at)
    path = f"/sitemaps/articles-{month:%Y-%m}.xml"
    assert t.archive_tag(story.first_published_at) == f"archive-{month:%Y-%m}"
    assert t.archive_tag(story.first_published_at) in tags_of(client, path)

    assert {t.ARTICLES, t.PEOPLE} <= tags_of(client, "/search/?q=election")
    assert t.CORRECTIONS in tags_of(client, "/corrections/")
    assert tags_of(client, "/no-such-page/", status=404) == {t.ALL, t.MISSING}


def test_admin_and_previews_are_neither_public_nor_tagged(client):
    for path in ("/admin/login/", "/django-admin/login/"):
        response = client.get(path)
        assert t.HEADER not in response and "public" not in response.get("Cache-Control", "")


def test_strong_etags_and_stable_last_modified_give_304s(client, world):
    first = client.get(world.url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    time.sleep(1.1)
    again = client.get(world.url)
    assert again["ETag"] == etag and again["Last-Modified"] == last_modified

    assert client.get(world.url, headers={"If-None-Match": etag}).status_code == 304
    by_date = client.get(world.url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304 and by_date.content == b""
    assert by_date["ETag"] == etag and "public" in by_date["Cache-Control"]
    earlier = http_date(time.time() - 3600)
    assert client.get(world.url, headers={"If-Modified-Since": earlier}).status_code == 200

    # New bytes: a new ETag and a later Last-Modified, even within the same second.
    world.title = "World news"
    world.save_revision().publish()
    changed = client.get(world.url, headers={"If-Modified-Since": last_modified})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed["Last-Modified"] != last_modified


def test_the_banner_shortens_the_cache_lifetime_to_its_expiry(client):
    banner = BreakingNews.for_site(Site.objects.get(is_default_site=True))
    banner.enabled, banner.text = True, "Storm warning"
    banner.expires_at = timezone.now() + timedelta(seconds=90)
    banner.save()
    cache_control = client.get("/")["Cache-Control"]
    # Up to the 90 seconds left (fewer if the render itself was slow), never the usual 300.
    assert 30 < int(re.search(r"s-maxage=(\d+)", cache_control)[1]) <= 90
    assert "max-age=60" in cache_control
    banner.expires_at = None
    banner.save()
    assert "s-maxage=300" in client.get("/")["Cache-Control"]


def test_too_many_cards_fall_back_to_list_tags(rf):
    request = rf.get("/")
    response = type("R", (), {"status_code": 200})()
    many = {f"page-{n}" for n in range(1000)}
    tags = t.response_tags(request, response, many)
    assert not any(tag.startswith("page-") for tag in tags)
    assert {t.ALL, t.ARTICLES, t.PEOPLE} <= set(tags)


@pytest.fixture
def purged(monkeypatch, django_capture_on_commit_callbacks):
    """What services.purge_tags is asked, once the transaction's commit hooks have run."""
    calls: list[tuple[set[str], bool]] = []
    monkeypatch.setattr(
        services, "purge_tags", lambda tags, hard=False: calls.append((set(tags), hard))
    )

    class Purged:
        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

        def tags(self, *, hard=None):
            return set().union(*[c for c, h in calls if hard is None or h == hard] or [set()])

    purged = Purged()
    purged.calls = calls
    return purged


def test_an_article_purges_itself_its_lists_and_nothing_else(purged, world, story):
    person = story.bylines.first().person
    expected = {
        t.page_tag(story.pk),
        t.section_tag(world.pk),
        t.person_tag(person.pk),
        t.ARTICLES,
        t.SITEMAPS,
        t.MISSING,
        t.archive_tag(story.first_published_at),
        *(t.tag_tag(tag.pk) for tag in story.tags.all()),
    }
    story.title = "A new headline"
    with purged():
        story.save_revision().publish()
    assert purged.tags() == expected and len(purged.calls) == 1

    purged.calls.clear()
    with purged():
        story.unpublish()
    assert purged.tags(hard=True) == expected


def test_a_moved_article_purges_both_sections(purged, world, story):
    science = SectionPage.objects.get(slug="science")
    with purged():
        story.move(science, pos="last-child")
    assert {t.section_tag(world.pk), t.section_tag(science.pk), t.page_tag(story.pk)} <= (
        purged.tags()
    )
    assert t.ALL not in purged.tags()


def test_a_deleted_article_is_purged_hard(purged, story):
    with purged():
        story.delete()
    assert t.page_tag(story.pk) in purged.tags(hard=True)


def test_people_standard_pages_and_the_chrome(purged):
    person = PersonPage.objects.get(slug="kwame-mensah")
    with purged():
        person.save_revision().publish()
    assert purged.tags() == {t.page_tag(person.pk), t.PEOPLE, t.SITEMAPS, t.MISSING}

    about = StandardPage.objects.get(slug="about")
    nested = StandardPage(title="Our history", slug="history")
    about.add_child(instance=nested)
    for page, tags in ((nested, {t.page_tag(nested.pk)}), (about, {t.ALL})):
        purged.calls.clear()
        with purged():
            page.save_revision().publish()
        assert tags <= purged.tags() and (t.ALL in tags) == (t.ALL in purged.tags()), page

    for page in (SectionPage.objects.get(slug="world"), HomePage.objects.get()):
        purged.calls.clear()
        with purged():
            page.save_revision().publish()
        assert purged.tags() == {t.ALL}, page


def test_settings_sites_and_redirects(purged):
    site = Site.objects.get(is_default_site=True)
    with purged():
        setting = Distribution.for_site(site)  # created with defaults: nothing changes
    assert purged.calls == []
    for change in (
        lambda: BreakingNews.objects.update_or_create(site=site, defaults={"text": "Hi"}),
        lambda: setting.save(),
        lambda: site.save(),
    ):
        purged.calls.clear()
        with purged():
            change()
        assert purged.tags() == {t.ALL}
    purged.calls.clear()
    with purged():
        Redirect.objects.create(old_path="/old-story", redirect_link="/world/")
    assert purged.tags() == {t.MISSING}


def test_an_image_purges_the_pages_that_show_it_and_nothing_else(purged, world, story):
    lead = factories.make_image(title="Harbour at dawn", size=(320, 180))
    person = PersonPage.objects.get(slug="kwame-mensah")
    with purged():  # the set-up's own purges sent
        story.lead_image = person.photo = lead
        story.save_revision().publish()
        person.save_revision().publish()
        other = factories.make_article(
            section=world, headline="The quay, drawn", body=[{"type": "image", "value": {}}]
        )
    in_body = other.body[0].value["image"]

    purged.calls.clear()
    with purged():
        lead.caption = "The harbour at dawn, before the boats came in."
        lead.save()
    assert purged.tags() == {t.page_tag(story.pk), t.page_tag(person.pk)}
    purged.calls.clear()
    with purged():  # Wagtail recording the file's size on first use changes nothing shown
        lead.file_size = 1234
        lead.save(update_fields=["file_size"])
    assert purged.calls == []
    with purged():  # found through the body's reference (Wagtail's reference index)
        in_body.delete()
    assert purged.tags() == {t.page_tag(other.pk)}

    logo = factories.make_image(title="Logo", size=(320, 180))
    Distribution.objects.update(logo=logo)
    purged.calls.clear()
    with purged():
        logo.save()
    assert purged.tags() == {t.ALL}


def test_comments_and_notes_purge_their_article(purged, story):
    from newsdesk.comments.models import Comment
    from newsdesk.comments.services import comment_store, moderate
    from newsdesk.corrections.services import note_add

    comment = comment_store(article=story, name="A", body="Hello there", status="pending")
    with purged():
        moderate(comments=[comment], status=Comment.Status.REMOVED)
    assert purged.tags(hard=True) == {t.page_tag(story.pk)}

    purged.calls.clear()
    with purged():
        note_add(article=story, kind="correction", text="We misspelt a name.")
    assert purged.tags() == {t.page_tag(story.pk), t.CORRECTIONS}


def test_one_transaction_purges_once(purged, story):
    from django.db import transaction

    with purged(), transaction.atomic():
        services.purge_tags_on_commit({"page-1"})
        services.purge_tags_on_commit({"page-2"}, hard=True)
        services.purge_tags_on_commit({"page-2", "page-3"})
    assert sorted(purged.calls, key=lambda c: c[1]) == [
        ({"page-1", "page-3"}, False),
        ({"page-2"}, True),
    ]

    purged.calls.clear()
    with purged():
        try:
            with transaction.atomic():
                services.purge_tags_on_commit({"page-4"})
                raise RuntimeError
        except RuntimeError:
            pass
    assert purged.calls == []


def test_the_shared_tag_file_carries_purges_across_processes(tmp_path, settings):
    store = FileTagStore(tmp_path / "tags")
    mark = store.mark()
    assert store.fresh(["page-1", "page-2"], mark)
    code = "import sys; from newsdesk.caching.tagstore import FileTagStore as S; "
    code += "S(sys.argv[1]).purge(['page-1'])"
    subprocess.run(  # noqa: S603 - this interpreter, our code
        [sys.executable, "-c", code, str(tmp_path / "tags")], cwd=settings.BASE_DIR, check=True
    )
    assert not store.fresh(["page-1"], mark) and store.fresh(["page-2"], mark)
    assert store.fresh(["page-1"], store.mark())  # rendered after the purge
    assert store.servable(["page-1"], mark)
    store.purge(["page-2"], hard=True)
    assert not store.servable(["page-2"], mark)

    (tmp_path / "tags").unlink()  # a new file: nothing from before it counts
    fresh_store = FileTagStore(tmp_path / "tags")
    assert not fresh_store.fresh(["page-3"], mark)


def test_a_page_found_fresh_is_checked_again_after_the_next_purge(tmp_path):
    """A page found fresh is remembered until the next purge, of any tag (tagstore.py)."""
    store = FileTagStore(tmp_path / "tags")
    mark = store.mark()
    store.purge(["other"])
    assert store.fresh(["page-1", "page-2"], mark)  # read slot by slot, then remembered
    assert store.fresh(["page-1", "page-2"], mark)
    store.purge(["page-2"])
    assert not store.fresh(["page-1", "page-2"], mark)
    assert store.fresh(["page-1"], mark)
    assert not store.fresh(["page-2"], mark)


def test_varnish_backend_bans_in_batches(monkeypatch):
    sent = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

    def urlopen(request, timeout):
        sent.append((request.get_method(), request.full_url, request.headers["X-cache-tags"]))
        return Answer()

    monkeypatch.setattr("newsdesk.caching.backends.urlopen", urlopen)
    backend = VarnishBackend({"LOCATION": "http://127.0.0.1:6081"})
    backend.purge_tags([f"page-{n}" for n in range(250)])
    assert [len(tags.split()) for _, _, tags in sent] == [100, 100, 50]
    assert {(method, url) for method, url, _ in sent} == {("BAN", "http://127.0.0.1:6081/")}
    sent.clear()
    backend.purge_tags(["page-1", t.ALL])
    assert [tags for _, _, tags in sent] == ["all"]
    with pytest.raises(Exception, match="http"):
        VarnishBackend({"LOCATION": "file:///etc/passwd"})


def test_tag_names_are_safe_for_the_ban_regex():
    names = [
        t.page_tag(1),
        t.section_tag(2),
        t.person_tag(3),
        t.tag_tag(Tag(pk=4).pk),
        t.archive_tag(year=2026, month=11),
        t.ALL,
        t.ARTICLES,
        t.PEOPLE,
        t.SITEMAPS,
        t.CORRECTIONS,
        t.MISSING,
    ]
    assert all(name.replace("-", "").isalnum() and name.islower() for name in names)
