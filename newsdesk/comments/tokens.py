"""Signed form tokens: public pages stay cacheable, yet a comment must come from our form,
no sooner than a person could type it and no later than the page could still be current."""

import time

from django.core import signing

SALT = "newsdesk.comments.form"
MIN_AGE = 3  # seconds: bots post at once
MAX_AGE = 7 * 24 * 3600  # a cached page may be a few days old


class TokenError(Exception):
    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def make_token(article_id: int, *, now: float | None = None) -> str:
    return signing.dumps(
        {"a": article_id, "t": int(now if now is not None else time.time())}, salt=SALT
    )


def check_token(token: str, article_id: int, *, now: float | None = None) -> None:
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature as exc:
        raise TokenError("The form could not be verified. Please send it again.") from exc
    age = (now if now is not None else time.time()) - data.get("t", 0)
    if data.get("a") != article_id:
        raise TokenError("This form belongs to another article.")
    if age < MIN_AGE:
        raise TokenError(
            "That was quicker than anyone can type. Please wait a moment and send again."
        )
    if age > MAX_AGE:
        raise TokenError("The form had expired. Please send it again.", expired=True)
