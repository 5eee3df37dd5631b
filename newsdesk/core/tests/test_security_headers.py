"""Security headers on public pages, errors, the admin and page-cache hits."""

import pytest
from django.urls import reverse

# The page cache's fixtures: its WSGI stack with the cache on, in locmem and in Redis.
from newsdesk.caching.tests.conftest import (  # noqa: F401
    CountingApp,
    call,
    keep_connection,
    pages_cache,
    stack,
)
from newsdesk.caching.wsgi import PageCache, health
from newsdesk.core.security import HEADER_MIDDLEWARE
from newsdesk.operations.requestids import with_request_ids

pytestmark = pytest.mark.django_db

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
SECURITY_HEADERS = [
    *COMMON,
    "X-Frame-Options",
    "Content-Security-Policy",
    "Strict-Transport-Security",
]
PUBLIC_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
]


def directives(policy: str) -> list[str]:
    return [item.strip() for item in policy.split(";")]


def assert_public_headers(headers) -> None:
    for name, value in COMMON.items():
        assert headers.get(name) == value, name
    assert headers.get("X-Frame-Options") == "DENY"
    policy = headers["Content-Security-Policy"]
    assert set(PUBLIC_DIRECTIVES) <= set(directives(policy))
    assert "unsafe" not in policy and "nonce" not in policy
    assert "frame-src https://www.youtube.com" in policy


@pytest.mark.parametrize(
    "kind", ["home", "section", "article", "opinion", "tag", "person", "people", "standard"]
)
def test_every_public_page_type_has_the_headers(client, site, kind):
    response = client.get(site["urls"][kind])
    assert response.status_code == 200
    assert_public_headers(response.headers)
    assert "public" in response["Cache-Control"]  # still cacheable: the policy has no nonce


def test_not_found_and_search_have_the_headers(client, site):
    response = client.get(site["urls"]["not_found"])
    assert response.status_code == 404
    assert_public_headers(response.headers)
    assert_public_headers(client.get("/search/?q=city").headers)


def test_the_public_policy_is_the_same_on_every_response(client, site):
    policies = {client.get(url)["Content-Security-Policy"] for url in site["urls"].values()}
    assert len(policies) == 1


def test_admin_login_denies_framing_and_leaves_scripts_alone(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, name
    assert response["X-Frame-Options"] == "DENY"
    policy = directives(response["Content-Security-Policy"])
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert not any(item.startswith(("script-src", "style-src", "default-src")) for item in policy)


def test_admin_dashboard_works_for_a_superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", "pw")
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200 and b"<script" in response.content
    assert "script-src" not in response["Content-Security-Policy"]


def test_page_cache_hits_carry_the_headers(stack, site):  # noqa: F811 (a fixture)
    first = call(stack, site["urls"]["article"])
    second = call(stack, site["urls"]["article"])
    assert (first.cache, second.cache) == ("MISS", "HIT") and stack.django.calls == 1
    assert_public_headers(first.headers)
    assert_public_headers(second.headers)
    # Header by header, the hit is the miss but for the cache's own two.
    assert set(second.headers) - set(first.headers) == {"Age"}
    for name, value in first.headers.items():
        assert second.headers[name] == value or name == "X-Cache", name


def test_not_modified_from_the_page_cache_has_the_headers_django_gives(stack, client, site):  # noqa: F811
    url = site["urls"]["section"]  # no comment form, whose token changes every second
    etag = call(stack, url).headers["ETag"]
    from_cache = call(stack, url, headers={"If-None-Match": etag})
    etag = client.get(url)["ETag"]
    from_django = client.get(url, headers={"If-None-Match": etag})
    assert from_cache.status == from_django.status_code == 304
    assert_public_headers(from_cache.headers)
    for name in SECURITY_HEADERS:
        assert from_cache.headers.get(name) == from_django.headers.get(name), name


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_health_answers_carry_the_headers_of_a_page(
    pages_cache,  # noqa: F811 (a fixture)
    keep_connection,  # noqa: F811
    site,
    settings,
    scheme,
):
    """/healthz (the WSGI wrapper) and /readyz (the first middleware) answer before the
    security middleware runs, and carry its headers all the same, HSTS included over TLS."""
    settings.SECURE_HSTS_SECONDS = 3600
    app = health(PageCache(CountingApp()))  # as newsdesk/wsgi.py builds it, HSTS read anew
    page = call(app, site["urls"]["article"], scheme=scheme)
    healthz = call(app, "/healthz", scheme=scheme)
    readyz = call(app, "/readyz", scheme=scheme)
    assert page.status == healthz.status == 200 and readyz.status in (200, 503)
    assert healthz.text == "ok\n" and "status" in readyz.text
    for answer in (healthz, readyz):
        assert_public_headers(answer.headers)
        assert "no-store" in answer.headers["Cache-Control"]
        for name in SECURITY_HEADERS:
            assert answer.headers.get(name) == page.headers.get(name), name
    hsts = [answer.headers.get("Strict-Transport-Security") for answer in (healthz, readyz)]
    assert hsts == (["max-age=3600"] * 2 if scheme == "https" else [None, None])


def test_readyz_through_django_has_the_headers(client):
    response = client.get("/readyz")
    assert response.status_code in (200, 503)
    assert_public_headers(response.headers)


def test_the_last_resort_error_has_the_headers():
    def broken(environ, start_response):
        raise RuntimeError("the error page itself failed")

    answer = call(with_request_ids(broken), "/world/")
    assert answer.status == 500
    assert_public_headers(answer.headers)


def test_answers_given_early_get_the_headers_in_the_order_of_the_middleware(settings):
    """`secured` runs the header middleware's response half in the order Django would."""
    paths = [f"{cls.__module__}.{cls.__name__}" for cls in HEADER_MIDDLEWARE]
    positions = [settings.MIDDLEWARE.index(path) for path in paths]
    assert positions == sorted(positions, reverse=True)  # innermost first
    # Before them only the request id, and /readyz, which `secured` gives their headers.
    assert settings.MIDDLEWARE[: min(positions)] == [
        "newsdesk.operations.requestids.RequestIdMiddleware",
        "newsdesk.operations.health.ReadinessMiddleware",
    ]
