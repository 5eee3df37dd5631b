"""Fixtures shared by the whole suite.

The demo magazine is loaded once per test session into the test database (with small images
so it is quick), and every test reads it; tests that write run inside a rolled-back
transaction, so they never disturb each other.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

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


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return shared_dir() / "fixtures" / "seed"


def pytest_collection_modifyitems(config, items):
    # Browser tests last: the quick checks report first.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
