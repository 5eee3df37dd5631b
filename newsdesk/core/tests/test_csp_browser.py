"""The public Content-Security-Policy in a real Chromium: no violations on the page types."""

import pytest

from newsdesk.core.browser import open_page

pytestmark = pytest.mark.browser

# Every violation, reported by the page itself (console messages can be rate-limited).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
));
"""


def test_public_pages_load_without_csp_violations(browser, site):
    kinds = ["home", "section", "article", "person", "standard", "not_found"]
    context = browser.new_context()
    context.add_init_script(LISTEN)
    console = []
    try:
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        for kind in kinds:
            response = page.goto(site["base"] + site["urls"][kind], wait_until="load")
            assert "'unsafe-inline'" not in response.headers["content-security-policy"]
            # The stylesheet and the deferred script were allowed to run.
            assert page.evaluate("document.styleSheets.length") >= 1
            assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
            violations = page.evaluate("window.__cspViolations")
            assert violations == [], f"{kind}: {violations}"
        assert [text for text in console if "Content Security Policy" in text] == []
    finally:
        context.close()


def test_axe_still_runs_under_the_policy(browser, site):
    from newsdesk.core.browser import axe_violations

    context, page, _ = open_page(browser, site["base"] + site["urls"]["standard"])
    try:
        assert axe_violations(page) == []
    finally:
        context.close()
