"""The embedded default: what `make run` uses on a laptop.

DEBUG is off unless asked for (DEBUG=1), so the demo shows readers' 404 and 500 pages;
WhiteNoise serves static files straight from the source folders and Django serves media.
"""

from .base import *  # noqa: F403
from .base import SECRET_KEY, STORAGES, env_bool

DEBUG = env_bool("DEBUG", False)
# While debugging, template and code changes should show at once: no page cache unless asked.
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
# A fixed key is fine for a local demo; production refuses to start without SECRET_KEY.
SECRET_KEY = SECRET_KEY or "newsdesk-dev-only-not-secret"  # noqa: S105
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served from the source folders, nothing to collect
WHITENOISE_AUTOREFRESH = DEBUG
SERVE_MEDIA = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
