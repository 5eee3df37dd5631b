"""The reference page, parsed, matches the structure a careful editor gave it, field by field.

The page (shared/fixtures/seed/article.txt) and its structure (expected.json) are read from the
shared folder, never copied into the project.
"""

import json
from datetime import date

import pytest

from newsdesk.importers.text import parse_copy


@pytest.fixture(scope="module")
def seed(seed_dir):
    expected = json.loads((seed_dir / "expected.json").read_text(encoding="utf-8"))
    text = (seed_dir / expected["source"]).read_text(encoding="utf-8")
    return expected, parse_copy(text, today=date(2024, 11, 14))


def test_seed_header(seed):
    expected, parsed = seed
    assert parsed.headline == expected["headline"]
    assert parsed.needs_headline and parsed.suggested_headline
    assert parsed.lead_image_caption == expected["lead_image_caption"]
    assert parsed.lead_image_credit == expected["lead_image_credit"]
    assert parsed.dateline_date == date.fromisoformat(expected["dateline_date"])


def test_seed_body(seed):
    expected, parsed = seed
    assert parsed.subheadings == expected["subheadings"]
    assert parsed.body_block_order == expected["body_block_order"]
    assert len(parsed.paragraphs) == expected["paragraph_count"]
    assert parsed.paragraphs[0] == expected["first_paragraph"]
    assert parsed.paragraphs[-1] == expected["last_paragraph"]


def test_seed_credits_and_comment_thread(seed):
    expected, parsed = seed
    assert parsed.editor_credit == expected["editor_credit"]
    assert [(c.role, c.name) for c in parsed.credits] == [("editor", expected["editor_credit"])]
    lines = expected["trailing_comment_lines"]
    assert parsed.comment_lines == lines
    for line in lines:
        assert all(line not in paragraph for paragraph in parsed.paragraphs)
    # As comment_thread_note reads it: the first two lines are one comment (title and text)
    # by Carlos, then replies alternate between the other person and Carlos, each answering
    # the one before.
    assert [c.text for c in parsed.comments] == [f"{lines[0]}\n\n{lines[1]}", *lines[2:]]
    assert [c.author for c in parsed.comments] == ["Carlos", "Anonymous"] * 2 + ["Carlos"]
    assert [c.reply_to for c in parsed.comments] == [None, 0, 1, 2, 3]
