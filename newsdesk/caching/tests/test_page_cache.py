"""The page cache in front of Django, in process and on Redis: hits skip Django and the
database, keys keep apart what differs, nothing personal is stored, and a change is visible
at once everywhere it appears while unrelated pages stay cached."""

import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.caching.services import purge_tags
from newsdesk.caching.tags import section_tag
from newsdesk.caching.wsgi import PageCache, wrap
from newsdesk.demo import factories
from newsdesk.people.models import PersonPage

from .conftest import CountingApp, call, environ

pytestmark = pytest.mark.django_db


def test_a_hit_runs_neither_django_nor_a_query(stack):
    first = call(stack, "/world/")
    assert first.status == 200 and first.cache == "MISS"
    with CaptureQueriesContext(connection) as queries:
        second = call(stack, "/world/")
    assert second.cache == "HIT" and len(queries) == 0
    assert stack.django.calls == 1
    assert second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Length"] == str(len(first.body))
    assert int(second.headers["Age"]) >= 0
    assert "section-" in second.headers["X-Cache-Tags"]


@pytest.mark.parametrize("send", [False, True])
def test_readers_get_tags_only_when_a_proxy_purges_by_them(
    pages_cache, keep_connection, settings, send
):
    settings.PAGE_CACHE, settings.SEND_CACHE_TAGS = True, send
    app = wrap(CountingApp())
    miss, hit = call(app, "/world/"), call(app, "/world/")
    assert (miss.cache, hit.cache) == ("MISS", "HIT")
    for answer in (miss, hit, call(app, "/no-such-page/")):
        assert ("X-Cache-Tags" in answer.headers) is send, answer.status
    if send:
        assert "section-" in hit.headers["X-Cache-Tags"]


