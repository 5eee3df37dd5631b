"""Forged Host and X-Forwarded-Host headers: refused by Django and by the page cache before it.

The test settings allow every host; these tests list the site's own, as production does.
"""

import pytest
from django.core.cache import caches
from wagtail.models import Page, Site

from newsdesk.articles.models import HomePage

# The page cache's fixtures: its WSGI stack with the cache on, in locmem and in Redis.
from newsdesk.caching.tests.conftest import call, keep_connection, pages_cache, stack  # noqa: F401
from newsdesk.core.tests.test_settings import GOOD_KEY, run_python

pytestmark = pytest.mark.django_db

FORGED = ["evil.example", "evil.example:80", "testserver.evil.example", "testserver@evil.example"]


@pytest.fixture
def allowed(settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    return settings


@pytest.mark.parametrize("host", FORGED)
def test_a_host_not_allowed_gets_400_and_caches_nothing(client, allowed, host):
    response = client.get("/world/", headers={"Host": host})
    assert response.status_code == 400
    assert "public" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" in response  # refused with the usual headers
    # Not even the site lookup for it was cached (core/sites.py reads the checked host).
    assert caches["default"].get(f"newsdesk:fragment:site:{host.split(':')[0]}:80") is None
    assert client.get("/world/").status_code == 200
    assert caches["default"].get("newsdesk:fragment:site:testserver:80") is not None


def test_x_forwarded_host_is_off_by_default_and_no_variable_turns_it_on():
    result = run_python(
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.USE_X_FORWARDED_HOST, settings.USE_X_FORWARDED_PORT)",
        DJANGO_SETTINGS_MODULE="newsdesk.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="news.example.com",
        USE_X_FORWARDED_HOST="1",
        USE_X_FORWARDED_PORT="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_x_forwarded_host_is_ignored(client, allowed):
    response = client.get("/world/", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200
    assert b"evil.example" not in response.content
    assert response.wsgi_request.get_host() == "testserver"


def test_x_forwarded_host_is_checked_when_a_proxy_is_trusted_with_it(client, allowed):
    allowed.USE_X_FORWARDED_HOST = True
    assert client.get("/world/", headers={"X-Forwarded-Host": "evil.example"}).status_code == 400
    response = client.get("/world/", headers={"X-Forwarded-Host": "other.example"})
    assert response.status_code == 200


def test_the_page_cache_never_serves_or_stores_for_a_forged_host(stack, allowed):  # noqa: F811
    assert call(stack, "/world/").cache == "MISS"
    assert call(stack, "/world/").cache == "HIT"
    for host in FORGED * 2:  # twice: nothing was stored the first time
        forged = call(stack, "/world/", host=host)
        assert forged.status == 400 and "X-Cache" not in forged.headers, host
    assert stack.django.calls == 1 + 2 * len(FORGED)  # each one went to Django
    # Allowed from now on, the forged host still finds nothing of its own in the cache.
    allowed.ALLOWED_HOSTS = ["*"]
    assert call(stack, "/world/", host="evil.example").cache == "MISS"
    assert call(stack, "/world/").cache == "HIT"


OTHER_TITLE = "The Other Desk"


@pytest.fixture
def other_site():
    """A second site on other.example with a front page of its own."""
    root = Page.get_first_root_node().add_child(instance=HomePage(title=OTHER_TITLE, slug="other"))
    yield Site.objects.create(hostname="other.example", port=80, root_page=root)
    # Wagtail's cached site root paths outlive the rollback; with two sites, later tests' page
    # URLs would come out absolute.
    Site.clear_site_root_paths_cache()


def test_the_page_cache_ignores_x_forwarded_host_as_django_does(
    stack,  # noqa: F811 (a fixture)
    allowed,
    other_site,
):
    first = call(stack, "/")
    forwarded = call(stack, "/", headers={"X-Forwarded-Host": "other.example"})
    assert forwarded.cache == "HIT" and forwarded.body == first.body
    assert OTHER_TITLE not in call(stack.django, "/", host="testserver").text  # Django too
    assert stack.django.calls == 2


def test_a_trusted_x_forwarded_host_keys_the_page_cache_by_the_host_it_names(
    stack,  # noqa: F811 (a fixture)
    allowed,
    other_site,
):
    """Behind a proxy trusted with X-Forwarded-Host, Django answers for the site it names: the
    copy is stored under that host, never under the Host header's, which it would poison."""
    allowed.USE_X_FORWARDED_HOST = True
    own = call(stack, "/")
    other = call(stack, "/", headers={"X-Forwarded-Host": "other.example"})
    assert other.cache == "MISS" and OTHER_TITLE in other.text and OTHER_TITLE not in own.text
    again = call(stack, "/")
    assert again.cache == "HIT" and again.body == own.body
    direct = call(stack, "/", host="other.example")
    assert direct.cache == "HIT" and direct.body == other.body
    assert call(stack, "/", headers={"X-Forwarded-Host": "evil.example"}).status == 400
    assert stack.django.calls == 3
