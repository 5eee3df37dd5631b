"""Security headers on public pages, errors, the admin and page-cache hits."""

import pytest
from django.urls import reverse

# The page cache's fixtures: its WSGI stack with the cache on, in locmem and in Redis.
from newsdesk.caching.tests.conftest import call, keep_connection, pages_cache, stack  # noqa: F401

pytestmark = pytest.mark.django_db

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
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