def test_text_is_stored_once_and_sent_gzipped_to_clients_that_take_it(stack):
    import gzip

    plain = call(stack, "/world/")
    zipped = call(stack, "/world/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.cache == "HIT" and stack.django.calls == 1  # one copy serves both
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) < len(plain.body) / 3
    assert zipped.headers["Content-Length"] == str(len(zipped.body))
    assert (
        "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in zipped.headers["Vary"]
    )
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["ETag"] == f"W/{plain.headers['ETag']}"
    again = call(
        stack,
        "/world/",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status == 304
    refused = call(stack, "/world/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.body == plain.body


def test_keys_keep_scheme_host_and_query_apart(stack, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = PageCache(stack.django)  # reads the proxy header setting when built
    assert call(app, "/world/").cache == "MISS"
    assert call(app, "/world/").cache == "HIT"
    assert call(app, "/world/?page=2").cache == "MISS"
    assert call(app, "/world/", host="www.example.org").cache == "MISS"
    assert call(app, "/world/", scheme="https").cache == "MISS"
    behind_tls = call(app, "/world/", headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.cache == "HIT"  # the same https page, told by the proxy
    assert stack.django.calls == 4


def test_editors_bypass_the_cache_and_nothing_personal_is_stored(stack):
    call(stack, "/world/")
    editor = call(stack, "/world/", headers={"Cookie": "sessionid=abc"})
    assert editor.status == 200 and "X-Cache" not in editor.headers
    basic = call(stack, "/world/", headers={"Authorization": "Basic eDp5"})
    assert "X-Cache" not in basic.headers
    assert stack.django.calls == 3

    # A CSRF cookie may get a cached copy, but what it is answered is never stored.
    with_csrf = call(stack, "/science/", headers={"Cookie": "csrftoken=x"})
    assert with_csrf.cache == "MISS"
    assert call(stack, "/science/").cache == "MISS"
    assert call(stack, "/science/", headers={"Cookie": "csrftoken=x; other=1"}).cache == "HIT"


def test_private_and_cookie_setting_responses_are_never_stored(stack):
    for path in ("/admin/login/", "/django-admin/login/"):
        assert call(stack, path).status == 200
        assert call(stack, path).cache == "MISS", path
    assert stack.django.calls == 4


def unit_app(status="200 OK", headers=(), body=b"<p>hello</p>"):
    calls = []

    def app(environ, start_response):
        calls.append(environ)
        start_response(status, list(headers))
        return [body]

    app.calls = calls
    return app


PUBLIC = [
    ("Content-Type", "text/html"),
    ("Cache-Control", "public, max-age=60, s-maxage=300"),
    ("X-Cache-Tags", "all page-1"),
]


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        ("200 OK", [*PUBLIC, ("Set-Cookie", "a=b")]),
        ("200 OK", [*PUBLIC, ("Vary", "Cookie")]),
        ("200 OK", [PUBLIC[0], ("Cache-Control", "private, max-age=60"), PUBLIC[2]]),
        ("200 OK", [PUBLIC[0], ("Cache-Control", "public, s-maxage=0"), PUBLIC[2]]),
        ("200 OK", PUBLIC[:2]),  # no tags: not marked by PublicCacheMiddleware
        ("302 Found", PUBLIC),
        ("500 Internal Server Error", PUBLIC),
    ],
)
def test_only_public_tagged_responses_are_stored(pages_cache, status, headers):
    app = unit_app(status, headers)
    cache = PageCache(app)
    call(cache, "/x/")
    call(cache, "/x/")
    assert len(app.calls) == 2


@pytest.mark.parametrize("status", ["200 OK", "301 Moved Permanently", "404 Not Found"])
def test_pages_redirects_and_not_found_are_stored(pages_cache, status):
    app = unit_app(status, PUBLIC)
    cache = PageCache(app)
    call(cache, "/x/")
    hit = call(cache, "/x/")
    assert len(app.calls) == 1 and hit.status == int(status[:3]) and hit.cache == "HIT"


def test_a_broken_cache_never_breaks_the_site(keep_connection, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        },
    }
    app = PageCache(CountingApp())
    for _ in range(2):
        answer = call(app, "/world/")
        assert answer.status == 200 and "X-Cache" not in answer.headers
    purge_tags(["all"])  # logged, not raised: the change itself is already committed
    assert "page cache is unavailable" in caplog.text


def test_media_and_static_files_are_left_alone(pages_cache):
    app = unit_app(headers=PUBLIC)
    cache = PageCache(app)
    for path in ("/media/images/a.jpg", "/static/css/newsdesk.css", "/media/images/a.jpg"):
        assert "X-Cache" not in call(cache, path).headers
    assert len(app.calls) == 3


def test_head_is_answered_from_a_get_and_never_stored(stack):
    head = call(stack, "/people/", method="HEAD")
    assert head.cache == "MISS"
    assert call(stack, "/people/", method="HEAD").cache == "MISS"  # HEAD stores nothing
    get = call(stack, "/people/")
    head = call(stack, "/people/", method="HEAD")
    assert head.cache == "HIT" and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert stack.django.calls == 3


def test_conditional_requests_get_304_from_the_cache(stack):
    first = call(stack, "/world/")
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and last_modified

    by_etag = call(stack, "/world/", headers={"If-None-Match": etag})
    assert by_etag.status == 304 and by_etag.body == b"" and by_etag.cache == "HIT"
    assert by_etag.headers["ETag"] == etag and "Cache-Control" in by_etag.headers
    assert call(stack, "/world/", headers={"If-Modified-Since": last_modified}).status == 304
    assert call(stack, "/world/", headers={"If-None-Match": '"other"'}).status == 200
    earlier = http_date(time.time() - 3600)
    assert call(stack, "/world/", headers={"If-Modified-Since": earlier}).status == 200

    # A miss answers the client's conditions too, after storing the whole page.
    miss = call(stack, "/science/", headers={"If-None-Match": etag})
    assert miss.status == 200 and miss.cache == "MISS"
    science = call(stack, "/science/")
    fresh = call(stack, "/people/", headers={"If-None-Match": science.headers["ETag"]})
    assert fresh.status == 200
    assert stack.django.calls == 3


def test_feeds_keep_their_own_validators(stack):
    first = call(stack, "/feeds/rss/")
    assert first.headers["ETag"].startswith('W/"') and first.cache == "MISS"
    again = call(stack, "/feeds/rss/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.cache == "HIT"
    by_date = call(
        stack, "/feeds/rss/", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status == 304


def test_purging_a_tag_outdates_only_what_carries_it(stack):
    world = SectionPage.objects.get(slug="world")
    for path in ("/world/", "/science/"):
        call(stack, path)
    purge_tags([section_tag(world.pk)])
    assert call(stack, "/world/").cache == "MISS"
    assert call(stack, "/science/").cache == "HIT"


def test_a_purge_during_a_render_keeps_that_render_out_of_the_cache(stack):
    world = SectionPage.objects.get(slug="world")
    django = stack.django

    def purging_midway(environ, start_response):
        result = django(environ, start_response)
        purge_tags([section_tag(world.pk)])  # an editor publishes while we render
        return result

    app = PageCache(purging_midway)
    assert call(app, "/world/").cache == "MISS"
    assert call(app, "/world/").cache == "MISS"  # the first copy was outdated on arrival
    assert call(app, "/science/").cache == "MISS"
    assert call(stack, "/science/").cache == "HIT"


def test_stale_copies_cover_errors_unless_taken_down(pages_cache, monkeypatch):
    headers = [PUBLIC[0], ("Cache-Control", "public, s-maxage=300, stale-if-error=3600")]
    call(PageCache(unit_app(headers=[*headers, ("X-Cache-Tags", "all page-7")])), "/y/")
    call(PageCache(unit_app(headers=PUBLIC)), "/z/")  # no stale-if-error
    failing = PageCache(unit_app("500 Internal Server Error", PUBLIC))
    later = time.time() + 400  # past s-maxage, within stale-if-error
    monkeypatch.setattr(time, "time", lambda: later)

    stale = call(failing, "/y/")
    assert stale.status == 200 and stale.cache == "STALE" and stale.body == b"<p>hello</p>"
    purge_tags(["page-7"])  # edited: the old copy still beats an error page
    assert call(failing, "/y/").cache == "STALE"
    purge_tags(["page-7"], hard=True)  # taken down: never again, not even on errors
    assert call(failing, "/y/").status == 500
    assert call(failing, "/z/").status == 500  # nothing to fall back on


def test_expired_copies_are_served_while_one_request_renders_again(pages_cache, monkeypatch):
    headers = [PUBLIC[0], ("Cache-Control", "public, s-maxage=300, stale-while-revalidate=60")]
    app = unit_app(headers=[*headers, PUBLIC[2]])
    cache = PageCache(app)
    call(cache, "/x/")
    later = time.time() + 330
    monkeypatch.setattr(time, "time", lambda: later)
    lock = f"{cache.key(environ('/x/'))}:lock"
    caches["pages"].add(lock, 1)  # another request is rendering it right now
    assert call(cache, "/x/").cache == "STALE"
    caches["pages"].delete(lock)
    assert call(cache, "/x/").cache == "MISS"
    assert len(app.calls) == 2


def headline_on(stack, path: str, headline: str):
    answer = call(stack, path)
    assert answer.status == 200, path
    return answer.cache, headline in answer.text


def test_publishing_is_visible_everywhere_at_once_and_nowhere_else(
    stack, django_capture_on_commit_callbacks
):
    world = SectionPage.objects.get(slug="world")
    author = PersonPage.objects.get(slug="helena-marsh")
    unrelated = PersonPage.objects.get(slug="kwame-mensah")
    pages = {"home": "/", "section": world.url, "author": author.url}
    untouched = {"other section": "/science/", "unrelated person": unrelated.url}
    for path in [*pages.values(), *untouched.values()]:
        call(stack, path)

    # A new article appears on its lists.
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.make_article(
            section=world, headline="Harbour cranes fall silent", bylines=[author],
            tags=["port-strike"], body=[{"type": "paragraph", "value": "Dockers walked out."}],
        )  # fmt: skip
    pages.update(
        article=article.url,
        tag="/tags/port-strike/",
        site_feed="/feeds/rss/",
        section_feed="/feeds/sections/world/rss/",
        author_feed=f"/feeds/authors/{author.slug}/atom/",
        tag_feed="/feeds/tags/port-strike/rss/",
    )
    for name, path in pages.items():
        assert headline_on(stack, path, "Harbour cranes fall silent")[1], name
    for name, path in untouched.items():
        assert call(stack, path).cache == "HIT", name

    # A new headline reaches every page that shows the article, on the next request.
    for path in pages.values():
        call(stack, path)
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Harbour cranes start again"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    for name, path in pages.items():
        cache, shown = headline_on(stack, path, "Harbour cranes start again")
        assert cache == "MISS" and shown, name
        assert "Harbour cranes fall silent" not in call(stack, path).text, name
    for name, path in untouched.items():
        assert call(stack, path).cache == "HIT", name

    # Unpublished: gone from every list, the article itself a 404.
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert call(stack, pages.pop("article")).status == 404
    pages.pop("tag")  # a tag with no articles left is a page of nothing
    for name, path in pages.items():
        answer = call(stack, path)
        assert "Harbour cranes" not in answer.text and answer.cache == "MISS", name
    for name, path in untouched.items():
        assert call(stack, path).cache == "HIT", name


def test_an_approved_comment_shows_at_once(stack, django_capture_on_commit_callbacks):
    from newsdesk.comments.models import Comment
    from newsdesk.comments.services import comment_store, moderate

    article = ArticlePage.objects.published().child_of(SectionPage.objects.get(slug="world"))[0]
    comment = comment_store(
        article=article, name="A reader", body="Tidewater notes, kept.", status="pending"
    )
    call(stack, "/science/")
    assert "Tidewater notes" not in call(stack, article.url).text
    assert call(stack, article.url).cache == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        moderate(comments=[comment], status=Comment.Status.APPROVED)
    answer = call(stack, article.url)
    assert answer.cache == "MISS" and "Tidewater notes" in answer.text
    assert call(stack, "/science/").cache == "HIT"


def test_the_banner_purges_every_page(stack, django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from newsdesk.core.models import BreakingNews

    for path in ("/", "/science/", "/people/"):
        call(stack, path)
    banner = BreakingNews.for_site(Site.objects.get(is_default_site=True))
    banner.enabled, banner.text = True, "Polls close at eight"
    with django_capture_on_commit_callbacks(execute=True):
        banner.save()
    for path in ("/", "/science/", "/people/"):
        answer = call(stack, path)
        assert answer.cache == "MISS" and "Polls close at eight" in answer.text, path
