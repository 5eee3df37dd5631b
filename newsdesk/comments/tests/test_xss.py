"""336 XSS payloads in the comment body, name and website: none reaches any page, the
moderation queue or an email as markup."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from newsdesk.articles.models import ArticlePage
from newsdesk.comments.models import Comment
from newsdesk.comments.services import Author, comment_create, moderate

from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
OUR_SCRIPTS = {"/static/js/newsdesk.js", "/static/js/ratings.js"}


FORBIDDEN_TAGS = [
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "base",
    "style",
    "link",
    "meta",
    "marquee",
    "video",
    "audio",
    "source",
    "details",
    "select",
    "img",
    "body",
]


def assert_no_markup_from_payloads(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            # Structured data: inert JSON, with every "<" escaped so nothing can close it.
            assert "<" not in script.string and json.loads(script.string), f"{where}: {script}"
            continue
        assert script.get("src") in OUR_SCRIPTS and not script.string, f"{where}: {script}"
    # Where reader text is shown, no element may come from it.
    for area in soup.select(".comments, .comment-quoted, .comment-form"):
        for tag in area.find_all(FORBIDDEN_TAGS):
            raise AssertionError(f"{where}: {tag}")
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), f"{where}: event handler in {tag}"
            if attr in ("href", "src", "action", "formaction", "srcdoc"):
                text = "".join(value).strip().lower().replace("\t", "").replace("\n", "")
                assert not text.startswith(DANGEROUS_SCHEMES), f"{where}: {attr}={value!r}"


@pytest.fixture
def hostile_article(django_capture_on_commit_callbacks):
    article = ArticlePage.objects.published().filter(comments_mode="open").last()
    comments = []
    for n, payload in enumerate(PAYLOADS):
        comment = comment_create(
            article=article,
            author=Author(name=payload[:80], email=f"x{n}@example.org", network_hash=f"h{n}"),
            body=f"{payload} #{n}",
            notify=True,
        )
        comments.append(comment)
    # The website field validates on the way in; store payloads directly to test the output too.
    for comment, payload in zip(comments, PAYLOADS, strict=True):
        Comment.objects.filter(pk=comment.pk).update(author_url=payload[:300])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderate(
            comments=Comment.objects.filter(pk__in=[c.pk for c in comments]), status="approved"
        )
    return article


def test_payloads_stay_text_on_the_page_in_the_queue_and_in_email(
    client, hostile_article, django_user_model
):
    response = client.get(hostile_article.url)
    html = response.content.decode()
    assert len(PAYLOADS) >= 300
    assert_no_markup_from_payloads(html, "article page")
    soup = BeautifulSoup(html, "html.parser")
    bodies = soup.select(".comment-body")
    assert len(bodies) >= len(PAYLOADS)
    shown = " ".join(b.get_text(" ") for b in bodies)
    assert "<script>window.__xss=1</script>" in shown, "the payload is visible as text"
    authors = soup.select(".comment-author a")
    bad = [a["href"] for a in authors if not a["href"].lower().startswith(("http://", "https://"))]
    assert not bad, bad[:5]

    client.force_login(django_user_model.objects.create_superuser("m", "m@example.com", "pw"))
    html = client.get("/admin/snippets/comments/comment/?status=approved").content.decode()
    assert "__xss" in html, "the queue lists the payload comments"
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["img", "svg", "iframe", "object", "embed", "details", "marquee"]):
        assert not any(a.startswith("on") for a in tag.attrs), tag
    assert "<script>window.__xss=1</script>" not in html

    assert mail.outbox, "approval emails were sent"
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", None)


def test_payloads_through_the_form_are_escaped_on_error_pages(client):
    import time

    from newsdesk.comments.tokens import make_token

    hostile_article = ArticlePage.objects.published().filter(comments_mode="open").last()
    for payload in PAYLOADS[::6]:
        response = client.post(
            f"/comments/{hostile_article.pk}/",
            {
                "name": payload[:80],
                "email": "bad",
                "website": payload,
                "body": payload,
                "token": make_token(hostile_article.pk, now=time.time() - 60),
            },
            HTTP_ORIGIN="http://testserver",
        )
        assert response.status_code == 400
        assert_no_markup_from_payloads(response.content.decode(), "form error page")
