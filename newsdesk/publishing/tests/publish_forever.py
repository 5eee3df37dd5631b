"""Helper for test_atomic's SIGKILL test: publishes articles forever, to be killed at random.

Run as `python publish_forever.py SECTION_ID ARTICLE_ID...` with DATABASE_URL and
DJANGO_SETTINGS_MODULE set. Django starts once; for every seed line on stdin the process forks
a publisher and reports `pid N`, then `reaped N STATUS` once the test has killed it (the
harness is newsdesk.core.killing's). The publisher saves and publishes a revision of each
article in turn, each in one transaction as the admin's write middleware does, and now and
then adds a new article (a tree write) too.
"""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from newsdesk.articles.models import ArticlePage, SectionPage  # noqa: E402
from newsdesk.core.killing import say, serve  # noqa: E402
from newsdesk.demo import factories  # noqa: E402

KILL_TEST_SLUG = "kill-test-"


def publish_forever(section_id: int, article_ids: list[int], rng: random.Random) -> None:
    start = rng.randrange(len(article_ids))  # so that every article gets its turns
    article_ids = article_ids[start:] + article_ids[:start]
    count = 0
    while True:
        for pk in article_ids:
            count += 1
            with transaction.atomic():
                page = ArticlePage.objects.get(pk=pk)
                page.title = f"Kill test {pk}, edition {os.getpid()}.{count}"
                page.save_revision().publish(user=None)
            say("published")
            # After any publish, not only after a whole round: a publisher is often killed
            # before it has been round all the articles once.
            if rng.random() < 0.2:
                with transaction.atomic():
                    factories.make_article(
                        section=SectionPage.objects.get(pk=section_id),
                        headline=f"Kill test new page {os.getpid()}.{count}",
                        slug=f"{KILL_TEST_SLUG}new-{os.getpid()}-{count}",
                    )
                say("added")


def main() -> None:
    section_id, *article_ids = (int(arg) for arg in sys.argv[1:])
    serve(lambda rng: publish_forever(section_id, article_ids, rng))


if __name__ == "__main__":
    main()
