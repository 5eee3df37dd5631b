"""deploy/varnish/default.vcl in a real varnishd, in front of this session's live server.

Each module run starts its own varnishd on free ports (TEST_VARNISHD, set by scripts/test),
with the deployed VCL's backend pointed at the live server: hits, cookie stripping, passes for
editors, purges by URL and by tag (from loopback only), grace when the application fails, and
a publication visible on the next request everywhere it appears.
"""

import gzip
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from newsdesk.caching.wsgi import health
from newsdesk.core.testing import free_port, missing_service

pytestmark = pytest.mark.live

VCL = Path(django_settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl"
HEADLINE = "Harbour cranes fall silent"


@pytest.fixture(scope="session")
def varnishd() -> str:
    """varnishd from TEST_VARNISHD or the PATH; CI fails without one."""
    path = os.environ.get("TEST_VARNISHD") or shutil.which(
        "varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin"
    )
    if not path:
        missing_service("varnishd is not installed (apt-get install varnish).")
    return path


class Backend:
    """The application as Varnish sees it, recording requests; can be told to fail."""

    def __init__(self):
        self.django = WSGIHandler()
        self.seen: list[tuple[str, str | None]] = []
        self.failing = False
        self.short_lived: set[str] = set()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.seen.append((path, environ.get("HTTP_COOKIE")))
        if self.failing:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"the database is down"]

        def start(status, headers, exc_info=None):
            if path in self.short_lived:
                headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
                headers.append(("Cache-Control", "public, s-maxage=1"))
            return start_response(status, headers, exc_info)

        return self.django(environ, start)

    def cookies_for(self, path: str) -> list[str | None]:
        return [cookie for seen, cookie in self.seen if seen == path]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend(django_db_setup, django_db_blocker):
    app = Backend()
    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(health(app))
    with django_db_blocker.unblock():
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            app.port = server.server_address[1]
            yield app
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def varnish(varnishd, backend):
    """varnishd with the deployed VCL, its backend pointed at the live server."""
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-varnish-"))
    workdir.chmod(0o755)  # varnishd drops to its own user, which must reach the files
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend.port}";', VCL.read_text(), count=1)
    (workdir / "default.vcl").write_text(vcl)
    port = free_port()
    log = (workdir / "varnishd.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our binary, our arguments
        [varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(workdir / "default.vcl"),
         "-s", "malloc,32m", "-n", str(workdir / "state")],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("varnishd did not start: " + (workdir / "varnishd.log").read_text())
            time.sleep(0.2)
        yield {"port": port, "state": workdir / "state", "varnishd": varnishd}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def get(port: int, path: str, *, method: str = "GET", headers=None, source: str | None = None):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, headers={"Host": f"localhost:{port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def admin(varnish, *args: str) -> str:
    varnishadm = Path(varnish["varnishd"]).with_name("varnishadm")
    command = [str(varnishadm) if varnishadm.exists() else "varnishadm"]
    result = subprocess.run(  # noqa: S603 - our binary, our arguments
        [*command, "-n", str(varnish["state"]), *args], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture
def purging_varnish(varnish, settings):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "newsdesk.caching.backends.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{varnish['port']}",
        }
    }
    return varnish


def test_the_second_request_is_a_hit_without_tags(varnish):
    port = varnish["port"]
    status, first, body = get(port, "/world/")
    assert status == 200 and first["X-Cache"] == "MISS"
    status, second, again = get(port, "/world/")
    assert second["X-Cache"] == "HIT" and again == body
    assert "X-Cache-Tags" not in second and "public" in second["Cache-Control"]
    status, head, empty = get(port, "/world/", method="HEAD")
    assert head["X-Cache"] == "HIT" and empty == b""
    status, _, _ = get(port, "/world/", headers={"If-None-Match": second["ETag"]})
    assert status == 304


def test_hits_answer_with_their_own_request_id(varnish):
    port = varnish["port"]
    miss = get(port, "/technology/", headers={"X-Request-ID": "first-reader"})[1]
    assert (miss["X-Cache"], miss["X-Request-ID"]) == ("MISS", "first-reader")
    hit = get(port, "/technology/", headers={"X-Request-ID": "second-reader"})[1]
    assert (hit["X-Cache"], hit["X-Request-ID"]) == ("HIT", "second-reader")
    made = get(port, "/technology/", headers={"X-Request-ID": "bad id"})[1]["X-Request-ID"]
    assert re.fullmatch(r"varnish-\d+", made)


def test_cookies_are_stripped_on_public_paths_only(varnish, backend):
    port = varnish["port"]
    cookie = {"Cookie": "csrftoken=abc; _ga=GA1.2.3"}
    get(port, "/culture/", headers=cookie)
    assert get(port, "/culture/", headers=cookie)[1]["X-Cache"] == "HIT"
    assert backend.cookies_for("/culture/") == [None]

    get(port, "/comments/nothing-here/", headers=cookie)
    assert backend.cookies_for("/comments/nothing-here/") == [cookie["Cookie"]]
    status, _, _ = get(port, "/admin/login/", headers=cookie)
    assert backend.cookies_for("/admin/login/") == [cookie["Cookie"]]


def test_logged_in_editors_pass(varnish, backend):
    port = varnish["port"]
    get(port, "/business/")
    editor = {"Cookie": "sessionid=s3cr3t; csrftoken=abc"}
    for _ in range(2):
        assert get(port, "/business/", headers=editor)[1]["X-Cache"] == "MISS"
    assert backend.cookies_for("/business/")[-2:] == [editor["Cookie"]] * 2


def test_purge_and_ban_only_from_the_acl(varnish):
    port = varnish["port"]
    get(port, "/people/")
    assert get(port, "/people/")[1]["X-Cache"] == "HIT"
    # 127.0.0.2 is this machine too, but not in the `purgers` ACL.
    assert get(port, "/people/", method="PURGE", source="127.0.0.2")[0] == 405
    banned = get(port, "/", method="BAN", headers={"X-Cache-Tags": "all"}, source="127.0.0.2")
    assert banned[0] == 405
    assert get(port, "/people/")[1]["X-Cache"] == "HIT"

    assert get(port, "/people/", method="PURGE")[0] == 200
    assert get(port, "/people/")[1]["X-Cache"] == "MISS"
    bad = get(port, "/", method="BAN", headers={"X-Cache-Tags": "page-1|.*"})
    assert bad[0] == 400


def test_a_ban_by_tag_is_precise(varnish):
    from newsdesk.articles.models import SectionPage

    port = varnish["port"]
    world = SectionPage.objects.get(slug="world")
    for path in ("/world/", "/science/"):
        get(port, path)
    assert get(port, "/", method="BAN", headers={"X-Cache-Tags": f"section-{world.pk}"})[0] == 200
    assert get(port, "/world/")[1]["X-Cache"] == "MISS"
    assert get(port, "/science/")[1]["X-Cache"] == "HIT"


def test_stale_copies_while_the_application_fails(varnish, backend):
    port = varnish["port"]
    backend.short_lived.add("/opinion/")
    try:
        status, _, body = get(port, "/opinion/")
        assert status == 200
        time.sleep(1.5)  # expired, within grace
        backend.failing = True
        status, headers, stale = get(port, "/opinion/")
        assert status == 200 and stale == body and headers["X-Cache"] == "HIT"
        admin(varnish, "backend.set_health", "default", "sick")
        time.sleep(0.5)
        assert get(port, "/opinion/")[2] == body  # down: a day of grace
        assert get(port, "/opinion/?never-cached")[0] == 503
    finally:
        admin(varnish, "backend.set_health", "default", "auto")
        backend.failing = False
        backend.short_lived.clear()


def test_a_publication_is_visible_everywhere_at_once(purging_varnish, django_db_blocker):
    from taggit.models import Tag

    from newsdesk.articles.models import ArticlePage, SectionPage
    from newsdesk.demo import factories
    from newsdesk.people.models import PersonPage

    port = purging_varnish["port"]
    with django_db_blocker.unblock():
        world = SectionPage.objects.get(slug="world")
        author = PersonPage.objects.get(slug="priya-raman")
        unrelated = PersonPage.objects.get(slug="kwame-mensah")
        science = SectionPage.objects.get(slug="science")
        science_article = ArticlePage.objects.published().child_of(science).first()
    pages = ["/", world.url, author.url, "/feeds/rss/", "/feeds/sections/world/rss/"]
    untouched = ["/science/", unrelated.url, science_article.url]
    for path in pages + untouched:
        get(port, path)
    article = None
    try:
        with django_db_blocker.unblock():
            article = factories.make_article(
                section=world, headline=HEADLINE, bylines=[author], tags=["dockers"]
            )
        pages += [article.url, "/tags/dockers/", f"/feeds/authors/{author.slug}/rss/"]
        for path in pages:
            assert HEADLINE in get(port, path)[2].decode(), path
        for path in untouched:
            assert get(port, path)[1]["X-Cache"] == "HIT", path

        for path in pages:
            assert get(port, path)[1]["X-Cache"] == "HIT", path
        with django_db_blocker.unblock():
            article = ArticlePage.objects.get(pk=article.pk)
            article.title = "Harbour cranes start again"
            article.save_revision().publish()
        for path in pages:
            status, headers, body = get(port, path)
            assert status == 200 and headers["X-Cache"] == "MISS", path
            assert "Harbour cranes start again" in body.decode(), path
            assert HEADLINE not in body.decode(), path
        for path in untouched:
            assert get(port, path)[1]["X-Cache"] == "HIT", path
    finally:
        with django_db_blocker.unblock():
            if article is not None:
                ArticlePage.objects.get(pk=article.pk).delete()
            Tag.objects.filter(slug="dockers").delete()
    assert get(port, pages[0])[1]["X-Cache"] == "MISS"  # the deletion purged too
    assert get(port, article.url)[0] == 404


@pytest.mark.parametrize("path", ["/politics/", "/feeds/rss/"])
def test_text_is_stored_gzipped_and_gunzipped_for_clients_without_gzip(varnish, path):
    port = varnish["port"]
    status, zipped, body = get(port, path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    plain_status, plain, text = get(port, path)
    assert plain_status == 200 and "Content-Encoding" not in plain
    assert plain["X-Cache"] == "HIT", "one stored copy serves both"
    assert gzip.decompress(body) == text and len(body) < len(text) / 2
    assert get(port, path, headers={"Accept-Encoding": "gzip"})[1]["X-Cache"] == "HIT"


LEAK_REQUESTS = 1000
EDITOR = "leak-check-editor"


def test_mixed_anonymous_and_signed_in_requests_leak_nothing(varnish, django_db_blocker):
    """1,000 requests on 8 threads, a quarter of them from a signed-in editor: no anonymous
    answer carries a cookie or anything of the editor's, no editor's answer is a cached copy."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model
    from django.test import Client

    from newsdesk.articles.models import ArticlePage

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser(EDITOR, "leaks@example.com", "unused")
        client = Client()
        client.force_login(user)
        editor = {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken=x"}
        article = ArticlePage.objects.published().first().url
    public = ["/", "/world/", "/business/?page=2", article, "/search/?q=harbour", "/feeds/rss/"]
    private = ["/admin/", "/admin/pages/search/?q=harbour"]
    rnd = random.Random(9)
    plan = [
        (rnd.choice(public + private if signed else public), signed)
        for signed in (rnd.random() < 0.25 for _ in range(LEAK_REQUESTS))
    ]

    def fetch(step):
        path, signed = step
        return path, signed, *get(varnish["port"], path, headers=editor if signed else None)

    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(fetch, plan))
    finally:
        with django_db_blocker.unblock():
            user.delete()
    assert len(answers) == LEAK_REQUESTS
    leaks = []
    for path, signed, status, headers, body in answers:
        if signed:
            if headers.get("X-Cache") == "HIT" or (path in private and status != 200):
                leaks.append(("editor got a shared copy or no page", path, status))
        elif "Set-Cookie" in headers or EDITOR.encode() in body or status >= 500:
            leaks.append(("reader got an editor's answer", path, status))
    assert not leaks, leaks[:5]
    readers = [a for a in answers if not a[1]]
    assert sum(a[3]["X-Cache"] == "HIT" for a in readers) > len(readers) / 2  # cache in use
    assert any(EDITOR.encode() in a[4] for a in answers if a[1] and a[0] in private)
