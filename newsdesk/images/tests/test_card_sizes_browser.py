"""Story cards' `sizes` against the widths Chromium really draws their pictures at, at a width
inside each of the theme's breakpoints: a layout change that forgets CARD_WIDTHS fails here."""

import pytest

pytestmark = pytest.mark.browser

WIDTHS = (360, 600, 800, 1000, 1300, 1500)

# Each visible card picture: the width its `sizes` names at this viewport, and the width the
# picture is drawn at (object-fit: cover of a 16:9 picture into its box).
MEASURE = """() => [...document.querySelectorAll('.story picture img')]
  .filter(img => img.offsetWidth > 0)
  .map(img => {
    const entry = img.sizes.split(/,\\s*(?![^()]*\\))/).find(part => {
      const media = part.match(/^\\((.*?)\\)\\s/);
      return !media || matchMedia(`(${media[1]})`).matches;
    });
    const size = entry.replace(/^\\(.*?\\)\\s*/, '').trim();
    const said = size.startsWith('calc') ? innerWidth - 24 : parseFloat(size);
    const box = img.getBoundingClientRect();
    return {said, drawn: Math.max(box.width, box.height * 16 / 9), html: img.outerHTML.slice(0, 120)};
  })"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["home", "section", "article"])
def test_card_sizes_name_the_width_the_picture_is_drawn_at(browser, site, kind, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(site["base"] + site["urls"][kind], wait_until="load")
        cards = page.evaluate(MEASURE)
        assert cards, "no card pictures measured"
        wrong = [c for c in cards if abs(c["said"] - c["drawn"]) > 2]
        assert not wrong, wrong
    finally:
        context.close()
