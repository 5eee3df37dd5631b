"""PostgreSQL faults under the real app server: what readers and editors get, and what is kept.

The module starts a PostgreSQL cluster of its own (pgcluster.py: fsync on, free loopback
port), copies this session's test database into it (the demo magazine), and serves it with
gunicorn under the production settings (served_settings.py, served.py), page cache included.
Then:

- the database stops (`pg_ctl stop -m immediate`): pages readers saw are served stale, others
  get the branded 503, an editor's save gets a 503 that says so, /readyz says not ready; the
  database starts again and the same server renders and writes as before;
- the database is killed (SIGKILL) during a flood of reader comments: every comment the site
  acknowledged is stored once, every failure was a 503 that said so.

Runs in the PostgreSQL session (scripts/test's second run), whose test database it copies.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import Counter

import pytest
from django.conf import settings

from .conftest import cluster_with_test_database, pointed_at
from .pgcluster import Cluster
from .served import Reply, Site, create_editor, edit_form, serve, sign_in

DATABASE = "newsdesk"
EDITOR, PASSWORD = "outage-editor", secrets.token_urlsafe(16)
UNAVAILABLE = "Back in a moment"
NOT_SAVED = "may not have been saved"
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """A cluster of this module's own holding a copy of the session's test database."""
    with django_db_blocker.unblock(), cluster_with_test_database(DATABASE) as cluster:
        yield cluster


def prepare_content() -> tuple[dict[str, str], dict[str, int]]:
    """Pages to read, an article to comment on, a draft to edit and its editor."""
    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.demo import factories

    world = SectionPage.objects.get(slug="world")
    articles = list(ArticlePage.objects.published().child_of(world).order_by("pk")[:2])
    suffix = secrets.token_hex(4)
    flood = factories.make_article(
        section=world, headline="Readers weigh in on the harbour", slug=f"flood-{suffix}"
    )
    draft = factories.make_article(
        section=world, headline="Outage draft", slug=f"outage-draft-{suffix}", publish=False
    )
    create_editor(EDITOR, PASSWORD)
    paths = {
        "home": "/",
        "section": world.url,
        "article": articles[0].url,
        "unread": articles[1].url,
        "unread_section": SectionPage.objects.exclude(pk=world.pk).live().first().url,
        "flood": flood.url,
    }
    return paths, {"flood": flood.pk, "draft": draft.pk}


@pytest.fixture(scope="module")
def site(cluster, django_db_blocker):
    """gunicorn serving the cluster's copy with the production settings, on a free port."""
    with django_db_blocker.unblock(), pointed_at(DATABASE, **cluster.settings):
        paths, ids = prepare_content()
    with serve(
        settings_module="newsdesk.operations.tests.served_settings",
        DATABASE_URL=cluster.url(DATABASE),
    ) as served:
        served.paths, served.ids = paths, ids
        yield served


@pytest.fixture
def running(cluster, site):
    """The database up at the start of each test, whatever the previous one left."""
    if not cluster.running():
        cluster.start()
    return site


@pytest.fixture(scope="module")
def editor(site) -> dict[str, str]:
    """An editor signed in through the admin's login form: the cookies to send."""
    return sign_in(site, EDITOR, PASSWORD)


def draft_title(cluster: Cluster, page_id: int) -> str:
    from newsdesk.articles.models import ArticlePage

    with pointed_at(DATABASE, **cluster.settings):
        return ArticlePage.objects.get(pk=page_id).get_latest_revision().content["title"]


def database_check(site: Site, cookies: dict) -> dict:
    """/readyz's database check, as signed-in staff see it."""
    ready = site.get("/readyz", cookies=cookies)
    checks = {check["name"]: check for check in json.loads(ready.text)["checks"]}
    return checks["database"]


def assert_branded_503(reply: Reply, *, sending: bool) -> None:
    assert reply.status == 503, reply.text[:2000]
    assert UNAVAILABLE in reply.text and "css/newsdesk" in reply.text  # the site's own page
    assert (NOT_SAVED in reply.text) == sending
    assert "Traceback" not in reply.text and "OperationalError" not in reply.text
    assert int(reply.headers["retry-after"]) > 0
    assert {"no-store", "private"} <= set(
        reply.headers["cache-control"].replace(" ", "").split(",")
    )
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] and reply.headers["permissions-policy"]
    assert reply.headers["content-security-policy"] and reply.headers["x-frame-options"]
    assert settings.SESSION_COOKIE_NAME not in reply.cookies


