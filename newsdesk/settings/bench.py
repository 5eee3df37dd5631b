"""Benchmarks (`make bench`): the production settings, on a throwaway PostgreSQL database.

Everything that decides speed is production's: DEBUG off, the same middleware, templates,
database engine and persistent connections, cache (Redis when REDIS_URL is set), tasks queued
in the database. The differences are only what a benchmark on loopback needs:

- `python -m bench` makes up a SECRET_KEY per run (production refuses to start without one)
  and points DATABASE_URL at its own database (newsdesk_bench), never the tests' or the demo's;
- plain HTTP on loopback, so no redirect to HTTPS;
- static files are served from the source folders instead of a collectstatic run, except
  where a benchmark collected them first as production does (BENCH_STATIC_ROOT: hashed
  names, compressed, cached for a year), as Lighthouse's does;
- uploaded media (the demo's images and their renditions) live under var/bench/media.
"""

import os
from pathlib import Path

from .production import *  # noqa: F403
from .production import BASE_DIR, STORAGES

SECURE_SSL_REDIRECT = False
if collected := os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(collected)
else:
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    STATIC_ROOT = None
    WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "var" / "bench" / "media"
