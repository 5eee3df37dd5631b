"""Who the load benchmark (bench/load.py) simulates: readers, searchers, commenters, editors.

Locust runs this file in a process of its own. bench/load.py writes the plan it reads (JSON,
named by NEWSDESK_LOAD_PLAN): the pages to read, the queries, the articles open for comments,
the editor's account and gunicorn's address. Readers, searchers and commenters go through
Varnish (locust's --host); editors go straight to gunicorn, as a newsroom's admin does.
Request names group the statistics by kind ("reader: article"); each user draws from its own
seeded random generator, so a run's mix is the same from one run to the next.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["NEWSDESK_LOAD_PLAN"]).read_text())
SEEDS = itertools.count(1)
OLDER = re.compile(r'<a rel="next" href="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMMENTS = itertools.count(1)
SERVED = collections.defaultdict(collections.Counter)  # request name -> X-Cache -> count


def get(user, path: str, name: str):
    """GET through Varnish, noting whether Varnish answered from its cache (X-Cache)."""
    response = user.client.get(path, name=name)
    SERVED[name][response.headers.get("X-Cache", "-") if response.headers else "-"] += 1
    return response


@events.quitting.add_listener
def save_served(environment, **kwargs):
    Path(PLAN["served"]).write_text(json.dumps(SERVED))


class Reader(FastHttpUser):
    """Home, sections and their 'Older' pages, articles (mostly recent ones) and feeds."""

    weight = 85
    wait_time = between(1, 4)

    def on_start(self):
        self.rng = random.Random(next(SEEDS))  # noqa: S311 - a reader's choices, not a secret

    def article(self) -> str:
        recent = self.rng.random() < PLAN["recent_share"]
        return self.rng.choice(PLAN["recent"] if recent else PLAN["archive"])

    @task(2)
    def home(self):
        get(self, "/", "reader: home")

    @task(5)
    def read(self):
        get(self, self.article(), "reader: article")

    @task(2)
    def section(self):
        path = self.rng.choice(PLAN["sections"])
        response = get(self, path, "reader: section")
        # Some readers go on down the section's list: keyset pages, most of them not cached.
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            found = OLDER.search(response.text or "")
            if not found:
                break
            response = get(self, path + unescape(found.group(1)), "reader: older")

    @task(1)
    def feed(self):
        get(self, self.rng.choice(PLAN["feeds"]), "reader: feed")


class Searcher(FastHttpUser):
    """A query from a short list; one in five goes on to the next page of results."""

    weight = 8
    wait_time = between(2, 6)

    def on_start(self):
        self.rng = random.Random(next(SEEDS))  # noqa: S311

    @task
    def search(self):
        query = self.rng.choice(PLAN["queries"])
        response = get(self, "/search/?" + urlencode({"q": query}), "search: results")
        found = OLDER.search(response.text or "")
        if found and self.rng.random() < 0.2:
            get(self, "/search/" + unescape(found.group(1)), "search: next page")


class Commenter(FastHttpUser):
    """Reads an article open for comments, takes a while to type, posts the page's form."""

    weight = 5
    wait_time = between(5, 15)

    def on_start(self):
        self.rng = random.Random(next(SEEDS))  # noqa: S311

    @task
    def comment(self):
        path = self.rng.choice(PLAN["commentable"])
        page = get(self, path, "commenter: article")
        token = TOKEN.search(page.text or "")
        action = re.search(r'id="comment-form" method="post" action="([^"]+)"', page.text or "")
        if not token or not action:
            return  # a failed GET is already counted; a page without the form is a closed one
        # The signed token must be older than newsdesk.comments.tokens.MIN_AGE (3 s):
        # nobody types a comment faster.
        gevent.sleep(self.rng.uniform(4, 10))
        number = next(COMMENTS)
        form = {
            "name": f"Load reader {number}",
            "email": f"reader{number}-{os.getpid()}@{PLAN['comment_domain']}",
            "website": "",
            "body": f"Comment {number} from process {os.getpid()}: "
            + self.rng.choice(PLAN["comment_lines"]),
            "parent": "",
            "token": unescape(token.group(1)),
            "homepage": "",
        }
        origin = PLAN["origin"]
        with self.client.post(
            action.group(1),
            data=urlencode(form),
            headers={
                "Origin": origin,
                "Referer": origin + path,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            allow_redirects=False,
            name="commenter: post",
            catch_response=True,
        ) as response:
            # Accepted comments redirect back to the article; anything else is a failure.
            if response.status_code == 302 and "comment=" in response.headers.get("Location", ""):
                response.success()
            else:
                said = re.search(r'role="alert">([^<]*)<', response.text or "")
                why = unescape(said.group(1)) if said else ""
                response.failure(f"comment not accepted: {response.status_code} {why}".strip())


class Editor(HttpUser):
    """Signs in to the admin, opens an article's edit view and publishes it."""

    weight = 2
    wait_time = between(5, 15)
    admin = PLAN["backend"]  # absolute URLs: locust's --host (Varnish) is for the others

    def on_start(self):
        self.rng = random.Random(next(SEEDS))  # noqa: S311
        page = self.client.get(self.admin + "/admin/login/", name="editor: sign-in form")
        self.plain_cookies()
        with self.client.post(
            self.admin + "/admin/login/",
            data={
                "csrfmiddlewaretoken": self.csrf(page.text),
                "username": PLAN["editor"][0],
                "password": PLAN["editor"][1],
                "next": "/admin/",
            },
            headers={"Referer": self.admin + "/admin/login/"},
            name="editor: sign in",
            catch_response=True,
        ) as response:
            if "sessionid" not in self.client.cookies:
                response.failure("not signed in")
        self.plain_cookies()

    def plain_cookies(self):
        # Production marks the session and CSRF cookies Secure; on plain-HTTP loopback the
        # client would keep them to itself, as a browser does not on localhost.
        for cookie in self.client.cookies:
            cookie.secure = False

    def csrf(self, html: str) -> str:
        found = CSRF.search(html or "")
        return found.group(1) if found else ""

    @task
    def publish(self):
        article = self.rng.choice(PLAN["editable"])
        self.plain_cookies()
        self.client.get(self.admin + "/admin/", name="editor: dashboard")
        self.client.get(f"{self.admin}/admin/pages/{article}/edit/", name="editor: edit view")
        confirm = f"{self.admin}/admin/bulk/wagtailcore/page/publish/?id={article}&next=/admin/"
        page = self.client.get(confirm, name="editor: publish (confirm)")
        self.plain_cookies()  # a response may have set the CSRF cookie again, Secure
        with self.client.post(
            confirm,
            data={"csrfmiddlewaretoken": self.csrf(page.text)},
            headers={"Referer": confirm},
            allow_redirects=False,
            name="editor: publish",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                csrf = " (CSRF)" if "CSRF" in (response.text or "") else ""
                response.failure(f"publish not done: {response.status_code}{csrf}")
