"""Production: refuses to start without a secret key and passes `check --deploy`."""

import copy
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, LOGGING, MAILERS, SECRET_KEY, env_bool

if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production "
        "(the environment variable SECRET_KEY is missing or too weak). "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
MAILERS["default"]["OPTIONS"]["use_tls"] = env_bool("EMAIL_USE_TLS", True)

# One JSON object per log line, each with the request id (newsdesk/operations/logs.py).
LOGGING = copy.deepcopy(LOGGING)
LOGGING["formatters"]["json"] = {"()": "newsdesk.operations.logs.JsonFormatter"}
LOGGING["filters"] = {"request_id": {"()": "newsdesk.operations.requestids.RequestIdFilter"}}
LOGGING["handlers"]["console"].update(formatter="json", filters=["request_id"])
