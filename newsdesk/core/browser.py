"""The system Chromium, launched the same way for browser tests and screenshots."""

import os
import shutil
from pathlib import Path

from django.conf import settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 360, "height": 780}}


def chromium_path() -> str:
    """Path of the system Chromium; Playwright cannot download its own browser here."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    raise RuntimeError(
        "No Chromium found: install it (Debian: apt-get install chromium) or set CHROMIUM=/path."
    )


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def open_page(browser, url: str, device: str = "desktop", scheme: str = "light"):
    """A fresh context and page at `url`; returns (context, page, response)."""
    context = browser.new_context(viewport=VIEWPORTS[device], color_scheme=scheme)
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    return context, page, response


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one readable line each."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (make test does it).")
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline
    # scripts, and DevTools evaluation is not subject to it.
    page.evaluate(f"{AXE.read_text()}\n;true")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
