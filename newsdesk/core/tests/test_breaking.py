"""The breaking-news banner shows on every page until it expires or is switched off."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Site

from newsdesk.articles.models import ArticlePage
from newsdesk.core.models import BreakingNews

pytestmark = pytest.mark.django_db


@pytest.fixture
def banner():
    banner = BreakingNews.for_site(Site.objects.get(is_default_site=True))
    banner.enabled = True
    banner.text = "Polls close in the Kesterford by-election"
    banner.link = "/politics/"
    banner.save()
    return banner


def banner_on(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one("aside.breaking")


def test_banner_on_every_page_type(client, banner):
    article = ArticlePage.objects.published().first()
    for url in ("/", "/world/", article.url, "/people/", "/about/", "/no-such-page/"):
        node = banner_on(client, url)
        assert node is not None, url
        assert node.select_one(".breaking-label").get_text() == "Breaking"
        assert node.select_one("a.breaking-text")["href"] == "/politics/"


def test_switching_off_and_expiry_take_effect_at_once(client, banner):
    banner.enabled = False
    banner.save()
    assert banner_on(client, "/") is None
    banner.enabled = True
    banner.expires_at = timezone.now() - timedelta(seconds=1)
    banner.save()
    assert banner_on(client, "/") is None
    banner.expires_at = timezone.now() + timedelta(hours=1)
    banner.save()
    assert banner_on(client, "/") is not None


def test_banner_text_and_link_are_safe(client, banner):
    banner.text = "<script>alert(1)</script>"
    banner.link = "javascript:alert(1)"
    banner.save()
    node = banner_on(client, "/")
    assert node.find("script") is None
    assert node.select_one("a") is None, "only paths and web addresses are linked"
    assert "<script>alert(1)</script>" in node.get_text()
