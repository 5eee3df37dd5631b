"""Posting, threading and moderating comments, with every defence the issue names."""

import re
import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import ArticlePage
from newsdesk.comments import tokens
from newsdesk.comments.models import Comment, CommentSettings
from newsdesk.comments.services import (
    Author,
    CommentRejected,
    comment_create,
    moderate,
    thread,
)

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
NO_LIMITS = ((1, 10_000),)


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def article():
    return (
        ArticlePage.objects.published()
        .filter(comments_mode="open")
        .order_by("-first_published_at")
        .first()
    )


@pytest.fixture
def conf(article):
    return CommentSettings.for_site(article.get_site())


def old_token(article, age=60):
    return tokens.make_token(article.pk, now=time.time() - age)


def form(article, **fields):
    data = {
        "name": "Ana Ruiz",
        "email": "ana@example.org",
        "website": "",
        "body": "A thoughtful comment about the piece.",
        "token": old_token(article),
        "homepage": "",
    }
    data.update(fields)
    return data


def post(client, article, **fields):
    return client.post(f"/comments/{article.pk}/", form(article, **fields), **ORIGIN)


def author(n=1, **kw):
    return Author(name=f"Reader {n}", email=f"reader{n}@example.org", network_hash=f"net{n}", **kw)


def test_guest_comment_is_held_for_moderation_and_page_says_so(client, article):
    response = post(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?comment=received#comments"
    assert not response.cookies
    comment = Comment.objects.get(article=article, author_email="ana@example.org")
    assert comment.status == "pending"
    page = client.get(response["Location"].split("#")[0])
    html = page.content.decode()
    assert "awaiting moderation" in html
    assert comment.body not in html, "pending comments never appear"


def test_approved_comment_appears_with_permalink_and_count(client, article):
    comment = comment_create(article=article, author=author(), body="Visible words here.")
    moderate(comments=[comment], status="approved")
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    node = soup.select_one(f"#comment-{comment.pk}")
    assert "Visible words here." in node.get_text()
    assert node.select_one(f"a.comment-permalink[href='#comment-{comment.pk}']")
    assert "reader1@example.org" not in soup.get_text(), "email is never shown"
    count = int(soup.select_one(".comment-count").get_text())
    assert count == Comment.objects.visible().filter(article=article).count()


def test_the_comments_are_kept_and_an_approved_comment_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    """The comment section is kept as HTML with the article's tags (templatetags/comments.py):
    a second render reads no comment; approving one purges it. A demo article: its
    publication's purges were sent long ago, so what it renders may be kept."""
    article = ArticlePage.objects.published().filter(comments_mode="open")
    article = article.order_by("-first_published_at").first()
    client.get(article.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.url).content.decode()
    assert 'id="comment-form"' in html and 'name="token"' in html
    assert not [q["sql"] for q in queries if "comments_comment" in q["sql"]]

    comment = comment_create(article=article, author=author(), body="Fresh words, approved.")
    with django_capture_on_commit_callbacks(execute=True):  # moderation purges on commit
        moderate(comments=[comment], status="approved")
    assert "Fresh words, approved." in client.get(article.url).content.decode()


def test_the_kept_forms_token_is_signed_afresh_and_no_comment_takes_it(client):
    article = ArticlePage.objects.published().filter(comments_mode="open").first()
    stand_in = 'value="newsdesk-comment-token"'
    comment = comment_create(article=article, author=author(), body=f"Look: {stand_in}")
    moderate(comments=[comment], status="approved")
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert stand_in in soup.select_one(f"#comment-{comment.pk}").get_text()
    token = soup.select_one("#comment-form input[name=token]")["value"]
    assert tokens.check_token(token, article.pk, now=time.time() + 10) is None  # signed


def test_comment_count_on_story_cards(client, article):
    comment = comment_create(article=article, author=author(), body="Counted.")
    moderate(comments=[comment], status="approved")
    listed = ArticlePage.objects.published().for_listing().get(pk=article.pk)
    assert listed.comment_count == Comment.objects.visible().filter(article=article).count()


def test_post_moderation_and_trusted_commenters(article, conf):
    conf.moderation = CommentSettings.Moderation.POST
    assert (
        comment_create(article=article, author=author(1), body="First", site_settings=conf).status
        == "approved"
    )
    conf.moderation = CommentSettings.Moderation.TRUSTED
    conf.trust_after = 2
    first = comment_create(article=article, author=author(2), body="One", site_settings=conf)
    assert first.status == "pending"
    moderate(comments=[first], status="approved")
    second = comment_create(article=article, author=author(2), body="Two", site_settings=conf)
    moderate(comments=[second], status="approved")
    third = comment_create(article=article, author=author(2), body="Three", site_settings=conf)
    assert third.status == "approved", "trusted after 2 approved comments"


def test_threads_nest_then_flatten_with_in_reply_to(article, conf):
    conf.moderation = CommentSettings.Moderation.POST
    names = ["Carlos", "Theme author", "Carlos", "Theme author", "Carlos"]
    parent = None
    chain = []
    for n, name in enumerate(names):
        parent = comment_create(
            article=article,
            author=Author(name=name, email=f"p{n}@example.org", network_hash=f"n{n}"),
            body=f"Message {n}",
            parent_id=parent.pk if parent else None,
            site_settings=conf,
        )
        chain.append(parent)
    roots = [n for n in thread(article=article) if n["comment"].pk == chain[0].pk]
    root = roots[0]
    level2 = root["replies"][0]
    level3 = level2["replies"][0]
    assert level3["comment"] == chain[2] and level3["depth"] == 3
    flattened = [n["comment"] for n in level2["replies"]]
    assert flattened == chain[2:], "deeper replies sit beside their parent"
    assert level2["replies"][1]["reply_to"] == "Carlos"


def test_newest_first_and_pinned_first(article, conf):
    conf.moderation = CommentSettings.Moderation.POST
    a = comment_create(article=article, author=author(1), body="Older", site_settings=conf)
    b = comment_create(article=article, author=author(2), body="Newer", site_settings=conf)
    ids = [n["comment"].pk for n in thread(article=article)]
    assert ids.index(a.pk) < ids.index(b.pk)
    ids = [n["comment"].pk for n in thread(article=article, newest_first=True)]
    assert ids.index(b.pk) < ids.index(a.pk)
    Comment.objects.filter(pk=a.pk).update(is_pinned=True)
    assert thread(article=article, newest_first=True)[0]["comment"].pk == a.pk


def test_honeypot_stores_nothing(client, article):
    before = Comment.objects.count()
    response = post(client, article, homepage="http://spam.example")
    assert response.status_code == 302
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("garbage", "could not be verified"),
        (None, "quicker than anyone can type"),
        ("expired", "expired"),
        ("other", "another article"),
    ],
)
def test_bad_tokens_are_refused_and_keep_what_was_typed(client, article, token, message):
    if token is None:
        token = tokens.make_token(article.pk)
    elif token == "expired":
        token = tokens.make_token(article.pk, now=time.time() - tokens.MAX_AGE - 10)
    elif token == "other":
        token = tokens.make_token(article.pk + 10_000, now=time.time() - 60)
    before = Comment.objects.count()
    response = post(client, article, token=token, body="Words I typed carefully")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Words I typed carefully" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_cross_site_posts_are_rejected(client, article, headers):
    before = Comment.objects.count()
    response = client.post(f"/comments/{article.pk}/", form(article), **headers)
    assert response.status_code == 403
    assert Comment.objects.count() == before


