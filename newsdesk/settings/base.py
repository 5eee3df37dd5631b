"""Settings shared by every environment, driven by environment variables.

The embedded default needs nothing installed: SQLite, an in-process cache and local media.
Production grows onto PostgreSQL and Redis by setting DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR / "var")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false.")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsdesk.core",
    "newsdesk.users",
    "newsdesk.images",
    "newsdesk.people",
    "newsdesk.articles",
    "newsdesk.pages",
    "newsdesk.comments",
    "newsdesk.ratings",
    "newsdesk.corrections",
    "newsdesk.newsroom",
    "newsdesk.distribution",
    "newsdesk.search",
    "newsdesk.analytics",
    "newsdesk.demo",
    "newsdesk.publishing",
    "newsdesk.caching",
    "newsdesk.importers",
    "newsdesk.operations",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: every log line carries the request id; /readyz answers before anything can fail.
    "newsdesk.operations.requestids.RequestIdMiddleware",
    "newsdesk.operations.health.ReadinessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page and conditional-GET handling, so its 304s deny framing too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsdesk.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsdesk.core.middleware.PublicCacheMiddleware",
    "newsdesk.core.sites.CachedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsdesk.publishing.middleware.AtomicAdminWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Admin paths only: two-step sign-in passed, or set up when required (newsdesk/users).
    "newsdesk.users.middleware.TwoFactorMiddleware",
    "newsdesk.importers.middleware.WordPressIdRedirectMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: answers a login refused for too many failures (newsdesk/users/throttling.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"
AUTH_USER_MODEL = "users.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


DATABASE_CONNECT_TIMEOUT = 2  # seconds; libpq counts anything below 2 as 2


def database_from_env(variable: str = "DATABASE_URL") -> dict:
    url = os.environ.get(variable, "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'newsdesk.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{variable} is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so
        # concurrent writers queue on the busy timeout instead of failing mid-transaction.
        # Kept open like PostgreSQL's: opening one (with its pragmas) cost 1.2 ms a request.
        # A file cannot drop the connection, so there is nothing to check.
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"].startswith("django.db.backends.postgresql"):
        # A database that does not answer fails the request in seconds (a branded 503, or a
        # stale copy from the page cache) instead of holding a worker for libpq's default of
        # forever. `?connect_timeout=N` in DATABASE_URL overrides it.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    return config


DATABASES = {"default": database_from_env()}
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if USING_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

# An optional PostgreSQL read replica (a streaming standby) for anonymous readers' pages
# (newsdesk/operations/replica.py, docs/deployment.md). For a few seconds after a change that
# purges pages every process reads the primary, so the page rendered again is not taken from a
# replica that has not replayed the change: that needs a cache all processes share (Redis).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_PRIMARY_AFTER_WRITE = 5  # seconds
REPLICA_RETRY_SECONDS = 30  # an unreachable replica is tried again after this
REPLICA_CACHE_ALIAS = "default"
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_env("DATABASE_REPLICA_URL")
    if not (USING_POSTGRES and DATABASES["replica"]["ENGINE"] == DATABASES["default"]["ENGINE"]):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica."
        )
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs REDIS_URL: every process must see when pages were "
            "last purged, to read the primary meanwhile (docs/deployment.md)."
        )
    DATABASE_ROUTERS = ["newsdesk.operations.replica.ReplicaRouter"]
    # Decides per request, before anything reads the database.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("newsdesk.core.middleware.PublicCacheMiddleware"),
        "newsdesk.operations.replica.ReplicaReadsMiddleware",
    )

# Background tasks (emails, cache purges, reference index) go to a queue in the database;
# `manage.py run_worker` (started by `make run`) runs them and publishes scheduled articles.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Behind a proxy (Varnish, a CDN), the request header that carries the client's address,
# e.g. HTTP_X_FORWARDED_FOR; rate limits and reader hashes then use its last hop.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")


def cache_settings(redis_url: str) -> dict:
    """Redis when REDIS_URL is set, else caches in this process.

    The Redis cache rides out an outage (newsdesk/caching/redis.py): misses instead of errors,
    and short socket timeouts so that a hung server slows requests by a second, not more.
    """
    if not redis_url:
        return {
            # Fragments: one per month of the archive for the sitemaps, related stories per
            # article...: Django's default of 300 entries would evict them in turn.
            "default": {
                "BACKEND": "newsdesk.caching.memory.MemoryCache",
                "OPTIONS": {"MAX_ENTRIES": 5000},
            },
            "pages": {
                "BACKEND": "newsdesk.caching.memory.UnpickledMemoryCache",
                "LOCATION": "pages",
                "OPTIONS": {"MAX_ENTRIES": 500},
            },
        }
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return {
        alias: {
            "BACKEND": "newsdesk.caching.redis.TolerantRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "OPTIONS": dict(options),
        }
        for alias, prefix in (("default", "newsdesk"), ("pages", "newsdesk-pages"))
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = cache_settings(REDIS_URL)

# The page cache (newsdesk/caching, docs/caching.md): anonymous GETs answered from the "pages"
# cache before Django runs, purged by cache tags. With the in-process cache, purges reach
# every process (gunicorn's workers, the task worker) through a small shared file.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024
PAGE_CACHE_SKIP_PREFIXES = ["/static/", "/media/", "/documents/"]
PAGE_CACHE_TAG_FILE = DATA_DIR / "page-cache-tags"
# Varnish in front (deploy/varnish/default.vcl): purged by URL (PURGE) and by tag (BAN).
VARNISH_URL = os.environ.get("VARNISH_URL", "")
# Responses leave the application with their X-Cache-Tags only for a proxy that purges by
# them and strips them (Varnish, or a CDN: set SEND_CACHE_TAGS=true); readers never see them.
SEND_CACHE_TAGS = env_bool("SEND_CACHE_TAGS", bool(VARNISH_URL))
WAGTAILFRONTENDCACHE = (
    {"varnish": {"BACKEND": "newsdesk.caching.backends.VarnishBackend", "LOCATION": VARNISH_URL}}
    if VARNISH_URL
    else {}
)

# Login throttling (django-axes, database handler: no Redis needed): 5 failures for an account,
# or from a network, lock it out for 15 minutes, with the same answer whether the account
# exists or not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsdesk.users.throttling.login_network"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-step sign-in to the admin (newsdesk/users/twofactor.py): each user may turn it on, and
# NEWSDESK_REQUIRE_2FA=1 requires it of all staff. A wrong code is a failed sign-in for axes,
# the one lockout for passwords and codes, so django-otp's own per-device back-off is off (it
# refuses a right code typed seconds after a wrong one, without saying why).
NEWSDESK_REQUIRE_2FA = env_bool("NEWSDESK_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Newsdesk"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Where `manage.py backup` writes its archives unless told otherwise (docs/deployment.md).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or DATA_DIR / "backups")


def media_storage_from_env() -> tuple[dict, list[str]]:
    """Local media under DATA_DIR, or an S3-compatible bucket when S3_BUCKET is set.

    Returns the default storage and the origins its public URLs come from (for img-src).
    Media are public: plain URLs without signatures, so pages and the CDN can cache them.
    """
    bucket = os.environ.get("S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, []
    endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    region = os.environ.get("S3_REGION") or None
    domain = os.environ.get("S3_CUSTOM_DOMAIN") or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": region,
        # Empty: boto3 finds credentials itself (AWS_* variables, an instance role).
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "custom_domain": domain,
        "location": os.environ.get("S3_PREFIX", ""),
        "querystring_auth": False,
        "default_acl": None,  # the bucket's policy makes media public, not per-object ACLs
        "file_overwrite": False,  # an upload never replaces another file of the same name
        # Path-style URLs on a custom endpoint (MinIO and most S3-compatible services).
        "addressing_style": "path" if endpoint else None,
    }
    if domain:
        origin = f"https://{domain.split('/')[0]}"
    elif endpoint:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
    else:
        origin = f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
    return {"BACKEND": "newsdesk.core.media_storage.MediaStorage", "OPTIONS": options}, [origin]


MEDIA_STORAGE, MEDIA_ORIGINS = media_storage_from_env()
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Sessions and CSRF cookies exist for the admin only; public pages never touch them.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Security headers on every response (newsdesk/core/security.py). The public templates have
# no inline script or style attribute (JSON-LD is data, not run), so the policy needs neither
# 'unsafe-inline' nor nonces, which would make every cached copy unique. Embedded players
# (core/blocks.py, EmbedBlock) may come from these hosts.
EMBED_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "frame-src": EMBED_FRAME_SOURCES,
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# The admin runs Wagtail's inline scripts and frames its own previews.
ADMIN_CSP = {
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@example.com")

# Wagtail
WAGTAIL_SITE_NAME = "Newsdesk"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "images.CustomImage"
# Uploads (and imported images, which pass the same field): no SVG (it can carry script),
# the format read from the content must match the extension, at most 20 MB and 50 million
# pixels counted over every frame (an animated GIF's too); Pillow refuses a decompression
# bomb before that.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "newsdesk.images.forms.ImageForm"  # counts every frame
# Pictures offer AVIF, WebP and JPEG. AVIF at 50 matches WebP at Wagtail's 80 in PSNR on the
# demo's artwork and is smaller; at Wagtail's default of 61 it came out larger than the WebP.
WAGTAILIMAGES_AVIF_QUALITY = 50
# Wagtail's database search (PostgreSQL full-text search, or SQLite FTS5) with the headline
# weighted above the rest on SQLite too; see newsdesk/search/backend.py. The site is in
# English: PostgreSQL stems with its "english" configuration (left unset, it would be the
# server's default_text_search_config, which initdb derives from the locale: "simple", with
# no stemming, on many servers), SQLite with FTS5's porter tokenizer (site_search migration
# 0001). For Elasticsearch or OpenSearch, name Wagtail's backend here instead (e.g.
# "wagtail.search.backends.elasticsearch8") and run `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "newsdesk.search.backend", "SEARCH_CONFIG": "english"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "newsdesk": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "django.request": {"level": "ERROR"},
        "django.tasks": {"level": "WARNING"},  # one line per task is noise in `make run`
    },
}
URLIZE_ASSUME_HTTPS = True
