"""Standard pages and redirects from imports: re-runs update, drafts stay drafts, no loops."""

import pytest
from wagtail.contrib.redirects.models import Redirect

from newsdesk.articles.models import ArticlePage
from newsdesk.importers import blocks
from newsdesk.importers.services import upsert_redirect, upsert_standard_page
from newsdesk.pages.models import StandardPage

pytestmark = pytest.mark.django_db


def test_standard_page_is_created_then_left_alone_then_updated():
    kwargs = {
        "source": "test",
        "source_id": "about",
        "title": "About the paper",
        "slug": "about-the-paper",
        "intro": "Who we are.",
        "body": [blocks.paragraph("Founded by readers.")],
    }
    first = upsert_standard_page(**kwargs)
    assert first.action == "created" and first.obj.live
    assert upsert_standard_page(**kwargs).action == "unchanged"
    kwargs["title"] = "About us"
    again = upsert_standard_page(**kwargs)
    assert again.action == "updated" and again.obj.pk == first.obj.pk
    page = StandardPage.objects.get(pk=first.obj.pk)
    assert page.title == "About us" and page.body[0].value.source == "<p>Founded by readers.</p>"


def test_a_draft_reimport_keeps_the_live_version():
    kwargs = {"source": "test", "source_id": "contact", "title": "Contact", "slug": "contact-x"}
    page = upsert_standard_page(**kwargs).obj
    upsert_standard_page(**{**kwargs, "title": "Contact (new)", "status": "draft"})
    page.refresh_from_db()
    assert page.live and page.title == "Contact" and page.has_unpublished_changes
    draft = upsert_standard_page(source="test", source_id="new", title="Later", status="draft")
    assert not draft.obj.live


def test_redirect_points_old_url_at_page_and_is_idempotent():
    article = ArticlePage.objects.live().first()
    made = upsert_redirect(old_path="https://old.example.com/2019/old-story/", page=article)
    assert made.action == "created"
    redirect = Redirect.objects.get(old_path="/2019/old-story")
    assert redirect.redirect_page_id == article.pk and redirect.is_permanent
    assert upsert_redirect(old_path="/2019/old-story/", page=article).action == "unchanged"
    # The page's own path would loop.
    assert upsert_redirect(old_path=article.get_url_parts()[2], page=article) is None
