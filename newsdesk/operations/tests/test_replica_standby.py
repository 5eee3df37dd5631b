"""Public reads from a real streaming standby, under the real app server (operations/replica.py).

The module starts a primary PostgreSQL cluster holding a copy of this session's test database
(the demo magazine), a streaming standby of it made with `pg_basebackup -R` (pgcluster.py,
each on a free loopback port), a Redis of its own, and gunicorn with the production settings
and DATABASE_URL, DATABASE_REPLICA_URL and REDIS_URL pointing at them (replica_settings.py).

A standby holds the same rows as its primary, so the tests tell the two apart by pausing the
standby's replay (`pg_wal_replay_pause()`): a change made on the primary then exists there
only, and a page showing the old text was read from the standby. Then:

- anonymous readers' pages come from the standby; an editor's view of the same page, the
  admin and every write go to the primary;
- a publish while the standby lags: the new headline is served at once (read from the primary
  during REPLICA_PRIMARY_AFTER_WRITE) and is what the page cache keeps, while pages rendered
  after the window come from the standby again;
- the standby stopped (`pg_ctl stop -m immediate`): pages are still rendered, from the primary.

Runs in the PostgreSQL session (scripts/test's second run), whose test database it copies.
"""

from __future__ import annotations

import html
import itertools
import secrets
import time

import pytest

from newsdesk.caching.tests.test_redis_down import throwaway_redis

from .conftest import cluster_with_test_database, pointed_at
from .pgcluster import Cluster
from .served import Reply, Site, create_editor, edit_form, serve, sign_in

DATABASE = "newsdesk"
EDITOR, PASSWORD = "replica-editor", secrets.token_urlsafe(16)
ATTEMPTS = 240  # polls of a quarter second at most: a minute, far beyond the 5 s window
probes = itertools.count()


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker):
    """(primary, standby, paths, ids): the primary holds a copy of the test database and an
    editor; the standby streams from it."""
    with django_db_blocker.unblock(), cluster_with_test_database(DATABASE) as primary:
        with pointed_at(DATABASE, **primary.settings):
            paths, ids = prepare_content()
        standby = Cluster(standby_of=primary)
        try:
            standby.start()
            caught_up(primary, standby)
            yield primary, standby, paths, ids
        finally:
            standby.remove()


def prepare_content() -> tuple[dict[str, str], dict[str, int]]:
    from newsdesk.articles.models import ArticlePage, SectionPage

    world = SectionPage.objects.get(slug="world")
    # The newest is published again by a test: the section page lists it first.
    newest, other = (
        ArticlePage.objects.published().child_of(world).order_by("-first_published_at", "-pk")[:2]
    )
    create_editor(EDITOR, PASSWORD)
    paths = {"section": world.url, "read": other.url, "publish": newest.url}
    return paths, {"read": other.pk, "publish": newest.pk}


@pytest.fixture(scope="module")
def redis_server():
    with throwaway_redis() as server:
        yield server


@pytest.fixture(scope="module")
def site(pair, redis_server):
    primary, standby, paths, ids = pair
    with serve(
        settings_module="newsdesk.operations.tests.replica_settings",
        DATABASE_URL=primary.url(DATABASE),
        DATABASE_REPLICA_URL=standby.url(DATABASE),
        REDIS_URL=redis_server.url,
    ) as served:
        served.paths, served.ids = paths, ids
        yield served


@pytest.fixture(scope="module")
def editor(site) -> dict[str, str]:
    return sign_in(site, EDITOR, PASSWORD)


@pytest.fixture
def replaying(pair, site):
    """The standby up, replaying and caught up at the start and end of each test."""
    primary, standby, _, _ = pair

    def restore():
        if not standby.running():
            standby.start()
        standby.sql("SELECT pg_wal_replay_resume()")
        caught_up(primary, standby)

    restore()
    yield primary, standby
    restore()


def caught_up(primary: Cluster, standby: Cluster) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    target = primary.sql("SELECT pg_current_wal_lsn()::text")
    for _ in range(ATTEMPTS):
        if standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.25)
    pytest.fail(f"the standby did not replay up to {target}")


def pause_replay(standby: Cluster) -> None:
    """From now on the standby receives the primary's changes but does not apply them."""
    standby.sql("SELECT pg_wal_replay_pause()")


def wait_until_paused(standby: Cluster) -> None:
    """The standby stopped before a change that reached it (the state says 'paused' then)."""
    for _ in range(ATTEMPTS):
        if standby.sql("SELECT pg_get_wal_replay_pause_state()") == "paused":
            return
        time.sleep(0.25)
    pytest.fail("the standby's replay never paused")


def diverge(primary: Cluster, standby: Cluster, page_id: int) -> tuple[str, str]:
    """Pause the standby, then retitle the page on the primary alone (no purge: nothing tells
    the site to avoid the standby). Returns (the standby's title, the primary's). The
    publication time moves too, as a publish moves it: the story kept as HTML is keyed by it
    (caching/templatetags/fragments.py), so each database's render shows its own title."""
    old = headline(primary, page_id)
    new = f"Only on the primary {secrets.token_hex(3)}"
    pause_replay(standby)
    primary.sql(
        "UPDATE wagtailcore_page SET title = %s, last_published_at = now() WHERE id = %s",
        new,
        page_id,
        database=DATABASE,
    )
    wait_until_paused(standby)
    assert (headline(primary, page_id), headline(standby, page_id)) == (new, old)
    return old, new


