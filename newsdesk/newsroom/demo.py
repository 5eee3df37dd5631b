"""One demo account per newsroom role, for trying the review workflow on the demo magazine."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import notifications
from .roles import BY_KEY, WORKFLOW_NAME

DEMO_PASSWORD = "newsdesk-demo"  # noqa: S105 - printed to the person running the local demo

# (username, role key, first name, last name); the people are fictional.
DEMO_PEOPLE = [
    ("contributor", "contributor", "Tomas", "Brenner"),
    ("writer", "writer", "Ines", "Varga"),
    ("editor", "editor", "Ruth", "Okonkwo-Hale"),
    ("managing", "managing", "Daniel", "Asante"),
    ("moderator", "moderator", "Mei", "Lindqvist"),
]


class DemoAccount(NamedTuple):
    username: str
    password: str
    role: str  # the group's name, e.g. "Editors"


@transaction.atomic
def create_demo_users() -> list[DemoAccount]:
    """Create (or keep) one user per role, in that role's group; returns their credentials.

    Idempotent: existing accounts keep their password and details and are only put back in
    their group. The groups themselves come from the newsroom migration.
    """
    User = get_user_model()
    accounts = []
    for username, key, first_name, last_name in DEMO_PEOPLE:
        role = BY_KEY[key]
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@newsdesk.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.group))
        accounts.append(DemoAccount(username, DEMO_PASSWORD, role.group))
    return accounts


# The four articles that show the review workflow's states; slugs keep them from being made twice.
DRAFT_SLUG = "demo-draft-allotment-waiting-lists"
IN_REVIEW_SLUG = "demo-review-ferry-timetable-cuts"
SCHEDULED_SLUG = "demo-scheduled-school-meals-audit"
EMBARGOED_SLUG = "demo-embargoed-central-bank-minutes"
WORKFLOW_STATE_SLUGS = (DRAFT_SLUG, IN_REVIEW_SLUG, SCHEDULED_SLUG, EMBARGOED_SLUG)


def _paragraphs(*texts: str) -> list[dict]:
    return [{"type": "paragraph", "value": text} for text in texts]


def _tomorrow_at_seven() -> datetime:
    """Tomorrow at 07:00 in the site's time zone."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(7, 0)))


def _schedule(page, *, go_live_at: datetime, user) -> None:
    """Approve the page to go live at `go_live_at`: with a future time, publishing only
    records the approved schedule (the revision's approved_go_live_at); the page stays a draft."""
    page.go_live_at = go_live_at
    page.save_revision(user=user).publish(user=user)


@transaction.atomic
def create_demo_workflow_states() -> list:
    """Four unpublished demo articles, one per newsroom state: a contributor's draft, an
    article in review, one scheduled for tomorrow at 07:00 and one embargoed for three hours.

    Idempotent: an article whose slug already exists is left alone. Returns the articles made.
    Needs the demo users, sections and people (load_demo makes them first).
    """
    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.demo.factories import make_article
    from newsdesk.people.models import PersonPage

    User = get_user_model()
    users = User.objects.in_bulk(["contributor", "writer", "editor"], field_name="username")
    existing = set(
        ArticlePage.objects.filter(slug__in=WORKFLOW_STATE_SLUGS).values_list("slug", flat=True)
    )

    def section(slug):
        return SectionPage.objects.get(slug=slug)

    def person(slug):
        return PersonPage.objects.get(slug=slug)

    def make(slug, owner, **kwargs):
        page = make_article(slug=slug, publish=False, **kwargs)
        page.owner = owner
        page.save(update_fields=["owner"])
        latest = page.get_latest_revision()
        latest.user = owner
        latest.save(update_fields=["user"])
        return page

    made = []
    if DRAFT_SLUG not in existing:
        made.append(
            make(
                DRAFT_SLUG,
                users["contributor"],
                section=section("politics"),
                headline="Allotment waiting lists pass ten years in three boroughs",
                dek="Councillors promise new plots, but the land they named is already leased.",
                bylines=[person("daniel-reyes")],
                body=_paragraphs(
                    "Residents in three boroughs now wait more than a decade for an allotment, "
                    "according to figures the councils released after a request from tenants' "
                    "groups.",
                    "In Eastmoor the list has grown to 1,400 names, against 212 plots. The "
                    "council says it will open two new sites next spring.",
                    "One of those sites, beside the old tram depot, is leased to a builders' "
                    "merchant until 2031, the lease documents show.",
                    "A council spokesperson said talks with the leaseholder were "
                    '"constructive" and that the spring date still stood.',
                ),
            )
        )
    if IN_REVIEW_SLUG not in existing:
        page = make(
            IN_REVIEW_SLUG,
            users["writer"],
            section=section("business"),
            headline="Island ferry operator cuts winter sailings by a third",
            dek="Islanders say the new timetable leaves no way back from the mainland after 4pm.",
            bylines=[person("helena-marsh")],
            body=_paragraphs(
                "The operator of the three northern island ferries will run a third fewer "
                "sailings this winter, blaming fuel costs and a shortage of licensed crew.",
                "Under the new timetable the last boat home leaves the mainland at 4.10pm, "
                "two hours earlier than last year.",
                "The islands' community council says pupils at the mainland college and "
                "hospital shift workers will be the worst affected.",
                "The operator said the timetable would be reviewed in February.",
            ),
        )
        workflow = page.get_workflow()
        if workflow is None:
            from wagtail.models import Workflow

            workflow = Workflow.objects.get(name=WORKFLOW_NAME)
        with notifications.muted():  # a demo submission mails nobody
            workflow.start(page, users["writer"])
        made.append(page)
    if SCHEDULED_SLUG not in existing:
        page = make(
            SCHEDULED_SLUG,
            users["editor"],
            section=section("politics"),
            headline="Audit finds school meal contracts were renewed without tender",
            dek="Nine contracts worth 14 million euros were rolled over for a fifth year.",
            bylines=[person("kwame-mensah")],
            body=_paragraphs(
                "Nine school meal contracts in the county were renewed for a fifth year "
                "without being put out to tender, the regional audit office says in a report "
                "published today.",
                "The contracts, worth 14 million a year together, were meant to be retendered "
                "after three years under the county's own rules.",
                "The auditors found no sign of wrongdoing but said the county could not show "
                "it had got value for money.",
                "The county's education committee will discuss the report next week.",
            ),
        )
        _schedule(page, go_live_at=_tomorrow_at_seven(), user=users["editor"])
        made.append(page)
    if EMBARGOED_SLUG not in existing:
        page = make(
            EMBARGOED_SLUG,
            users["editor"],
            section=section("business"),
            headline="Central bank minutes show a split over the pace of rate cuts",
            dek="Four members wanted to wait; three argued inflation was already beaten.",
            kicker="Embargoed",
            bylines=[person("helena-marsh")],
            body=_paragraphs(
                "The minutes of the central bank's last meeting show its rate-setting "
                "committee divided four to three over whether to cut rates again.",
                "The majority said wage growth was still too strong to be sure inflation "
                "would stay near its target through the winter.",
                "The three members in the minority warned that waiting risked a sharper "
                "slowdown in construction and retail.",
                "Markets had priced in a cut at the next meeting; the minutes make that less "
                "certain, economists said.",
            ),
        )
        _schedule(page, go_live_at=timezone.now() + timedelta(hours=3), user=users["editor"])
        made.append(page)
    return made