def test_readers_and_editors_through_a_database_outage(
    cluster, running, editor, django_db_blocker, monkeypatch
):
    site = running
    from newsdesk.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", cluster.url(DATABASE))
    # An unreachable database answers within seconds: libpq gives up connecting after this.
    assert database_from_env()["OPTIONS"]["connect_timeout"] <= 3

    read = {}
    for name in ("home", "article", "section"):
        site.get(site.paths[name])
        again = site.get(site.paths[name])
        assert (again.status, again.headers["x-cache"]) == (200, "HIT"), name
        directives = dict(
            item.partition("=")[::2] for item in again.headers["cache-control"].split(", ")
        )
        assert int(directives["stale-if-error"]) >= 30 * 60  # half an hour at the least
        read[name] = again.title
        assert read[name]
    form = edit_form(site, editor, site.ids["draft"])
    assert database_check(site, editor)["ok"] is True
    workers = site.worker_pids()

    cluster.stop("immediate")
    for name, title in read.items():
        # Fresh for two seconds (served_settings.py), then stale: served all the same.
        for _ in range(60):
            reply = site.get(site.paths[name])
            assert (reply.status, reply.title) == (200, title), (name, reply.text[:2000])
            if reply.headers["x-cache"] == "STALE":
                break
            time.sleep(0.25)
        else:
            pytest.fail(f"{name} was never served stale: {reply.headers}")

    for name in ("unread", "unread_section"):
        reply = site.get(site.paths[name])  # answered, not hung: the request's timeout is 15 s
        assert_branded_503(reply, sending=False)
        assert reply.headers["x-cache"] == "MISS"

    saved = site.post(
        f"/admin/pages/{site.ids['draft']}/edit/",
        [*form, ("title", "Outage draft, rewritten")],
        cookies=editor,
    )
    assert_branded_503(saved, sending=True)

    ready = site.get("/readyz", cookies=editor)
    assert (ready.status, json.loads(ready.text)) == (503, {"status": "unavailable"})
    assert "Not ready: database: OperationalError" in site.log.read_text()

    cluster.start()
    assert site.process.poll() is None and site.worker_pids() == workers  # no restart
    for name in ("unread", "unread_section"):
        reply = site.get(site.paths[name])
        assert reply.status == 200 and reply.title, (name, reply.text[:2000])
    with django_db_blocker.unblock():
        assert draft_title(cluster, site.ids["draft"]) == "Outage draft"  # nothing half-saved
        saved = site.post(
            f"/admin/pages/{site.ids['draft']}/edit/",
            [*form, ("title", "Outage draft, rewritten")],
            cookies=editor,
        )
        assert saved.status == 302, saved.text[:2000]
        assert draft_title(cluster, site.ids["draft"]) == "Outage draft, rewritten"
    assert database_check(site, editor)["ok"] is True


CLIENTS = 6
ATTEMPTS = 200  # per client, at most
ACKNOWLEDGED = ("comment=received", "comment=published")


class Flood:
    """Readers posting comments, each a new one, until told to stop; every answer recorded."""

    def __init__(self, site: Site, token: str, run: str):
        self.site, self.token, self.run = site, token, run
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[str, int, str]] = []  # body, status, Location or page text

    def count(self, *, acknowledged: bool) -> int:
        with self.lock:
            return sum((status == 302) == acknowledged for _, status, _ in self.answers)

    def reader(self, number: int) -> None:
        for attempt in range(ATTEMPTS):
            if self.stop.is_set():
                return
            body = f"Flood {self.run} reader {number} comment {attempt}: the harbour matters."
            data = {
                "name": f"Reader {number}",
                "email": f"flood-{self.run}-{number}-{attempt}@example.org",
                "body": body,
                "token": self.token,
            }
            try:
                reply = self.site.post(f"/comments/{self.site.ids['flood']}/", data)
                answer = (body, reply.status, reply.headers.get("location", reply.text))
            except OSError as error:  # no answer at all: the test fails on it below
                answer = (body, 0, repr(error))
            with self.lock:
                self.answers.append(answer)
            if answer[1] != 302:
                time.sleep(0.05)  # a reader told to try again does not hammer

    def wait_for(self, what, target: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while what() < target:
            assert time.monotonic() < deadline, f"waited {seconds} s: {Counter(self.statuses())}"
            time.sleep(0.02)

    def statuses(self) -> list[int]:
        with self.lock:
            return [status for _, status, _ in self.answers]


def test_postgres_killed_during_a_comment_flood_keeps_every_acknowledged_comment(
    cluster, running, django_db_blocker
):
    site = running
    page = site.get(site.paths["flood"])
    token = TOKEN.search(page.text).group(1)
    time.sleep(3.1)  # comments.tokens.MIN_AGE: no sooner than a person could type
    flood = Flood(site, token, secrets.token_hex(3))
    readers = [threading.Thread(target=flood.reader, args=(n,)) for n in range(CLIENTS)]
    for reader in readers:
        reader.start()
    try:
        flood.wait_for(lambda: flood.count(acknowledged=True), 30, 60)
        cluster.kill()
        before = flood.count(acknowledged=True)
        flood.wait_for(lambda: flood.count(acknowledged=False), CLIENTS, 30)
        cluster.start()
        flood.wait_for(lambda: flood.count(acknowledged=True), before + 30, 60)
    finally:
        flood.stop.set()
        for reader in readers:
            reader.join(timeout=60)

    acknowledged = {body for body, status, _ in flood.answers if status == 302}
    failed = [(body, status, text) for body, status, text in flood.answers if status != 302]
    assert all(
        any(mark in location for mark in ACKNOWLEDGED)
        for body, status, location in flood.answers
        if status == 302
    )
    assert failed, "the flood never met the outage"
    for _, status, text in failed:
        assert status == 503 and UNAVAILABLE in text and NOT_SAVED in text, (status, text[:2000])

    from newsdesk.comments.models import Comment

    with django_db_blocker.unblock(), pointed_at(DATABASE, **cluster.settings):
        stored = Counter(
            Comment.objects.filter(body__startswith=f"Flood {flood.run} ").values_list(
                "body", flat=True
            )
        )
    assert acknowledged - stored.keys() == set(), "acknowledged comments were lost"
    assert [body for body, times in stored.items() if times > 1] == []
    assert stored.keys() <= {body for body, _, _ in flood.answers}
