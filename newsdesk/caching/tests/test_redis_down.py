"""When Redis dies (SIGKILL) under a running site, readers get every page, comments and
ratings are still taken, rate limits and login throttling still apply (counted in the
database), views are still counted, and when Redis returns the site uses it again without a
restart. Redis is a throwaway server of this test's own; the site is configured by
`cache_settings(REDIS_URL)`, as production's settings are."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import cache, caches

from newsdesk.analytics import counting
from newsdesk.analytics.models import HourlyViews
from newsdesk.articles.models import ArticlePage
from newsdesk.caching.models import WindowCounter
from newsdesk.caching.redis import CacheUnavailable
from newsdesk.caching.wsgi import PageCache
from newsdesk.comments import tokens
from newsdesk.comments.models import Comment
from newsdesk.core.testing import missing_service
from newsdesk.operations.heartbeats import record_heartbeat
from newsdesk.settings.base import cache_settings

from .conftest import CountingApp, call

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0"
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
RETRY_SECONDS = 0.2  # production waits 5 s between attempts; the test need not


class ThrowawayRedis:
    """A redis-server on a free loopback port, to kill and start again on the same port."""

    def __init__(self, binary: str):
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                assert self.process.poll() is None, "redis-server exited at start"
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no goodbye to the clients
        self.process.wait(timeout=10)

    def keys(self) -> int:
        return redis.Redis.from_url(self.url).dbsize()


@contextmanager
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    """A ThrowawayRedis started, and killed afterwards; CI fails without redis-server."""
    binary = shutil.which("redis-server")
    if not binary:
        missing_service("redis-server is not installed (apt-get install redis-server).")
    server = ThrowawayRedis(binary)
    server.start()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.kill()


@pytest.fixture
def redis_server():
    with throwaway_redis() as server:
        yield server


@pytest.fixture
def on_redis(redis_server, settings, monkeypatch):
    """The site configured with REDIS_URL pointing at the throwaway server."""
    caches_setting = cache_settings(redis_server.url)
    for alias in caches_setting.values():
        alias["OPTIONS"]["RETRY_SECONDS"] = RETRY_SECONDS
    settings.CACHES = caches_setting
    settings.REDIS_URL = redis_server.url
    monkeypatch.setattr(counting, "_buffer", None)  # built again from REDIS_URL
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 3600)  # the test flushes by hand
    assert type(caches["default"]).__name__ == "TolerantRedisCache"
    return redis_server


@pytest.fixture
def article():
    return ArticlePage.objects.published().filter(comments_mode="open").latest("first_published_at")


def views_of(article) -> int:
    return sum(HourlyViews.objects.filter(article=article).values_list("views", flat=True))


def comment(client, article, *, ip: str, n: int):
    data = {
        "name": "Ana Ruiz",
        "email": f"reader-{ip}-{n}@example.org",  # one network, many addresses
        "website": "",
        "body": f"Comment number {n} from {ip}, about the piece.",
        "token": tokens.make_token(article.pk, now=time.time() - 60),
        "homepage": "",
    }
    return client.post(f"/comments/{article.pk}/", data, REMOTE_ADDR=ip, **ORIGIN)


def read_everything(client, article, *, ip: str) -> None:
    """What a reader does; every answer must be the normal one, never an error."""
    for path in ("/", article.url, "/search/?q=world", "/", article.url):
        response = client.get(path, REMOTE_ADDR=ip)
        assert response.status_code == 200, (path, response.status_code)
    response = client.post(f"/ratings/{article.pk}/", {"stars": "4"}, REMOTE_ADDR=ip, **ORIGIN)
    assert response.status_code == 303
    assert client.get(response["Location"], REMOTE_ADDR=ip).status_code == 200
    before = Comment.objects.filter(article=article).count()
    response = comment(client, article, ip=ip, n=0)
    assert response.status_code == 302
    assert Comment.objects.filter(article=article).count() == before + 1


def assert_comment_limit_applies(client, article, *, ip: str) -> None:
    """Two comments a minute per network (set by the test), the third refused."""
    assert comment(client, article, ip=ip, n=1).status_code == 302
    response = comment(client, article, ip=ip, n=2)
    assert response.status_code == 429, response.status_code
    stored = Comment.objects.filter(author_email=f"reader-{ip}-2@example.org").exists()
    assert not stored


def assert_views_counted(client, article, *, ip: str, server: ThrowawayRedis | None) -> None:
    """A read is counted: buffered in Redis (`server`), else in this process, then written."""
    before = views_of(article)
    response = client.post(f"/views/{article.pk}/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ip)
    assert response.status_code == 204
    if server:
        assert redis.Redis.from_url(server.url).exists(counting.REDIS_KEY)
    else:
        assert counting.buffer().fallback.counts
    assert counting.flush() == 1
    assert views_of(article) == before + 1


def assert_login_throttled(client, *, ip: str) -> None:
    for attempt in range(6):
        response = client.post(
            "/admin/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=ip
        )
        assert response.status_code == (200 if attempt < 4 else 429), attempt


def test_readers_ride_out_redis_dying_and_coming_back(client, on_redis, article, settings):
    settings.COMMENT_RATE_LIMITS = ((60, 2),)

    # Redis up: the cache, the rate limits and the view buffer are all in Redis.
    read_everything(client, article, ip="203.0.113.5")
    assert on_redis.keys() > 0
    assert_comment_limit_applies(client, article, ip="203.0.113.5")
    assert not WindowCounter.objects.exists()
    assert_views_counted(client, article, ip="203.0.113.6", server=on_redis)

    on_redis.kill()
    with pytest.raises(CacheUnavailable):
        cache.incr("anything")
    read_everything(client, article, ip="198.51.100.5")
    # The limit still applies, counted in the database instead.
    assert_comment_limit_applies(client, article, ip="198.51.100.5")
    assert WindowCounter.objects.filter(key__contains=":network:").exists()
    assert_views_counted(client, article, ip="198.51.100.6", server=None)
    assert_login_throttled(client, ip="198.51.100.7")

    on_redis.start()  # empty, on the same port; the site is not restarted
    for _ in range(100):
        client.get("/", REMOTE_ADDR="192.0.2.5")
        if on_redis.keys():
            break
        time.sleep(0.05)
    assert on_redis.keys() > 0, "the site did not go back to Redis"
    counted_in_database = WindowCounter.objects.count()
    read_everything(client, article, ip="192.0.2.5")
    assert_comment_limit_applies(client, article, ip="192.0.2.5")
    assert WindowCounter.objects.count() == counted_in_database  # counted in Redis again
    assert_views_counted(client, article, ip="192.0.2.6", server=on_redis)


def test_page_cache_serves_from_django_while_redis_is_down(
    on_redis, article, settings, keep_connection
):
    settings.PAGE_CACHE = True
    django = CountingApp()
    app = PageCache(django)

    def read() -> str:
        answer = call(app, article.url)
        assert answer.status == 200
        return answer.cache

    read()
    assert read() == "HIT" and django.calls == 1

    on_redis.kill()
    assert [read(), read()] == ["MISS", "MISS"] and django.calls == 3

    on_redis.start()
    for _ in range(100):
        if read() == "HIT":
            break
        time.sleep(0.05)
    assert read() == "HIT"


def test_the_cache_misses_while_redis_is_down_and_comes_back_by_itself(on_redis):
    cache.set("story", "kept")
    assert cache.get("story") == "kept"
    on_redis.kill()
    assert cache.get("story", "missing") == "missing"
    assert cache.get_many(["story"]) == {}
    assert cache.add("story", "new") is True  # whoever asked goes on to do the work
    cache.set("story", "dropped")  # no error
    assert cache.has_key("story") is False
    with pytest.raises(CacheUnavailable):
        cache.incr("story")
    assert caches["pages"].get("any") is None

    on_redis.start()
    for _ in range(100):
        cache.set("story", "again")
        if cache.get("story") == "again":
            break
        time.sleep(0.05)
    assert cache.get("story") == "again"
    assert cache.add("counter", 1) and cache.incr("counter") == 2


def test_readiness_says_degraded_not_unavailable_while_redis_is_down(client, on_redis):
    """A load balancer must keep sending readers to app servers that can serve them."""
    record_heartbeat(worker="test-worker")
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    on_redis.kill()
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "degraded"})
