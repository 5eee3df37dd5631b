"""Search in a real Chromium: from the masthead, filtered by section, to an article; 0 axe-core
WCAG 2.1 A/AA violations on desktop and phone, light and dark. No django_db mark: the live
server thread reads the session's committed demo content."""

from urllib.parse import parse_qs, urlsplit

import pytest

from newsdesk.core.browser import VIEWPORTS, axe_violations, open_page

pytestmark = pytest.mark.browser

MODES = [(device, scheme) for device in VIEWPORTS for scheme in ("light", "dark")]


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_search_from_the_masthead_filter_by_section_and_open_a_result(browser, site, device):
    context, page, _ = open_page(browser, site["base"] + "/", device, "light")
    try:
        box = page.get_by_role("search", name="Site").get_by_role(
            "searchbox", name="Search articles"
        )
        assert box.is_visible()
        box.fill("water")
        box.press("Enter")
        page.wait_for_url(lambda url: query_of(url) == {"q": ["water"]})
        assert page.locator("h1").inner_text() == "Search"
        assert page.get_by_label("Search for").input_value() == "water"
        results = page.locator(".search-result")
        assert results.count() > 1
        assert page.locator(".search-result mark").first.is_visible()
        kickers = set(page.locator(".search-result .kicker span:first-child").all_inner_texts())
        assert len(kickers) > 1, kickers  # more than one section before filtering
        assert no_sideways_scroll(page)
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)

        # Filters fold away under a disclosure once there is a query (no JavaScript needed).
        filters = page.locator("details.search-more")
        assert filters.get_attribute("open") is None
        filters.locator("summary").click()
        page.get_by_label("Section", exact=True).select_option(label="World")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(lambda url: "section" in query_of(url))
        assert query_of(page.url)["q"] == ["water"]
        kickers = set(page.locator(".search-result .kicker span:first-child").all_inner_texts())
        assert {k.lower() for k in kickers} == {"world"}, kickers
        assert page.get_by_label("Section", exact=True).input_value() == "world"
        assert filters.get_attribute("open") is not None  # open while a filter is in use

        first = page.locator(".search-result .story-title a").first
        headline = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == headline
        assert "/world/" in page.url
    finally:
        context.close()


@pytest.mark.parametrize(("device", "scheme"), MODES, ids=[f"{d}-{s}" for d, s in MODES])
@pytest.mark.parametrize(
    "query",
    ["?q=river+talks&sort=newest", "?q=orumma", "?q=%F0%9F%8C%8A&section=nowhere", ""],
    ids=["results", "no-results", "notes", "empty"],
)
def test_search_page_states_pass_axe(browser, site, device, scheme, query):
    context, page, response = open_page(browser, site["base"] + "/search/" + query, device, scheme)
    try:
        assert response.status == 200
        assert page.locator("h1").count() == 1
        assert page.locator('meta[name="robots"][content="noindex"]').count() == 1
        assert no_sideways_scroll(page)
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
    finally:
        context.close()


def test_the_masthead_search_works_by_keyboard_alone(browser, site):
    context, page, _ = open_page(browser, site["base"] + site["urls"]["article"], "phone", "dark")
    try:
        page.get_by_role("searchbox", name="Search articles").focus()
        page.keyboard.type("Oruma")
        page.keyboard.press("Tab")  # to the submit button, which has an accessible name
        assert page.evaluate("document.activeElement.textContent.trim()") == "Search"
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: query_of(url) == {"q": ["Oruma"]})
        assert page.locator(".search-result").count() >= 1
    finally:
        context.close()
