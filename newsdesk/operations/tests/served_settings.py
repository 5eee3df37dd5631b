"""The production settings as the database fault tests serve them, in gunicorn on loopback.

Production's (through newsdesk.settings.bench: plain HTTP, static files from the source
folders instead of a collectstatic run), with three differences a test needs:

- media under DATA_DIR, as production keeps them, not the benchmarks' folder;
- pages fresh for 2 seconds instead of 5 minutes, so that a test sees a cached copy go stale
  and be served through the database outage by stale-if-error, which stays a day;
- no comment rate limits: every comment of a flood comes from the same loopback address.
"""

from newsdesk.settings.bench import *  # noqa: F403
from newsdesk.settings.bench import DATA_DIR

MEDIA_ROOT = DATA_DIR / "media"
PUBLIC_CACHE_CONTROL = {
    "public": True,
    "max_age": 1,
    "s_maxage": 2,
    "stale_while_revalidate": 60,
    "stale_if_error": 86400,
}
COMMENT_RATE_LIMITS = ((1, 100_000),)
