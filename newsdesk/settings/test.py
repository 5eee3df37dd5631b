"""Settings for the test suite: fast hashing, local memory cache, immediate tasks."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES

SCRATCH = Path(tempfile.mkdtemp(prefix="newsdesk-test-"))
SECRET_KEY = "newsdesk-tests-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "newsdesk.caching.memory.MemoryCache"},
    "pages": {"BACKEND": "newsdesk.caching.memory.UnpickledMemoryCache", "LOCATION": "pages"},
}
# Off, so that tests see Django's own responses; the page cache's tests turn it on.
PAGE_CACHE = False
PAGE_CACHE_TAG_FILE = SCRATCH / "page-cache-tags"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = SCRATCH / "media"
SERVE_MEDIA = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so the browser tests' server thread sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(SCRATCH / "test.sqlite3")}
if "replica" in DATABASES:  # DATABASE_REPLICA_URL: the tests' replica is the test database
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
STATIC_ROOT = None  # WhiteNoise serves from the source folders; nothing is collected
WHITENOISE_USE_FINDERS = True
# Tests that post many comments would trip the real limits; the rate-limit tests set them.
COMMENT_RATE_LIMITS = ((1, 10_000),)
