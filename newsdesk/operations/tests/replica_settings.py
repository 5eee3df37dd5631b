"""The served settings of the fault tests (served_settings.py) for the replica tests, with
production's page lifetimes: a page stays fresh in the page cache for minutes, so what the
page cache stored after a publish is still what it serves when the test looks; and an
unreachable replica is tried again after a second instead of 30."""

from .served_settings import *  # noqa: F403

PUBLIC_CACHE_CONTROL = {
    "public": True,
    "max_age": 60,
    "s_maxage": 300,
    "stale_while_revalidate": 60,
    "stale_if_error": 86400,
}
REPLICA_RETRY_SECONDS = 1
