"""The demo magazine is complete, believable and loads once."""

import pytest
from django.core.management import call_command

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.demo import loader
from newsdesk.pages.models import StandardPage
from newsdesk.people.models import PersonPage

pytestmark = pytest.mark.django_db


def test_demo_has_a_whole_magazine():
    articles = ArticlePage.objects.published()
    assert articles.count() >= 40
    assert SectionPage.objects.live().count() >= 6
    assert PersonPage.objects.live().count() >= 8
    assert set(articles.values_list("article_type", flat=True)) == set(
        ArticlePage.ArticleType.values
    )
    assert {"about", "masthead", "contact", "corrections-policy", "ethics", "privacy"} <= set(
        StandardPage.objects.values_list("slug", flat=True)
    )
    for article in articles.select_related("lead_image"):
        assert article.lead_image and article.caption and article.credit, article.title
        assert article.dek and len(article.body) >= 5, article.title
        assert article.credits.filter(role="editor").count() == 1, article.title
        assert article.bylines.exists() or article.byline_text, article.title


def test_demo_content_is_original_and_distinct():
    articles = loader.load_articles()
    assert len({a["slug"] for a in articles}) == len(articles)
    assert len({a["headline"] for a in articles}) == len(articles)
    text = " ".join(str(a).lower() for a in articles)
    assert "lorem ipsum" not in text


def test_loading_again_keeps_what_is_there(capsys):
    before = ArticlePage.objects.count()
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert ArticlePage.objects.count() == before


def test_demo_has_comment_threads_and_ratings():
    from newsdesk.comments.models import Comment
    from newsdesk.ratings.models import Rating

    visible = Comment.objects.visible()
    assert visible.values("article").distinct().count() >= 20
    depths = []
    for reply in visible.filter(parent__isnull=False).select_related("parent__parent"):
        depth, node = 1, reply
        while node.parent_id:
            depth, node = depth + 1, node.parent
        depths.append(depth)
    assert max(depths) >= 3, "replies two and three levels deep"
    assert visible.filter(is_staff_reply=True).exists()
    assert Rating.objects.values("article").distinct().count() >= 25
