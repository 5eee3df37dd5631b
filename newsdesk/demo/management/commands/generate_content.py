"""Generate a large site for load and scale tests: articles and comments in bulk.

    manage.py generate_content --articles 1000000 --comments 200000

Adds generated articles under the demo's sections (load the demo first) until there are
`--articles` of them, then approved comments until there are `--comments`; a re-run with the
same counts adds nothing. Rows are written in bulk (COPY on PostgreSQL, executemany on
SQLite) in one transaction, without revisions, search index entries or cache purges: run
`manage.py update_index` for search, and purge the caches if the site is being served
(see `newsdesk/demo/generate.py`).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsdesk.demo import generate


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=0, help="generated articles wanted in all"
        )
        parser.add_argument(
            "--comments", type=int, default=0, help="generated comments wanted in all"
        )
        parser.add_argument("--dry-run", action="store_true", help="Generate, then roll back.")

    def handle(self, *args, articles: int, comments: int, dry_run: bool, verbosity: int, **_):
        if articles < 0 or comments < 0:
            raise CommandError("--articles and --comments count rows: give 0 or more.")
        say = self.stdout.write if verbosity else (lambda _: None)
        started = time.perf_counter()
        with transaction.atomic():
            made = generate.generate_articles(articles, log=say) if articles else 0
            said = generate.generate_comments(comments, log=say) if comments else 0
            if dry_run:
                transaction.set_rollback(True)
        seconds = time.perf_counter() - started
        say(
            self.style.SUCCESS(
                f"Added {made:,} articles and {said:,} comments in {seconds:.0f} s"
                + (" (dry run: rolled back)" if dry_run else "")
            )
        )
