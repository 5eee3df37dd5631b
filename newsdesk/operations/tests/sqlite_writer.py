"""Helper for test_sqlite_kills: writes through the site's services forever, to be killed.

Run through newsdesk.core.killing with DATABASE_URL (a SQLite file) and DJANGO_SETTINGS_MODULE
set. Django starts once. It makes the articles to write to and says `ready`; then for every
seed line on stdin it forks a writer and says `pid N`. The writer posts comments, publishes
new revisions and adds articles, each in its own transaction, and acknowledges each write
once committed: `ack comment ID`, `ack publish PAGE REVISION`, `ack page ID`. When the test
has killed it, this process says `reaped N STATUS`, looks at the database as the next writer
will find it (the page tree, every article's revisions) and says `checked` after a
`problem ...` line for anything wrong.
"""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from wagtail.models import Page, Revision  # noqa: E402

from newsdesk.articles.models import ArticlePage, SectionPage  # noqa: E402
from newsdesk.comments.services import Author, comment_create  # noqa: E402
from newsdesk.core.killing import say, serve  # noqa: E402
from newsdesk.demo import factories  # noqa: E402

SLUG = "sqlite-kill-"
ARTICLES = 4


def write_forever(section: SectionPage, articles: list[ArticlePage], rng: random.Random) -> None:
    pid, count = os.getpid(), 0
    while True:
        count += 1
        article = rng.choice(articles)
        roll = rng.random()
        if roll < 0.5:
            comment = comment_create(
                article=article,
                author=Author(name=f"Reader {count}", email=f"reader-{pid}-{count}@example.org",
                              network_hash=f"net-{pid}-{count}"),
                body=f"Comment {pid}.{count}: the piece leaves out the council's second vote.",
            )  # fmt: skip
            say(f"ack comment {comment.pk}")
        elif roll < 0.85:
            with transaction.atomic():
                page = ArticlePage.objects.get(pk=article.pk)
                page.title = f"SQLite kill test {article.pk}, edition {pid}.{count}"
                revision = page.save_revision()
                revision.publish(user=None)
            say(f"ack publish {page.pk} {revision.pk}")
        else:
            with transaction.atomic():
                page = factories.make_article(
                    section=section,
                    headline=f"SQLite kill test new page {pid}.{count}",
                    slug=f"{SLUG}new-{pid}-{count}",
                )
            say(f"ack page {page.pk}")


def problems() -> list[str]:
    found = [f"page tree: {kind}" for kind in Page.find_problems() if kind]
    for article in ArticlePage.objects.filter(slug__startswith=SLUG):
        revisions = list(
            Revision.page_revisions.filter(object_id=str(article.pk)).values_list("pk", flat=True)
        )
        if not revisions or article.latest_revision_id != max(revisions):
            found.append(f"{article.pk}: latest revision {article.latest_revision_id}")
        if not article.live or article.live_revision_id not in revisions:
            found.append(f"{article.pk}: live revision {article.live_revision_id}")
        elif article.title != Revision.objects.get(pk=article.live_revision_id).content["title"]:
            found.append(f"{article.pk}: title is not the live revision's")
    return found


def check() -> None:
    try:
        for problem in problems():
            say(f"problem {problem}")
    except Exception as error:
        say(f"problem checking: {error!r}")
    say("checked")


def main() -> None:
    section = SectionPage.objects.get(slug="world")
    articles = [
        factories.make_article(
            section=section, headline=f"SQLite kill test {n}", slug=f"{SLUG}{n}-{os.getpid()}"
        )
        for n in range(ARTICLES)
    ]
    say("ready")
    serve(lambda rng: write_forever(section, articles, rng), check=check)


if __name__ == "__main__":
    main()
