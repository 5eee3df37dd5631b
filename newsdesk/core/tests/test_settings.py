"""Settings come from the environment; production refuses to run unsafely."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from newsdesk.settings.base import BASE_DIR

GOOD_KEY = secrets.token_urlsafe(64)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="newsdesk.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level=WARNING",
        DJANGO_SETTINGS_MODULE="newsdesk.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="news.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_bad_database_url_is_a_clear_error():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="newsdesk.settings.dev", DATABASE_URL="nonsense://x"
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_database_url_selects_postgres_and_its_app():
    result = run_python(
        "from newsdesk.settings import base; "
        "print(base.DATABASES['default']['ENGINE'], 'django.contrib.postgres' in base.INSTALLED_APPS)",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/news",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "True"], result.stderr


def test_embedded_sqlite_uses_wal_immediate_a_busy_timeout_and_kept_connections():
    result = run_python(
        "from newsdesk.settings import base; db = base.DATABASES['default']; "
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']); print(db['OPTIONS'])",
        DATA_DIR=str(settings.MEDIA_ROOT),
    )
    kept, options = result.stdout.splitlines()
    assert kept == "60 False", "a connection lasts a minute of requests, not one"
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "'timeout': 20" in options
    assert "journal_mode=WAL" in options


@pytest.mark.django_db
def test_the_test_database_is_configured_as_the_embedded_default_or_postgres():
    """The suite runs on the same engine options as production would on this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            assert connection.transaction_mode == "IMMEDIATE"
        else:
            assert connection.vendor == "postgresql"
            assert "django.contrib.postgres" in settings.INSTALLED_APPS
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000


def test_production_rejects_a_weak_secret_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="newsdesk.settings.production", SECRET_KEY="x" * 60
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_environment_variable_is_documented():
    import re

    used = set()
    for path in (BASE_DIR / "newsdesk" / "settings").glob("*.py"):
        used |= set(
            re.findall(r'(?:environ\.get|env_bool|env_list)\("([A-Z_]+)"', path.read_text())
        )
    documented = set(re.findall(r"^([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert used, "found the settings' variables"
    assert used <= documented, f"missing from .env.example: {sorted(used - documented)}"
