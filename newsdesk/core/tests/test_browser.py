"""What a reader sees in a real Chromium, and 0 axe-core WCAG 2.1 A/AA violations,
on desktop and phone widths, in light and dark mode, for every public page type."""

import os
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from newsdesk.core.browser import VIEWPORTS, launch
from newsdesk.settings.base import BASE_DIR

pytestmark = pytest.mark.browser

AXE = Path(BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = [(device, scheme) for device in VIEWPORTS for scheme in ("light", "dark")]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The test database served over HTTP on a free loopback port, plus the URLs to visit."""
    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.pages.models import StandardPage
    from newsdesk.people.models import PeopleIndexPage, PersonPage

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    with django_db_blocker.unblock():
        world = SectionPage.objects.get(slug="world")
        article = (
            ArticlePage.objects.published().child_of(world).filter(dateline_place__gt="").first()
        )
        urls = {
            "home": "/",
            "section": world.url,
            "article": article.url,
            "opinion": ArticlePage.objects.published().filter(article_type="opinion").first().url,
            "tag": f"/tags/{article.tags.first().slug}/",
            "person": PersonPage.objects.get(slug="amara-okafor").url,
            "people": PeopleIndexPage.objects.get().url,
            "standard": StandardPage.objects.get(slug="about").url,
            "not_found": "/no-such-page/",
        }
        httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        httpd.set_app(WSGIHandler())
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"base": f"http://127.0.0.1:{httpd.server_address[1]}", "urls": urls}
        finally:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (make test does it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def open_page(browser, url, device, scheme):
    context = browser.new_context(viewport=VIEWPORTS[device], color_scheme=scheme)
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    return context, page, response


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


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
