"""Running an import: one transaction per item, a dry run, progress and a final summary.

Every importer hands `run_import` its items (a file, a label and the data) and a function
that imports one item through the upsert services. Each item is committed on its own, so an
interrupted import resumes by being run again; an item that fails is rolled back alone and
reported with its file and reason while the rest carry on. A dry run does all the work in one
outer transaction and rolls it back, so the report says what would change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from .records import Upserted

ACTIONS = ("created", "updated", "unchanged")


@dataclass(frozen=True)
class SourceItem:
    """One unit of import: everything in it is committed together or not at all."""

    file: str
    label: str
    data: Any = None


@dataclass(frozen=True)
class Failure:
    file: str
    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.reason}"


CHANGES_LISTED = 1000


@dataclass
class ImportReport:
    dry_run: bool = False
    items: int = 0
    counts: Counter = field(default_factory=Counter)  # (kind, action) -> n
    skipped: list[Failure] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # The first changes by name ("created article 'Headline'"), the rest only counted: a
    # 60,000-item import must not grow the process by a line per item.
    changes: list[str] = field(default_factory=list)
    more_changes: int = 0

    def add(self, result: Upserted) -> None:
        self.counts[result.kind, result.action] += 1
        if result.action == "unchanged":
            return
        if len(self.changes) < CHANGES_LISTED:
            self.changes.append(f"{result.action} {result.label}")
        else:
            self.more_changes += 1

    def skip(self, item: SourceItem, reason: str) -> None:
        self.skipped.append(Failure(item.file, item.label, reason))

    def fail(self, item: SourceItem, reason: str) -> None:
        self.failures.append(Failure(item.file, item.label, reason))

    def total(self, action: str) -> int:
        return sum(n for (_kind, done), n in self.counts.items() if done == action)

    def summary(self) -> str:
        """A few lines for the end of a run: per kind what changed, then every failure."""
        verb = "would be " if self.dry_run else ""
        lines = [
            f"{self.items} item(s): {self.total('created')} {verb}created, "
            f"{self.total('updated')} {verb}updated, {self.total('unchanged')} unchanged, "
            f"{len(self.skipped)} skipped, {len(self.failures)} failed"
            + (" (dry run: nothing was saved)" if self.dry_run else "")
        ]
        for kind in sorted({kind for kind, _ in self.counts}):
            done = ", ".join(
                f"{self.counts[kind, action]} {action}"
                for action in ACTIONS
                if self.counts[kind, action]
            )
            lines.append(f"  {kind}: {done}")
        lines += [f"  skipped {entry}" for entry in self.skipped]
        lines += [f"  FAILED {entry}" for entry in self.failures]
        return "\n".join(lines)


class SkipItem(Exception):
    """Raised by an importer for an item it leaves out on purpose (spam, an unsupported type)."""


class ItemError(Exception):
    """Raised by an importer for an item it cannot import; the message is the reason."""


def reason_for(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    if isinstance(error, ItemError | ValueError | LookupError) and not isinstance(error, KeyError):
        return str(error)
    return f"{type(error).__name__}: {error}"


class Progress:
    """A progress line on a terminal (redrawn in place), else a line every 10%."""

    def __init__(self, stream: TextIO | None, total: int | None = None):
        self.stream, self.total, self.done = stream, total, 0
        self.tty = bool(stream and getattr(stream, "isatty", lambda: False)())
        self.step = max(1, (total or 0) // 10) if total else 100

    def advance(self, label: str = "") -> None:
        self.done += 1
        if self.stream is None:
            return
        of = f"/{self.total}" if self.total else ""
        if self.tty:
            width = 30
            filled = width * self.done // self.total if self.total else 0
            bar = f"[{'#' * filled}{'.' * (width - filled)}] " if self.total else ""
            self.stream.write(f"\r{bar}{self.done}{of} {label[:40]:<40}")
            self.stream.flush()
        elif self.done % self.step == 0 or self.done == self.total:
            self.stream.write(f"{self.done}{of} items\n")

    def finish(self) -> None:
        if self.stream is not None and self.tty and self.done:
            self.stream.write("\n")


ImportOne = Callable[[SourceItem], Iterable[Upserted] | Upserted | None]


def run_import(
    items: Iterable[SourceItem],
    import_one: ImportOne,
    *,
    dry_run: bool = False,
    total: int | None = None,
    progress: TextIO | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import each item in its own transaction; return what happened. Never raises for an item."""
    report = report or ImportReport(dry_run=dry_run)
    bar = Progress(progress, total)
    # Items commit one by one (an interrupted run resumes by running again); a dry run holds
    # them all in one transaction that it rolls back.
    with transaction.atomic() if dry_run else nullcontext():
        for item in items:
            report.items += 1
            try:
                with transaction.atomic():
                    results = import_one(item)
            except SkipItem as skipped:
                report.skip(item, str(skipped))
            except Exception as error:  # one bad item never stops the rest
                report.fail(item, reason_for(error))
            else:
                if isinstance(results, Upserted):
                    results = [results]
                for result in results or ():
                    report.add(result)
            bar.advance(item.label)
        if dry_run:
            transaction.set_rollback(True)
    bar.finish()
    return report


class ImportCommand(BaseCommand):
    """Base for `import_*` commands: `--dry-run`, progress on stderr, the summary on stdout,
    and exit status 1 when any item failed. Subclasses give `items()` and `import_one()`."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do the whole import, report what would change, then roll it all back.",
        )

    def items(self, **options) -> Iterable[SourceItem]:
        raise NotImplementedError

    def section(self, slug: str = ""):
        """The section a `--section SLUG` names (the first section without one)."""
        from newsdesk.articles.models import SectionPage

        sections = SectionPage.objects.order_by("path")
        section = sections.filter(slug=slug).first() if slug else sections.first()
        if section is None:
            known = ", ".join(sections.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No section {slug!r}; sections: {known}.")
        return section

    def count(self, **options) -> int | None:
        """How many items there will be, if known cheaply (for the progress bar)."""
        return None

    def import_one(self, item: SourceItem, **options) -> Iterable[Upserted] | Upserted | None:
        raise NotImplementedError

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        report = run_import(
            self.items(**options),
            lambda item: self.import_one(item, **options),
            dry_run=dry_run,
            total=self.count(**options),
            progress=self.stderr._out if verbosity and self.stderr else None,
        )
        if verbosity > 1:
            for change in report.changes:
                self.stdout.write(f"  {change}")
            if report.more_changes:
                self.stdout.write(f"  ... and {report.more_changes} more")
        if verbosity:
            self.stdout.write(report.summary())
        if report.failures:
            raise CommandError(f"{len(report.failures)} item(s) failed; see above.")
        return None
