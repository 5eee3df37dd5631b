"""An article with the reference page's structure renders every part of it correctly.

The reference page (shared/fixtures/seed/article.txt) and its structure (expected.json) are
read from the shared folder, never copied into the project.
"""

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup

from newsdesk.articles.models import SectionPage
from newsdesk.demo import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(seed_dir):
    expected = json.loads((seed_dir / "expected.json").read_text(encoding="utf-8"))
    lines = [
        line
        for line in (seed_dir / expected["source"]).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return expected, lines


def build_seed_article(expected: dict, lines: list[str]):
    """Map the page's lines onto the structure expected.json gives them."""
    order = expected["body_block_order"]
    body_lines = lines[1 : 1 + len(order)]
    # The first body line opens with the dateline: "(November 13, 2024) – ".
    body_lines[0] = body_lines[0].split("– ", 1)[1]
    blocks = [
        {"type": "subheading" if kind == "h2" else "paragraph", "value": text}
        for kind, text in zip(order, body_lines, strict=True)
    ]
    image = factories.make_image(
        title="Seed lead image",
        motif="city",
        caption=expected["lead_image_caption"],
        credit=expected["lead_image_credit"],
        size=(320, 180),
    )
    section = SectionPage.objects.get(slug="world")
    return factories.make_article(
        section=section,
        headline="Seed article with no headline of its own",
        image=image,
        dateline_date=date.fromisoformat(expected["dateline_date"]),
        body=blocks,
        credits=[("editor", expected["editor_credit"])],
    )


def test_seed_article_renders_its_structure(client, seed):
    expected, lines = seed
    article = build_seed_article(expected, lines)
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")

    figure = soup.select_one(".article-lead figure")
    caption = figure.figcaption.get_text(" ", strip=True)
    assert expected["lead_image_caption"] in caption
    assert (
        figure.figcaption.select_one(".credit").get_text(strip=True)
        == expected["lead_image_credit"]
    )

    body = soup.select_one(".article-body")
    dateline = body.select_one("p .dateline time")
    assert dateline["datetime"] == expected["dateline_date"]
    assert dateline.get_text() == "November 13, 2024"

    assert [h.get_text(strip=True) for h in body.select("h2.subheading")] == expected["subheadings"]
    paragraphs = body.find_all("p", recursive=False)
    assert len(paragraphs) == expected["paragraph_count"]
    first = paragraphs[0].get_text(" ", strip=True)
    assert first.endswith(expected["first_paragraph"])
    assert paragraphs[-1].get_text(strip=True) == expected["last_paragraph"]
    order = ["h2" if el.name == "h2" else "p" for el in body.find_all(["p", "h2"], recursive=False)]
    assert order == expected["body_block_order"]

    credits = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in soup.select(".credits-list dt")
    }
    assert credits == {"Editor": expected["editor_credit"]}

    text = soup.select_one("main").get_text(" ", strip=True)
    for line in expected["trailing_comment_lines"]:
        assert line not in text, f"comment line leaked into the article: {line!r}"
