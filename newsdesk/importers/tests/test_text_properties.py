"""Property-based tests of the copy parser: 10,000 generated inputs per run, no exception.

Half are arbitrary Unicode (control characters, odd spaces, huge lines); half are copy-like,
assembled from newsroom line shapes (datelines, bylines, credits, captions, comments) and
random text, with random line ends. Beyond not crashing, the parser must invent nothing: every
paragraph, subheading, caption and comment line it returns is text from the input.
"""

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.importers.text import normalise, parse_copy

TODAY = date(2026, 3, 6)
RUN = settings(
    max_examples=5_000,
    deadline=None,
    derandomize=True,  # the same inputs every run: a failure reproduces
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SHAPES = [
    "Harbour cranes return after the strike",
    "By Jane Doe and John Roe, Reuters",
    "BY ANA LIMA",
    "ROTTERDAM, March 4 (Reuters) - Dockworkers voted to end the strike.",
    "(November 13, 2024) – An insider revealed that orders stopped.",
    "WASHINGTON (AP) — The Senate passed the bill.",
    "NAIROBI, Kenya — Flood defences held.",
    "Sandbags line the embankment on Monday. (Photo: Lakeside Pictures)",
    "A crowd gathers. Photo: Jane Doe/Agency",
    "What happens next",
    "## Background",
    "WHAT THE RULES SAY",
    "“We got what we asked for.”",
    "— Grace Achieng, a farmer",
    "> Quoted from the report.",
    "- A bullet point",
    "1. A numbered point",
    "Editor: Zheng Haoyu",
    "Edited by Sam Ortiz",
    "(Reporting by Anna Kowalski in Rotterdam; Editing by Tom Hale)",
    "Photo: Bas de Wit",
    "Associated Press writer Dana Whitfield contributed to this report.",
    "Tags: Ports, Labour",
    "© 2026 The Meridian",
    "Advertisement",
    "3 Comments",
    "Ana Souza says:",
    "February 22, 2026 at 9:14 am",
    "Reply",
    "Thank you Carlos!",
    "Yes Sure!",
    "Headline: A labelled headline",
    "Standfirst: A labelled standfirst.",
    "Published March 2, 2026",
    "",
    "   ",
]

line = st.one_of(
    st.sampled_from(SHAPES),
    st.text(min_size=0, max_size=200),
    st.text(alphabet=st.sampled_from("AbcDé .,;:!?—–-()“”\"'#>*•0123456789\t\u00a0"), max_size=120),
)
copy_like = st.tuples(
    st.lists(line, max_size=40), st.sampled_from(["\n", "\r\n", "\r", "\n\n"])
).map(lambda parts: parts[1].join(parts[0]))


def flat(text: str) -> str:
    return " ".join(text.split())


def check(text: str) -> None:
    parsed = parse_copy(text, today=TODAY)
    source = flat(normalise(text))
    pieces = [
        *parsed.paragraphs,
        *parsed.subheadings,
        parsed.lead_image_caption,
        parsed.lead_image_credit,
        parsed.standfirst,
        *parsed.comment_lines,
    ]
    for piece in pieces:
        assert flat(piece) in source, f"invented: {piece!r}"
    for block in parsed.blocks:
        assert block.text.strip() or block.items, block
    assert parsed.needs_headline == (not parsed.headline)
    assert isinstance(parsed.suggested_headline, str)
    if parsed.needs_headline and any(re.search(r"\w", p) for p in parsed.paragraphs):
        assert parsed.suggested_headline
    for comment in parsed.comments:
        assert comment.author and comment.text
        assert comment.reply_to is None or 0 <= comment.reply_to < len(parsed.comments)


@RUN
@given(st.text(max_size=3_000))
def test_any_text_parses_without_inventing(text):
    check(text)


@RUN
@given(copy_like)
def test_copy_like_text_parses_without_inventing(text):
    check(text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(copy_like)
def test_line_ends_do_not_change_the_result(text):
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    assert parse_copy(unix, today=TODAY) == parse_copy(unix.replace("\n", "\r\n"), today=TODAY)
