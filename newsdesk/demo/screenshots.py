"""Screenshots of the demo magazine: `make screenshots` (python -m newsdesk.demo.screenshots DIR).

Migrates and loads the demo if needed, serves it on a free loopback port, and writes PNGs of
the home, section and article pages on desktop and phone, light and dark.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PAGES = {"home": "/", "section": "/world/", "article": None}
MAX_HEIGHT = 2600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback URL we started
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main(out_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.dev")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
    subprocess.run([*manage, "load_demo"], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "newsdesk.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ]
    )
    try:
        wait_for(base + "/")
        shoot(base, Path(out_dir))
    finally:
        server.terminate()
        server.wait(10)


def shoot(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from newsdesk.core.browser import VIEWPORTS, launch

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for device, viewport in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                pages = dict(PAGES)
                page.goto(base + "/world/")
                pages["article"] = page.locator("main .story-title a").first.get_attribute("href")
                for name, path in pages.items():
                    page.goto(base + path, wait_until="networkidle")
                    # Full-page shots: load the lazy images a reader would scroll to.
                    page.eval_on_selector_all(
                        "img[loading=lazy]", "els => els.forEach(e => e.loading = 'eager')"
                    )
                    page.wait_for_load_state("networkidle")
                    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                    target = out / f"{name}-{device}-{scheme}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                    )
                    print(f"wrote {target}")
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
