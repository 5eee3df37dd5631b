"""Load The Meridian, the demo magazine, once; running it again keeps what is there."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from newsdesk.demo import loader
from newsdesk.demo.loader import DEMO_PASSWORD, DEMO_USERNAME
from newsdesk.newsroom.demo import create_demo_users


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Build it, then roll back.")

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        say = self.stdout.write if verbosity else (lambda _: None)
        if loader.is_loaded():
            create_demo_users()  # databases loaded before the roles existed get them too
            say("Demo content is already loaded; keeping it.")
        else:
            say("Loading the demo magazine (about a minute the first time) ...")
            with transaction.atomic():
                counts = loader.load_demo(
                    log=lambda line: say(f"  {line}") if verbosity > 1 else None
                )
                if not get_user_model().objects.filter(is_superuser=True).exists():
                    get_user_model().objects.create_superuser(
                        DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD
                    )
                if dry_run:
                    transaction.set_rollback(True)
            say(
                self.style.SUCCESS(
                    "Loaded "
                    + ", ".join(f"{n} {k}" for k, n in counts.items())
                    + (" (dry run: rolled back)" if dry_run else "")
                )
            )
