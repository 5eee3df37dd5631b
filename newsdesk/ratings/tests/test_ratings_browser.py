"""The rating widget in a real Chromium: instant with JavaScript, a plain form without it.
(Its accessibility is checked with the whole article page in core/tests/test_browser.py.)"""

import pytest

from newsdesk.core.browser import axe_violations, open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def article(site, django_db_blocker):
    from newsdesk.articles.models import ArticlePage
    from newsdesk.ratings.models import Rating

    with django_db_blocker.unblock():
        article = ArticlePage.objects.get(url_path__endswith=site["urls"]["article"])
        Rating.objects.filter(article=article).delete()
    yield article
    with django_db_blocker.unblock():
        Rating.objects.filter(article=article).delete()


def ratings_of(article, django_db_blocker) -> list[int]:
    from newsdesk.ratings.models import Rating

    with django_db_blocker.unblock():
        return list(Rating.objects.filter(article=article).values_list("stars", flat=True))


def test_rating_with_javascript_updates_in_place(browser, site, article, django_db_blocker):
    url = site["base"] + site["urls"]["article"]
    context, page, _ = open_page(browser, url, "desktop", "light")
    try:
        page.get_by_role("button", name="Rate 4 out of 5").click()
        status = page.locator("#rating [role=status]")
        status.get_by_text("Thanks: you rated this 4 out of 5.").wait_for()
        assert page.url == url  # no reload
        assert page.locator(".rating-summary").inner_text() == "4.0 out of 5 from 1 rating"
        assert page.locator("button[aria-pressed=true]").get_attribute("value") == "4"
        (cookie,) = [c for c in context.cookies() if c["name"] == "newsdesk_reader"]
        assert cookie["httpOnly"] and cookie["path"] == "/ratings/"

        page.get_by_role("button", name="Rate 2 out of 5").click()
        status.get_by_text("Thanks: you rated this 2 out of 5.").wait_for()
        assert page.locator(".rating-summary").inner_text() == "2.0 out of 5 from 1 rating"
        assert ratings_of(article, django_db_blocker) == [2]
        assert axe_violations(page) == [], "the rated state is accessible too"
    finally:
        context.close()


def test_rating_without_javascript_posts_the_form(browser, site, article, django_db_blocker):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site["base"] + site["urls"]["article"])
        page.get_by_role("button", name="Rate 5 out of 5").click()
        page.wait_for_url("**?rated=5#rating")
        assert (
            page.locator("#rating [role=status]")
            .inner_text()
            .startswith("Thanks: you rated this 5 out of 5.")
        )
        assert page.locator(".rating-summary").inner_text() == "5.0 out of 5 from 1 rating"
        assert ratings_of(article, django_db_blocker) == [5]
    finally:
        context.close()
