"""The Promote tab's length hints, in a real Chromium: they count as the editor types."""

import pytest

from newsdesk.core.browser import open_page
from newsdesk.newsroom.demo import DEMO_PASSWORD

from .test_metadata import an_article

pytestmark = pytest.mark.browser


def test_length_hints_count_as_the_editor_types(browser, site, django_db_blocker):
    with django_db_blocker.unblock():
        article = an_article()
    context, page, _ = open_page(browser, site["base"] + "/admin/login/")
    try:
        page.fill("#id_username", "editor")
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(site["base"] + f"/admin/pages/{article.pk}/edit/#tab-promote")
        page.get_by_role("tab", name="Promote").click()
        hint = page.locator("#id_seo_title-length-hint")
        hint.wait_for(state="visible")
        assert hint.inner_text() == "0 of about 60 characters."
        page.fill("#id_seo_title", "x" * 65)
        assert hint.inner_text().startswith("65 characters: 5 over the recommended 60")
        described = page.get_attribute("#id_seo_title", "aria-describedby")
        assert "id_seo_title-length-hint" in described
        description = page.locator("#id_search_description-length-hint")
        assert description.inner_text() == "0 of about 160 characters."
    finally:
        context.close()
