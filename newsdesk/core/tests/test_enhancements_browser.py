"""newsdesk.js in a real Chromium: what it adds to a page that reads fine without it."""

import pytest

from newsdesk.core.browser import open_page

pytestmark = pytest.mark.browser

CURRENT_IN_VIEW = """() => {
  const list = document.querySelector('.section-nav-list');
  const current = list.querySelector('[aria-current]').getBoundingClientRect();
  const box = list.getBoundingClientRect();
  return list.scrollWidth > list.clientWidth && list.scrollLeft > 0
    && current.left >= box.left && current.right <= box.right;
}"""

RECENT_AGO = (
    "[...document.querySelectorAll('.story-meta time')].some("
    "t => /^(1 minute|[0-9]+ minutes|1 hour|[0-9]+ hours) ago$/.test(t.textContent))"
)


def test_the_current_section_is_scrolled_into_view_on_a_phone(browser, site):
    context, page, _ = open_page(browser, site["base"] + "/", "phone", "light")
    try:
        last_section = page.locator(".section-nav-list a").last.get_attribute("href")
        page.goto(site["base"] + last_section, wait_until="load")
        page.wait_for_function(CURRENT_IN_VIEW, timeout=5000)
    finally:
        context.close()


def test_recent_story_times_read_as_hours_or_minutes_ago(browser, site):
    context, page, _ = open_page(browser, site["base"] + "/", "desktop", "light")
    try:
        page.wait_for_function(RECENT_AGO, timeout=5000)
    finally:
        context.close()
