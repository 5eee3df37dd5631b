"""Helpers the tests share that are not fixtures."""

import os
from typing import NoReturn

import pytest
from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL, for the subprocesses a test starts."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    return (
        f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"
    )


def missing_service(message: str) -> NoReturn:
    """A real service the tests need is not here: CI fails, a developer's run skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
