"""Fixtures shared by the whole suite.

The demo magazine is loaded once per test session into the test database (with small images
so it is quick), and every test reads it; tests that write run inside a rolled-back
transaction, so they never disturb each other.
"""

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

DEMO_IMAGE_SIZE = (480, 270)


def shared_dir() -> Path:
    """The project's shared/ folder, beside the checkout (or NEWSDESK_SHARED_DIR)."""
    path = Path(os.environ.get("NEWSDESK_SHARED_DIR") or settings.BASE_DIR.parent / "shared")
    if not (path / "fixtures").is_dir():
        raise FileNotFoundError(
            f"shared/fixtures not found at {path}: set NEWSDESK_SHARED_DIR to the shared folder."
        )
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, migrated and holding the demo magazine, for every test that asks.

    Set up here rather than by pytest-django so that browser tests, which use no transaction
    of their own, get it too.
    """
    from django.test.utils import setup_databases, teardown_databases

    from newsdesk.demo.loader import load_demo

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        load_demo(image_size=DEMO_IMAGE_SIZE)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """An empty cache for every test.

    Rolled-back tests hand the same primary keys out again, so an entry keyed by one (Wagtail's
    rendition cache, related-story ids) must not outlive the test that wrote it.
    """
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis (TEST_REDIS_URL, set by scripts/test); CI fails without one."""
    from newsdesk.core.testing import missing_service

    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        missing_service("TEST_REDIS_URL is not set: run the suite with `make test`.")
    return url


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return shared_dir() / "fixtures" / "seed"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class LiveServer(ThreadedWSGIServer):
    request_queue_size = 128  # the load tests open 50 connections at once


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker):
    """The test database served over HTTP on a free loopback port, plus URLs to visit.

    For browser tests: they use no transaction of their own, so the server thread sees the
    committed demo content, and whatever a test writes stays written.
    """
    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.pages.models import StandardPage
    from newsdesk.people.models import PeopleIndexPage, PersonPage

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
        httpd = LiveServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        httpd.set_app(WSGIHandler())
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            yield {"base": f"http://127.0.0.1:{httpd.server_address[1]}", "urls": urls}
        finally:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """The system Chromium, shared by all browser tests."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's database
    # calls from the tests themselves are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from newsdesk.core.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def pytest_collection_modifyitems(config, items):
    # Browser tests last: the quick checks report first.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