def headline(cluster: Cluster, page_id: int) -> str:
    return cluster.sql(
        "SELECT title FROM wagtailcore_page WHERE id = %s", page_id, database=DATABASE
    )


def shows(reply: Reply, title: str) -> bool:
    return html.escape(title) in reply.text  # as templates escape it


def probe(site: Site, name: str, **kwargs) -> Reply:
    """The page rendered now (a query string of its own: never a copy from the page cache)."""
    reply = site.get(f"{site.paths[name]}?probe={next(probes)}", **kwargs)
    assert reply.status == 200, reply.text[:2000]
    return reply


def first_probe_showing(site: Site, name: str, text: str) -> Reply:
    for _ in range(ATTEMPTS):
        reply = probe(site, name)
        if shows(reply, text):
            return reply
        time.sleep(0.25)
    pytest.fail(f"{name} never showed {text!r}; the last copy showed {reply.title!r}")


def test_anonymous_pages_are_read_from_the_standby_and_the_rest_from_the_primary(
    site, editor, replaying
):
    primary, standby = replaying
    page_id = site.ids["read"]
    old, new = diverge(primary, standby, page_id)

    # The site's first requests find no note of the last write (a new Redis) and read the
    # primary for the window; after it, readers' pages come from the standby.
    first_probe_showing(site, "read", old)
    for _ in range(3):
        assert shows(probe(site, "read"), old)

    # An editor reading the same public page, and the admin, read the primary.
    assert shows(probe(site, "read", cookies=editor), new)
    admin = site.get(f"/admin/pages/{page_id}/edit/", cookies=editor)
    assert admin.status == 200 and shows(admin, new)

    # A write (an editor's draft) goes to the primary: the standby refuses writes, and does
    # not have the revision while it is paused.
    form = edit_form(site, editor, page_id)
    saved = site.post(
        f"/admin/pages/{page_id}/edit/", [*form, ("title", f"{new}, draft")], cookies=editor
    )
    assert saved.status == 302, saved.text[:2000]
    drafts = [
        cluster.sql(
            "SELECT count(*) FROM wagtailcore_revision WHERE content->>'title' = %s",
            f"{new}, draft",
            database=DATABASE,
        )
        for cluster in (primary, standby)
    ]
    assert drafts == [1, 0]

    standby.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    assert shows(probe(site, "read"), new)


def test_a_publish_is_read_from_the_primary_for_the_window_and_cached_as_published(
    site, editor, replaying
):
    primary, standby = replaying
    page_id, path = site.ids["publish"], site.paths["publish"]
    old = headline(primary, page_id)
    new = f"Published while the standby lags {secrets.token_hex(3)}"
    # The other article tells where pages are read: its old title is on the standby only.
    standby_title, primary_title = diverge(primary, standby, site.ids["read"])
    first_probe_showing(site, "read", standby_title)  # past any window: readers on the standby
    assert shows(probe(site, "section"), old)
    site.get(path)
    cached = site.get(path)
    assert (cached.headers["x-cache"], shows(cached, old)) == ("HIT", True)

    form = edit_form(site, editor, page_id)
    published = site.post(
        f"/admin/pages/{page_id}/edit/",
        [*form, ("title", new), ("action-publish", "action-publish")],
        cookies=editor,
    )
    assert published.status == 302, published.text[:2000]
    assert (headline(primary, page_id), headline(standby, page_id)) == (new, old)

    # Purged, rendered again at once: from the primary, though the standby has not replayed
    # the publish, and stored so.
    fresh = site.get(path)
    assert (fresh.status, fresh.headers["x-cache"]) == (200, "MISS")
    assert shows(fresh, new) and not shows(fresh, old)
    assert shows(site.get(site.paths["section"]), new)
    assert shows(probe(site, "read"), primary_title)  # every page, for the window

    # After the window, pages rendered now come from the standby again (still behind) ...
    first_probe_showing(site, "read", standby_title)
    assert shows(probe(site, "publish"), old)
    # ... and the page cache still serves what it stored from the primary: the new headline.
    cached = site.get(path)
    assert (cached.headers["x-cache"], shows(cached, new)) == ("HIT", True)
    assert not shows(cached, old)

    standby.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    assert shows(probe(site, "publish"), new)


def test_a_stopped_standby_leaves_readers_on_the_primary(site, replaying):
    primary, standby = replaying
    standby_title, primary_title = diverge(primary, standby, site.ids["read"])
    first_probe_showing(site, "read", standby_title)  # readers on the standby, connected
    standby.stop("immediate")
    for _ in range(3):
        reply = probe(site, "read")
        assert reply.headers["x-cache"] == "MISS" and shows(reply, primary_title)
    assert probe(site, "section").title
    assert "The read replica cannot be reached" in site.log.read_text()
