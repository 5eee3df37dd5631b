"""Corrections, clarifications and updates: on the article, in its header, on /corrections/,
withdrawn rather than deleted, and managed in the admin."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from newsdesk.articles.models import ArticlePage
from newsdesk.corrections.demo import DEMO_NOTES
from newsdesk.corrections.models import ArticleNote, NoteDeletionRefused
from newsdesk.corrections.services import (
    PAGE_SIZE,
    WITHDRAW_ACTION,
    note_add,
    note_withdraw,
    notes_for,
)
from newsdesk.corrections.wagtail_hooks import viewset

pytestmark = pytest.mark.django_db
Kind = ArticleNote.Kind


def fresh_articles(count: int = 1) -> list[ArticlePage]:
    """Published articles with no notes and no "updated" time of their own."""
    articles = list(
        ArticlePage.objects.published()
        .filter(updated_at__isnull=True, notes__isnull=True, first_published_at__lte=hours(30))
        .order_by("pk")[:count]
    )
    assert len(articles) == count
    return articles


def hours(n: float):
    return timezone.now() - timedelta(hours=n)


def stamp(when) -> str:
    return timezone.localtime(when).isoformat(timespec="minutes")


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.com", "pw")


def url(name: str, *args) -> str:
    return reverse(viewset.get_url_name(name), args=args)


def test_notes_show_in_the_article_footer_in_order_with_times(client):
    (article,) = fresh_articles()
    second = note_add(article=article, kind=Kind.UPDATE, text="Second note.", noted_at=hours(2))
    first = note_add(
        article=article, kind=Kind.CLARIFICATION, text="First note.", noted_at=hours(3)
    )

    soup = soup_of(client, article.url)
    box = soup.select_one("footer.article-footer > #article-notes")
    assert box is not None
    assert soup.select_one("footer.article-footer").find(True, recursive=False) is box
    items = box.select("li.note")
    assert [li["id"] for li in items] == [first.anchor, second.anchor]
    assert [li.select_one(".note-text").get_text(strip=True) for li in items] == [
        "First note.",
        "Second note.",
    ]
    assert [li.select_one(".note-kind").get_text() for li in items] == ["Clarification", "Update"]
    assert [li.select_one("time[datetime]")["datetime"] for li in items] == [
        stamp(first.noted_at),
        stamp(second.noted_at),
    ]
    credits = soup.select_one("footer.article-footer > .article-credits")
    if credits is not None:
        assert box in credits.find_previous_siblings(), "notes come before the credits"
    assert [n.pk for n in notes_for(article)] == [first.pk, second.pk]


def test_corrections_and_updates_set_updated_in_the_header_clarifications_do_not(client):
    corrected, clarified = fresh_articles(2)
    when = hours(1)
    note_add(article=corrected, kind=Kind.CORRECTION, text="Wrong figure.", noted_at=when)
    note_add(article=clarified, kind=Kind.CLARIFICATION, text="Clearer now.", noted_at=when)
    corrected.refresh_from_db()
    clarified.refresh_from_db()
    assert corrected.updated_at == when
    assert clarified.updated_at is None

    link = soup_of(client, corrected.url).select_one(
        ".article-times .updated a[href='#article-notes']"
    )
    assert link is not None and link.get_text(" ", strip=True).startswith("Updated")
    assert link.select_one("time[datetime]")["datetime"] == stamp(when)
    assert soup_of(client, clarified.url).select_one(".article-times .updated") is None

    # An older note never moves "Updated" back.
    note_add(article=corrected, kind=Kind.UPDATE, text="Earlier.", noted_at=hours(2))
    corrected.refresh_from_db()
    assert corrected.updated_at == when

    # Republishing a revision drafted before the note keeps the note's time.
    corrected.get_latest_revision().publish()
    corrected.refresh_from_db()
    assert corrected.updated_at == when


def test_corrections_page_lists_corrections_newest_first_and_nothing_else(client):
    one, two, gone = fresh_articles(3)
    older = note_add(article=one, kind=Kind.CORRECTION, text="Older correction.", noted_at=hours(2))
    newer = note_add(article=two, kind=Kind.CORRECTION, text="Newer correction.", noted_at=hours(1))
    note_add(article=two, kind=Kind.CLARIFICATION, text="Only a clarification.")
    note_add(article=one, kind=Kind.UPDATE, text="Only an update.")
    hidden = note_add(article=gone, kind=Kind.CORRECTION, text="On an unpublished article.")
    gone.unpublish()

    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and not response.cookies
    soup = BeautifulSoup(response.content, "html.parser")
    entries = soup.select(".correction-list > li")
    assert len(entries) == ArticleNote.objects.public().corrections().count()
    links = [li.select_one(".correction-headline a")["href"] for li in entries]
    assert links[:2] == [f"{two.url}#{newer.anchor}", f"{one.url}#{older.anchor}"]
    times = [li.select_one("time[datetime]")["datetime"] for li in entries]
    assert times == sorted(times, reverse=True)
    text = soup.select_one(".correction-list").get_text()
    assert "Only a clarification." not in text and "Only an update." not in text
    assert hidden.text not in text
    assert notes_for(gone) == []
    demo_corrections = [n for n in DEMO_NOTES if n[1] == Kind.CORRECTION]
    assert len(entries) == 2 + len(demo_corrections)


def test_corrections_page_paginates(client):
    (article,) = fresh_articles()
    for n in range(PAGE_SIZE + 1):
        note_add(
            article=article,
            kind=Kind.CORRECTION,
            text=f"Correction {n}.",
            noted_at=hours(1) + timedelta(seconds=n),
        )
    total = ArticleNote.objects.public().corrections().count()
    first = soup_of(client, "/corrections/")
    assert len(first.select(".correction-list > li")) == PAGE_SIZE
    assert first.select_one(".correction-list .note-text").get_text(strip=True) == (
        f"Correction {PAGE_SIZE}."
    )
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    second = soup_of(client, "/corrections/?page=2")
    assert len(second.select(".correction-list > li")) == total - PAGE_SIZE
    assert "page 2" in second.title.get_text()


def test_withdrawing_logs_who_when_and_why_and_hides_the_note(client, editor):
    (article,) = fresh_articles()
    note = note_add(article=article, kind=Kind.CORRECTION, text="Added to the wrong story.")
    assert note.text in soup_of(client, "/corrections/").get_text()

    client.force_login(editor)
    response = client.get(url("withdraw", note.pk))
    assert response.status_code == 200 and note.text in response.content.decode()
    assert client.post(url("withdraw", note.pk), {"reason": "  "}).status_code == 200
    note.refresh_from_db()
    assert not note.is_withdrawn, "a reason is required"

    before = timezone.now()
    response = client.post(url("withdraw", note.pk), {"reason": "Belongs to another article."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.withdrawn_by == editor
    assert note.withdrawn_reason == "Belongs to another article."
    assert before <= note.withdrawn_at <= timezone.now()
    entry = ModelLogEntry.objects.for_instance(note).get(action=WITHDRAW_ACTION)
    assert entry.user == editor and entry.data["reason"] == "Belongs to another article."
    page_entry = PageLogEntry.objects.get(page=article, action=WITHDRAW_ACTION)
    assert page_entry.user == editor and page_entry.data["note_id"] == note.pk
    history = client.get(url("history", note.pk))
    assert history.status_code == 200 and "Belongs to another article." in history.content.decode()

    client.logout()
    assert note.text not in soup_of(client, "/corrections/").get_text()
    assert soup_of(client, article.url).select_one("#article-notes") is None
    assert notes_for(article) == []
    assert ArticleNote.objects.filter(pk=note.pk).exists(), "kept, not deleted"
    with pytest.raises(ValidationError):
        note_withdraw(note=note, by=editor, reason="Again.")


def test_notes_cannot_be_deleted_through_the_admin_or_the_orm(client, editor):
    (article,) = fresh_articles()
    note = note_add(article=article, kind=Kind.CORRECTION, text="Here to stay.")
    client.force_login(editor)
    for method in (client.get, client.post):
        response = method(url("delete", note.pk))
        assert response.status_code in (302, 403)
        assert response.status_code != 302 or response["Location"] != url("list")
    bulk = client.post(f"/admin/bulk/corrections/articlenote/delete/?id={note.pk}")
    assert bulk.status_code in (302, 403)
    assert ArticleNote.objects.filter(pk=note.pk).exists()
    listing = client.get(url("list")).content.decode()
    assert "delete/" not in listing, "no delete link, single or bulk"
    assert url("withdraw", note.pk) in listing
    with pytest.raises(NoteDeletionRefused):
        note.delete()
    with pytest.raises(NoteDeletionRefused):
        ArticleNote.objects.filter(pk=note.pk).delete()


def test_notes_only_go_on_published_articles():
    (article,) = fresh_articles()
    article.unpublish()
    with pytest.raises(ValidationError):
        note_add(article=article, kind=Kind.CORRECTION, text="Too early.")
    (article,) = fresh_articles()
    with pytest.raises(ValidationError):
        note_add(
            article=article,
            kind=Kind.CORRECTION,
            text="Before publication.",
            noted_at=article.first_published_at - timedelta(minutes=1),
        )


def test_admin_list_add_edit_and_the_article_editor_link(client, editor):
    (article,) = fresh_articles()
    note = note_add(article=article, kind=Kind.CLARIFICATION, text="Listed in the admin.")
    client.force_login(editor)

    listing = client.get(url("list"))
    assert listing.status_code == 200 and "Listed in the admin." in listing.content.decode()
    for query in ("?kind=clarification", f"?article={article.pk}", "?withdrawn=false"):
        response = client.get(url("list") + query)
        assert response.status_code == 200 and "Listed in the admin." in response.content.decode()
    assert "Listed in the admin." not in client.get(url("list") + "?kind=update").content.decode()

    add = client.get(url("add") + f"?article={article.pk}")
    assert add.status_code == 200 and article.title in add.content.decode()
    when = hours(0.5).replace(second=0, microsecond=0)
    response = client.post(
        url("add"),
        {
            "article": article.pk,
            "kind": "correction",
            "noted_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
            "text": "Added through the admin.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = ArticleNote.objects.get(text="Added through the admin.")
    assert added.created_by == editor
    article.refresh_from_db()
    assert article.updated_at == when
    assert PageLogEntry.objects.filter(page=article, action="corrections.note_add").count() == 2

    assert client.get(url("edit", note.pk)).status_code == 200
    article_editor = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert article_editor.status_code == 200
    assert f"{url('add')}?article={article.pk}" in article_editor.content.decode()

    note_withdraw(note=note, by=editor, reason="Duplicate.")
    response = client.get(url("edit", note.pk))
    assert response.status_code == 302 and response["Location"] == url("inspect", note.pk)
    inspect = client.get(url("inspect", note.pk))
    assert inspect.status_code == 200 and "Duplicate." in inspect.content.decode()


def test_deleting_an_article_still_works_and_takes_its_notes_with_it():
    (article,) = fresh_articles()
    note = note_add(article=article, kind=Kind.CORRECTION, text="Goes with the article.")
    ArticlePage.objects.get(pk=article.pk).delete()
    assert not ArticleNote.objects.filter(pk=note.pk).exists()
