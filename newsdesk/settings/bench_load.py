"""The load benchmark's servers (bench/load.py): the bench settings with comment limits relaxed.

Every simulated commenter posts from 127.0.0.1, one network for the per-network rate limit
(one comment per 15 s, six an hour), which would turn the load test into a test of that limit.
Everything else, the token's minimum age and the per-article daily limit included, is
production's.
"""

from .bench import *  # noqa: F403

COMMENT_RATE_LIMITS = ((1, 10_000),)
