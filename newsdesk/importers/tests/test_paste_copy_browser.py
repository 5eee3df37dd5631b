"""An editor pastes copy in a real Chromium, reviews the draft, gives it a headline and
publishes it; readers see the structured story and its imported comment thread."""

import re
import uuid

import pytest

from newsdesk.core.browser import axe_violations, open_page
from newsdesk.newsroom.tests.test_editorial_browser import action_button, log_in

pytestmark = pytest.mark.browser

COPY = """\
The new footbridge is lit at dusk on its first evening. (Photo: Harbour Council)
(March 2, 2026) – The footbridge over the old harbour opened to walkers and cyclists on Monday, ten months after the first pile was driven.
It links the station with the market square in under four minutes on foot.
What the bridge changes
Traders on the square say they expect more visitors on weekdays.
“We had queues by lunchtime,” said Ilse Marten, who runs a bakery by the steps.
Editor: Joana Pires
Lovely bridge!
Thank you Marek!
"""


def test_editor_pastes_reviews_and_publishes(browser, site, django_db_blocker):
    from newsdesk.articles.models import ArticlePage, SectionPage

    base = site["base"]
    headline = f"Harbour footbridge opens {uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        world = SectionPage.objects.get(slug="world")
    context, page = log_in(browser, base, "editor")
    try:
        page.goto(base + "/admin/paste-copy/")
        page.fill("#id_copy", COPY)
        page.select_option("#id_section", str(world.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Create draft").click()
        match = re.search(r"/admin/pages/(\d+)/edit/$", page.url)
        assert match, page.url
        assert page.get_by_text("Needs a headline").first.is_visible()
        assert page.locator("#id_title").input_value().startswith("[Needs a headline] ")
        assert page.locator("#id_lead_image_credit").input_value() == "Photo: Harbour Council"

        # The editor writes the headline and publishes.
        page.fill("#id_title", headline)
        publish = action_button(page, re.compile(r"^Publish"))
        with page.expect_navigation():
            publish.click()
    finally:
        context.close()

    try:
        with django_db_blocker.unblock():
            article = ArticlePage.objects.get(pk=int(match[1]))
            assert article.live and article.title == headline
            assert article.get_parent().pk == world.pk
            url = article.url
        reader, page, response = open_page(browser, base + url)
        try:
            assert response.status == 200
            assert page.locator("h1").inner_text().strip() == headline
            assert page.locator("h2.subheading").inner_text().strip() == "What the bridge changes"
            assert page.locator(".dateline time").first.get_attribute("datetime") == "2026-03-02"
            assert page.get_by_text("Thank you Marek!").is_visible()
            assert page.locator(".credits-list").get_by_text("Joana Pires").is_visible()
            assert page.get_by_text("Lovely bridge!").count() == 1  # a comment, not body text
            assert axe_violations(page) == []
        finally:
            reader.close()
    finally:
        with django_db_blocker.unblock():
            ArticlePage.objects.filter(pk=int(match[1])).delete()
