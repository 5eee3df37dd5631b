"""What a reader sees in a real Chromium, and 0 axe-core WCAG 2.1 A/AA violations,
on desktop and phone widths, in light and dark mode, for every public page type."""

import pytest

from newsdesk.core.browser import VIEWPORTS, axe_violations, open_page

pytestmark = pytest.mark.browser

MODES = [(device, scheme) for device in VIEWPORTS for scheme in ("light", "dark")]


READER_CHECKS = {
    "home": [".front-lead .story-title", ".front-lead img", ".section-nav"],
    "section": ["main .story-title", ".section-nav [aria-current='page']"],
    "article": [
        ".article-dek",
        ".byline a",
        "figure figcaption .credit",
        ".dateline time",
        ".credits-list",
    ],
    "opinion": [".type-label.type-opinion", ".article-opinion .article-title"],
    "tag": ["main .story-title"],
    "person": [".profile-photo", ".profile-bio", "main .story-title"],
    "people": [".person-card-name"],
    "standard": [".article-body p"],
    "not_found": [".error-page .tag-list a"],
}


@pytest.mark.parametrize(("device", "scheme"), MODES, ids=[f"{d}-{s}" for d, s in MODES])
@pytest.mark.parametrize("kind", list(READER_CHECKS))
def test_page_reads_well_and_passes_axe(browser, site, kind, device, scheme):
    context, page, response = open_page(browser, site["base"] + site["urls"][kind], device, scheme)
    try:
        assert response.status == (404 if kind == "not_found" else 200)
        h1 = page.locator("h1")
        assert h1.count() == 1 and h1.is_visible()
        for selector in READER_CHECKS[kind]:
            assert page.locator(selector).first.is_visible(), f"{selector} is not visible"
        # Nothing overflows sideways, down to a 360 px phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The headline is on the first screen, without scrolling.
        assert h1.bounding_box()["y"] < VIEWPORTS[device]["height"] / 2
        if kind in ("article", "home"):
            assert page.evaluate(
                "[...document.images].every(i => i.complete || i.loading === 'lazy')"
            )
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus_to_main(browser, site):
    context, page, _ = open_page(
        browser, site["base"] + site["urls"]["article"], "desktop", "light"
    )
    try:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


def test_dark_mode_changes_colours_but_not_images(browser, site):
    colours = {}
    for scheme in ("light", "dark"):
        context, page, _ = open_page(browser, site["base"] + "/", "desktop", scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.story-media img')).filter")
            == "none"
        )
        context.close()
    assert colours["light"] != colours["dark"]


def test_axe_harness_reports_a_real_violation(browser, site):
    """Guards the check above: a page with an unlabelled image must fail it."""
    context, page, _ = open_page(browser, site["base"] + "/", "desktop", "light")
    try:
        page.evaluate("document.querySelector('main').append(document.createElement('img'))")
        assert any(v.startswith("image-alt") for v in axe_violations(page))
    finally:
        context.close()
