"""An import killed (SIGKILL) at random points resumes by being run again: in the end every
post is there once, with all its comments, and nothing half-imported is left behind."""

import os
import random
import signal
import subprocess
import sys
import time

from django.conf import settings
from taggit.models import Tag
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.comments.models import Comment
from newsdesk.core.testing import database_url
from newsdesk.demo.wxr_export import COMMENTS_PER_POST, write_export
from newsdesk.importers.models import ImportedItem

POSTS = 16
KILLS = 3
SOURCE = "wordpress:bench-import.example"


def imported(kind: str) -> int:
    return ImportedItem.objects.filter(source=SOURCE, kind=kind).count()


def remove_the_import() -> None:
    for item in ImportedItem.objects.filter(source=SOURCE, kind__in=["section", "person"]):
        page = Page.objects.filter(pk=item.object_id).first()
        if page is not None:
            page.delete()
    Tag.objects.filter(slug__startswith="bench-topic-").delete()  # redirects went with pages
    ImportedItem.objects.filter(source=SOURCE).delete()


def test_an_import_killed_at_random_resumes_and_duplicates_nothing(
    tmp_path, django_db_setup, django_db_blocker
):
    rng = random.Random(20261129)
    export = tmp_path / "export.xml"
    write_export(export, POSTS)
    command = [sys.executable, "manage.py", "import_wordpress", str(export)]
    env = {**os.environ, "DATABASE_URL": database_url()}
    env["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings.test"
    targets = sorted(rng.sample(range(2, POSTS - 2), KILLS))
    with django_db_blocker.unblock():
        assert imported("article") == 0
        try:
            for target in targets:
                run = subprocess.Popen(
                    command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL
                )
                while imported("article") < target and run.poll() is None:
                    time.sleep(0.02)
                time.sleep(rng.uniform(0, 0.3))  # somewhere inside the next post
                assert run.poll() is None, "the import ended before it could be killed"
                os.kill(run.pid, signal.SIGKILL)
                run.wait()
            killed_at = imported("article")
            assert targets[-1] <= killed_at < POSTS
            done = subprocess.run(
                command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert " 0 failed" in done.stdout, done.stdout

            assert imported("article") == POSTS
            records = ImportedItem.objects.filter(source=SOURCE, kind="article")
            pages = ArticlePage.objects.filter(pk__in=records.values("object_id"))
            assert pages.count() == POSTS
            sections = SectionPage.objects.filter(slug__startswith="bench-desk-")
            # A post whose transaction was cut off left no page of its own behind.
            assert sum(ArticlePage.objects.descendant_of(s).count() for s in sections) == POSTS
            assert sorted(pages.values_list("slug", flat=True)) == sorted(
                f"bench-post-{n}" for n in range(1, POSTS + 1)
            )
            comments = Comment.objects.filter(article__in=pages)
            assert comments.count() == imported("comment") == POSTS * COMMENTS_PER_POST
            assert comments.filter(parent__isnull=False).count() == POSTS * 2
            assert not any(Page.find_problems())
        finally:
            remove_the_import()
            assert not any(Page.find_problems())
