"""The breaking-news banner in a real Chromium: visible and accessible in light and dark."""

import pytest
from wagtail.models import Site

from newsdesk.core.browser import axe_violations, open_page
from newsdesk.core.models import BreakingNews

pytestmark = pytest.mark.browser


def test_banner_is_accessible_in_light_and_dark(browser, site, django_db_blocker):
    with django_db_blocker.unblock():
        banner = BreakingNews.for_site(Site.objects.get(is_default_site=True))
        banner.enabled, banner.text, banner.link = True, "Storm warning for the coast", "/world/"
        banner.save()
    try:
        for scheme in ("light", "dark"):
            context, page, _ = open_page(browser, site["base"] + "/", "phone", scheme)
            try:
                assert page.get_by_role("complementary", name="Breaking").is_visible()
                assert axe_violations(page) == []
            finally:
                context.close()
    finally:
        with django_db_blocker.unblock():
            banner.enabled = False
            banner.save()
