"""generate_content: a large site in bulk that Wagtail, the tree and the pages accept."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import generate

pytestmark = pytest.mark.django_db

ARTICLES = 200
COMMENTS = 300


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


@pytest.fixture
def generated():
    published = ArticlePage.objects.published().count()
    call_command("generate_content", articles=ARTICLES, comments=COMMENTS, verbosity=0)
    return published


def test_articles_join_the_tree_as_live_public_pages(generated):
    assert generate.corpus_articles().count() == ARTICLES
    assert ArticlePage.objects.published().count() == generated + ARTICLES
    assert not any(Page.find_problems())  # paths, depths and numchild as treebeard wants
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count(), section.slug
    assert not generate.corpus_articles().filter(bylines__isnull=True).exists()


def test_generated_articles_and_their_lists_render(client, generated):
    article = generate.corpus_articles().filter(comments__isnull=False).first()
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert page.select_one("h1").get_text(strip=True) == article.title
    comment = generate.generated_comments().filter(article=article).first()
    assert comment.body[:40] in page.get_text(" ")
    section = article.get_parent()
    listing = text(client, section.url)
    assert (
        generate.corpus_articles().child_of(section).order_by("-first_published_at").first().title
        in listing
    )
    assert client.get(f"{section.url}?page=5").status_code == 200
    tag = article.tags.first()
    newest = ArticlePage.objects.published().filter(tags=tag).order_by("-first_published_at")
    assert newest.first().title in text(client, f"/tags/{tag.slug}/")


def test_comments_are_approved_and_a_third_reply(generated):
    comments = generate.generated_comments()
    assert comments.count() == COMMENTS
    assert not comments.exclude(status="approved").exists()
    replies = comments.filter(parent__isnull=False)
    assert 0.2 * COMMENTS < replies.count() < 0.45 * COMMENTS
    for reply in replies.select_related("parent")[:20]:
        assert reply.parent.article_id == reply.article_id
    for comment in comments.select_related("article")[:50]:
        assert comment.created_at >= comment.article.first_published_at


def test_a_second_run_adds_nothing_and_a_dry_run_keeps_nothing(generated):
    call_command("generate_content", articles=ARTICLES, comments=COMMENTS, verbosity=0)
    assert generate.corpus_articles().count() == ARTICLES
    call_command("generate_content", articles=ARTICLES + 50, dry_run=True, verbosity=0)
    assert generate.corpus_articles().count() == ARTICLES
    assert not any(Page.find_problems())


def test_bad_counts_are_refused():
    with pytest.raises(CommandError, match="0 or more"):
        call_command("generate_content", articles=-1, verbosity=0)
    with pytest.raises(CommandError, match="no generated articles"):
        call_command("generate_content", comments=5, verbosity=0)