@override_settings(COMMENT_RATE_LIMITS=((15, 1), (3600, 6)))
def test_rate_limit_per_network_answers_429_and_stores_nothing(client, article):
    assert post(client, article, body="first one").status_code == 302
    before = Comment.objects.count()
    response = post(client, article, body="second one", email="other@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15
    assert "second one" in response.content.decode()
    assert Comment.objects.count() == before


@override_settings(COMMENT_RATE_LIMITS=((15, 1), (3600, 6)))
def test_rate_limit_per_email_across_networks(article):
    comment_create(article=article, author=author(1), body="one")
    with pytest.raises(CommentRejected) as error:
        comment_create(
            article=article,
            author=Author(name="R", email="reader1@example.org", network_hash="elsewhere"),
            body="two",
        )
    assert error.value.status == 429


@override_settings(COMMENT_RATE_LIMITS=NO_LIMITS)
def test_duplicates_length_links_blocklist_and_daily_limit(article, conf):
    comment_create(article=article, author=author(1), body="Same words", site_settings=conf)
    with pytest.raises(CommentRejected, match="already posted"):
        comment_create(
            article=article, author=author(1), body="  same   WORDS ", site_settings=conf
        )
    with pytest.raises(CommentRejected, match="at most"):
        comment_create(
            article=article, author=author(2), body="x" * (conf.max_length + 1), site_settings=conf
        )
    conf.moderation = CommentSettings.Moderation.POST
    links = " ".join(f"https://example.org/{n}" for n in range(conf.max_links + 1))
    held = comment_create(article=article, author=author(3), body=links, site_settings=conf)
    assert held.status == "pending" and "links" in held.hold_reason
    conf.blocklist = "buy cheap\nscam"
    spam = comment_create(
        article=article, author=author(4), body="Buy CHEAP watches", site_settings=conf
    )
    assert spam.status == "spam"
    conf.daily_top_level_limit = 2
    comment_create(article=article, author=author(5), body="t1", site_settings=conf)
    comment_create(article=article, author=author(5), body="t2", site_settings=conf)
    with pytest.raises(CommentRejected, match="as many threads"):
        comment_create(article=article, author=author(5), body="t3", site_settings=conf)


def test_closed_off_and_auto_closed_articles(client, article, conf):
    article.comments_mode = "closed"
    article.save_revision().publish()
    with pytest.raises(CommentRejected, match="closed"):
        comment_create(article=article, author=author(), body="late")
    html = client.get(article.url).content.decode()
    assert "Comments are closed" in html and 'id="comment-form"' not in html
    article.comments_mode = "off"
    article.save_revision().publish()
    assert 'id="comments"' not in client.get(article.url).content.decode()
    article.comments_mode = "open"
    article.save_revision().publish()
    old = ArticlePage.objects.published().order_by("first_published_at").first()
    conf.close_after_days = 1
    conf.save()
    with pytest.raises(CommentRejected, match="closed"):
        comment_create(article=old, author=author(), body="too late")


def test_staff_reply_is_approved_with_a_badge(client, article, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "desk", "desk@example.com", "pw", first_name="Lucy", last_name="Tan"
    )
    client.force_login(staff)
    guest = comment_create(article=article, author=author(), body="Question for the desk?")
    moderate(comments=[guest], status="approved")
    response = post(
        client,
        article,
        body="Thanks, we have corrected it.",
        parent=str(guest.pk),
        name="",
        email="",
    )
    reply = Comment.objects.get(parent=guest)
    assert reply.status == "approved" and reply.is_staff_reply and reply.author_name == "Lucy Tan"
    client.logout()
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(f"#comment-{reply.pk} .comment-badge").get_text() == "Staff"
    assert response.status_code == 302


def test_reply_form_page_without_javascript(client, article):
    parent = comment_create(article=article, author=author(), body="Parent comment text")
    moderate(comments=[parent], status="approved")
    response = client.get(f"/comments/{article.pk}/reply/{parent.pk}/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Reply to Reader 1"
    assert soup.select_one("input[name=parent]")["value"] == str(parent.pk)
    hidden = comment_create(article=article, author=author(2), body="pending parent")
    assert client.get(f"/comments/{article.pk}/reply/{hidden.pk}/").status_code == 404


def test_moderation_notifications_and_unsubscribe(client, article, conf):
    conf.moderator_emails = "mod@example.com"
    conf.save()
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        pass
    from django.db import transaction

    with transaction.atomic():
        comment = comment_create(
            article=article,
            author=author(7),
            body="Please tell me",
            notify=True,
            site_settings=conf,
        )
    # on_commit runs at the end of the test transaction only with captureOnCommitCallbacks
    assert comment.status == "pending"


def test_notifications_are_sent_on_commit(
    django_capture_on_commit_callbacks, article, conf, client
):
    conf.moderator_emails = "mod@example.com"
    conf.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(
            article=article, author=author(8), body="Notify me please", notify=True
        )
    assert [m.to for m in mail.outbox] == [["mod@example.com"]]
    assert "Notify me please" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderate(comments=[comment], status="approved")
    assert mail.outbox[0].to == ["reader8@example.org"]
    link = re.search(r"https?://\S+/comments/unsubscribe/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert "Stop all emails" in client.get(path).content.decode()
    client.post(path)
    assert not Comment.objects.get(pk=comment.pk).notify
    assert client.get("/comments/unsubscribe/forged/").status_code == 400


def test_moderation_queue_in_admin(client, article, django_user_model):
    pending = comment_create(article=article, author=author(9), body="Queue me")
    client.force_login(django_user_model.objects.create_superuser("mod", "m@example.com", "pw"))
    html = client.get("/admin/").content.decode()
    assert "Comments awaiting moderation" in html
    listing = client.get("/admin/snippets/comments/comment/?status=pending").content.decode()
    assert "Queue me" in listing
    approved_listing = client.get(
        "/admin/snippets/comments/comment/?status=approved"
    ).content.decode()
    assert "Queue me" not in approved_listing
    url = f"/admin/bulk/comments/comment/approve/?next=/admin/&id={pending.pk}"
    assert client.get(url).status_code == 200
    client.post(url)
    assert Comment.objects.get(pk=pending.pk).status == "approved"
    url = f"/admin/bulk/comments/comment/remove/?next=/admin/&id={pending.pk}"
    client.post(url, {"reason": "Off topic"})
    removed = Comment.objects.get(pk=pending.pk)
    assert removed.status == "removed" and removed.removal_reason == "Off topic"


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_hidden_comments_never_appear_in_pages_or_counts(client, article, status):
    approved = comment_create(article=article, author=author(1), body="Seen by all")
    moderate(comments=[approved], status="approved")
    hidden = comment_create(article=article, author=author(2), body=f"Hidden {status} words")
    moderate(comments=[hidden], status=status)
    reply_to_hidden = comment_create(article=article, author=author(3), body="reply under hidden")
    Comment.objects.filter(pk=reply_to_hidden.pk).update(parent=hidden, status="approved")
    html = client.get(article.url).content.decode()
    assert "Seen by all" in html
    assert f"Hidden {status} words" not in html
    soup = BeautifulSoup(html, "html.parser")
    placeholder = soup.select_one(f"#comment-{hidden.pk}")
    assert placeholder.get_text(strip=True).startswith("This comment is no longer available.")
    assert "reply under hidden" in placeholder.get_text(), "an approved reply keeps its place"
    shown = len(soup.select(".comment:not(.comment-removed)"))
    assert int(soup.select_one(".comment-count").get_text()) == shown
    listed = ArticlePage.objects.published().for_listing().get(pk=article.pk)
    assert listed.comment_count == shown
