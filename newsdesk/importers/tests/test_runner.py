"""The shared import runner: one bad item never stops the rest; a dry run saves nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.importers import runner
from newsdesk.importers.models import ImportedItem
from newsdesk.importers.records import Upserted
from newsdesk.importers.runner import (
    ImportCommand,
    ImportReport,
    ItemError,
    Progress,
    SkipItem,
    SourceItem,
    run_import,
)
from newsdesk.importers.services import upsert_article, upsert_tag

pytestmark = pytest.mark.django_db

ROWS = [
    {"id": "1", "title": "Ferries resume on the northern route"},
    {"id": "2", "title": ""},  # no headline: fails
    {"id": "3", "title": "Spam", "spam": True},  # left out on purpose
    {"id": "4", "title": "Night trains add a second sleeper"},
]


def items():
    return [SourceItem(file="export.json", label=f"post {row['id']}", data=row) for row in ROWS]


def import_row(item: SourceItem):
    row = item.data
    if row.get("spam"):
        raise SkipItem("marked as spam")
    # The tag is saved before the article fails: the item's transaction takes it back too.
    tag = upsert_tag(source="t", source_id=f"tag-{row['id']}", name=f"Route {row['id']}")
    article = upsert_article(
        source="t",
        source_id=row["id"],
        section=SectionPage.objects.get(slug="world"),
        title=row["title"],
        tags=[tag.obj],
    )
    return [tag, article]


def test_a_failing_item_does_not_stop_the_others_and_is_named():
    report = run_import(items(), import_row)
    assert report.items == 4
    assert report.total("created") == 4  # two tags, two articles
    assert [str(f) for f in report.failures] == [
        "export.json: post 2: An article needs a headline."
    ]
    assert [str(s) for s in report.skipped] == ["export.json: post 3: marked as spam"]
    assert not ImportedItem.objects.filter(source_id="tag-2").exists()
    assert ArticlePage.objects.filter(title__startswith="Night trains").exists()

    again = run_import(items(), import_row)
    assert again.total("created") == 0 and again.total("unchanged") == 4
    assert ArticlePage.objects.filter(title__startswith="Ferries resume").count() == 1


def test_dry_run_reports_what_would_change_and_saves_nothing():
    articles, records = ArticlePage.objects.count(), ImportedItem.objects.count()
    report = run_import(items(), import_row, dry_run=True)
    assert report.total("created") == 4 and len(report.failures) == 1
    assert "created article 'Ferries resume on the northern route'" in report.changes
    assert "would be created" in report.summary() and "nothing was saved" in report.summary()
    assert (ArticlePage.objects.count(), ImportedItem.objects.count()) == (articles, records)


def test_summary_lists_counts_by_kind_and_every_failure():
    report = run_import(items(), import_row)
    lines = report.summary().splitlines()
    assert lines[0] == "4 item(s): 4 created, 0 updated, 0 unchanged, 1 skipped, 1 failed"
    assert "  article: 2 created" in lines and "  tag: 2 created" in lines
    assert lines[-1] == "  FAILED export.json: post 2: An article needs a headline."


def test_unexpected_errors_are_reported_with_their_type():
    def explode(item):
        raise KeyError("guid")

    report = run_import([SourceItem("feed.xml", "item 9")], explode)
    assert report.failures[0].reason == "KeyError: 'guid'"


def test_progress_prints_every_tenth_when_not_a_terminal():
    out = StringIO()
    bar = Progress(out, total=20)
    for _ in range(20):
        bar.advance()
    assert out.getvalue().splitlines() == [f"{n}/20 items" for n in range(2, 21, 2)]


class RowsCommand(ImportCommand):
    def items(self, **options):
        return items()

    def count(self, **options):
        return len(ROWS)

    def import_one(self, item, **options):
        if item.data["id"] == "2":
            raise ItemError("no headline in the export")
        return import_row(item)


def test_import_command_prints_the_summary_and_fails_when_an_item_did():
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 item"):
        call_command(RowsCommand(), "--dry-run", stdout=out, stderr=err)
    assert "FAILED export.json: post 2: no headline in the export" in out.getvalue()
    assert "4/4 items" in err.getvalue()
    assert not ArticlePage.objects.filter(title__startswith="Ferries resume").exists()


def test_a_long_import_names_its_first_changes_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr(runner, "CHANGES_LISTED", 3)
    report = ImportReport()
    for n in range(5):
        report.add(Upserted(f"tag {n}", "tag", "created"))
    report.add(Upserted("tag 9", "tag", "unchanged"))
    assert len(report.changes) == 3 and report.more_changes == 2
    assert report.total("created") == 5
