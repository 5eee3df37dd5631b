"""50 concurrent readers post 1,000 comments and 500 ratings through the real HTTP stack:
nothing lost, nothing duplicated, no "database is locked", no server error.

Runs on whichever database the session uses: SQLite in the first run, PostgreSQL in the second.
"""

import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.comments.tokens import make_token

pytestmark = pytest.mark.live

POSTERS = 50
COMMENTS = 1000
RATINGS = 500


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def send(url: str, data: dict, headers: dict) -> int:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), headers=headers, method="POST"
    )
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        if error.code >= 500 or "locked" in body:
            return -error.code
        return error.code


@pytest.fixture
def target(site, django_db_blocker):
    from newsdesk.articles.models import ArticlePage

    with django_db_blocker.unblock():
        article = ArticlePage.objects.published().filter(comments_mode="open").last()
        ratings_before = set(article.ratings.values_list("pk", flat=True))
    yield article
    with django_db_blocker.unblock():
        article.comments.filter(body__startswith="Concurrent comment ").delete()
        article.ratings.exclude(pk__in=ratings_before).delete()


def test_concurrent_comments_and_ratings_lose_and_duplicate_nothing(
    site, target, django_db_blocker, settings
):
    from newsdesk.comments.models import Comment
    from newsdesk.ratings.models import Rating

    settings.COMMENT_RATE_LIMITS = ((1, 100_000),)
    base = site["base"]
    host = base.removeprefix("http://")
    token = make_token(target.pk, now=time.time() - 60)
    with django_db_blocker.unblock():
        ratings_before = Rating.objects.filter(article=target).count()

    def comment(n: int) -> int:
        data = {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Concurrent comment {n}",
            "token": token,
        }
        return send(f"{base}/comments/{target.pk}/", data, {"Origin": base, "Host": host})

    def rate(n: int) -> int:
        headers = {"Origin": base, "User-Agent": f"reader-{n}", "Accept": "application/json"}
        return send(f"{base}/ratings/{target.pk}/", {"stars": str(n % 5 + 1)}, headers)

    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        comment_codes = list(pool.map(comment, range(COMMENTS)))
        rating_codes = list(pool.map(rate, range(RATINGS)))

    assert Counter(comment_codes) == {302: COMMENTS}
    assert Counter(rating_codes) == {200: RATINGS}
    with django_db_blocker.unblock():
        bodies = list(
            Comment.objects.filter(
                article=target, body__startswith="Concurrent comment "
            ).values_list("body", flat=True)
        )
        assert len(bodies) == COMMENTS and len(set(bodies)) == COMMENTS
        assert Rating.objects.filter(article=target).count() == ratings_before + RATINGS
