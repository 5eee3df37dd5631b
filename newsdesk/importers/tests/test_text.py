"""Copy intake on varied newsroom copy written for these tests (wire, feature, email, web page).

The rules come from how copy is formatted (AP, Reuters and AFP datelines, "By" lines, credit
lines, captions with credits, Markdown habits), so each case is a different house style.
"""

from datetime import date

from newsdesk.importers.text import normalise, parse_copy, units

TODAY = date(2026, 3, 6)


def parse(text: str):
    return parse_copy(text, today=TODAY)


REUTERS = """\
Port workers end strike after pay deal
ROTTERDAM, March 4 (Reuters) - Dockworkers at Europe's largest port voted on Tuesday to end a nine-day strike after unions accepted a revised pay offer, the port authority said.
The deal raises wages by 6% this year and by another 4% next year, according to a summary seen by Reuters.
"We got most of what we asked for," said union spokesperson Marit de Vries.
Shipping lines had diverted more than 40 vessels to Antwerp and Hamburg during the stoppage.
(Reporting by Anna Kowalski in Rotterdam; Additional reporting by Lars Becker in Hamburg; Editing by Tom Hale and Priya Nair)
"""


def test_reuters_wire_copy():
    parsed = parse(REUTERS)
    assert parsed.headline == "Port workers end strike after pay deal" and not parsed.needs_headline
    assert (parsed.dateline_place, parsed.dateline_agency) == ("ROTTERDAM", "Reuters")
    assert parsed.dateline_date == date(2026, 3, 4)  # no year on the wire: the nearest one
    assert parsed.paragraphs[0].startswith("Dockworkers at Europe's largest port")
    # A quoted paragraph with no attribution line is a paragraph, as in print.
    assert parsed.body_block_order == ["p"] * 4
    assert [(c.role, c.name) for c in parsed.credits] == [
        ("reporter", "Anna Kowalski"),
        ("additional reporting", "Lars Becker"),
        ("editor", "Tom Hale"),
        ("editor", "Priya Nair"),
    ]
    assert parsed.comments == [] and parsed.comment_lines == []


AP = """\
WASHINGTON (AP) — The Senate on Thursday passed a bill to fund rural broadband for another five years, sending it to the president's desk.

The measure passed 71-27 after a week of debate.

Associated Press writer Dana Whitfield contributed to this report.
"""


def test_ap_copy_with_agency_dateline_and_contributor_line():
    parsed = parse(AP)
    assert parsed.needs_headline
    assert parsed.suggested_headline  # offered, never used as the headline
    assert parsed.headline is None
    assert (parsed.dateline_place, parsed.dateline_agency, parsed.dateline_date) == (
        "WASHINGTON",
        "AP",
        None,
    )
    assert parsed.paragraphs == [
        "The Senate on Thursday passed a bill to fund rural broadband for another five years, "
        "sending it to the president's desk.",
        "The measure passed 71-27 after a week of debate.",
    ]
    assert [(c.role, c.name) for c in parsed.credits] == [
        ("additional reporting", "Dana Whitfield")
    ]


FEATURE = (
    "The last ferryman of Lake Orta\r\n"
    "\r\n"
    "For forty years, one man has carried the island's post, its priest and its tourists.\r\n"
    "\r\n"
    "By Giulia Ferri and TOMAS NOVAK\r\n"
    "Published March 2, 2026\r\n"
    "\r\n"
    "Every morning at six, Enzo Bertolini unties the Santa Rita and points her bow at the island.\r\n"
    "\r\n"
    "He has done it in fog, in snow and once, he says, in a small tornado.\r\n"
    "\r\n"
    "A trade that is vanishing\r\n"
    "\r\n"
    "There were eleven ferrymen on the lake when he started. Now there is one.\r\n"
    "\r\n"
    "His daughter, a nurse in Milan, does not want the boat.\r\n"
)


def test_feature_with_headline_standfirst_bylines_and_windows_line_ends():
    parsed = parse(FEATURE)
    assert parsed.headline == "The last ferryman of Lake Orta"
    assert parsed.standfirst.startswith("For forty years, one man")
    assert parsed.bylines == ["Giulia Ferri", "Tomas Novak"]
    assert parsed.dateline_date == date(2026, 3, 2)
    assert parsed.body_block_order == ["p", "p", "h2", "p", "p"]
    assert parsed.subheadings == ["A trade that is vanishing"]
    assert all("\r" not in p for p in parsed.paragraphs)


EMAIL = """\
Council approves new cycle lanes

By Ruth Okonkwo

BRISTOL -- The city council voted on Wednesday night to build eleven
kilometres of protected cycle lanes across the centre, ending a debate
that has run for more than two years.

The plan, which will cost an estimated 14 million pounds, removes
parking from three main roads and adds signal phases for bicycles at
twenty junctions.

Opponents said shops would lose trade. Supporters pointed to a survey
showing most customers arrive on foot or by bus.

Edited by Sam Ortiz
"""


def test_hard_wrapped_email_copy_is_rejoined_into_paragraphs():
    parsed = parse(EMAIL)
    assert parsed.headline == "Council approves new cycle lanes"
    assert parsed.bylines == ["Ruth Okonkwo"]
    assert parsed.dateline_place == "BRISTOL"
    assert len(parsed.paragraphs) == 3
    assert parsed.paragraphs[0].startswith("The city council voted on Wednesday night")
    assert parsed.paragraphs[0].endswith("has run for more than two years.")
    assert parsed.paragraphs[1].endswith("twenty junctions.")
    assert parsed.editor_credit == "Sam Ortiz"


QUOTES = """\
Flood defences hold as river peaks
Sandbags line the embankment in Kisumu on Monday. Photo: Wanjiru Kamau/Lakeside Pictures
NAIROBI, Kenya — Flood defences along the Nyando river held overnight as the water reached its highest level in a decade, officials said on Tuesday.
“We were ready this time,” said county engineer Peter Otieno. "The walls did their job."
“The river does not forgive those who forget it.”
— Grace Achieng, a farmer in Ahero
Rain is forecast to ease by the weekend.
"""


def test_caption_credit_place_dateline_and_attributed_quote():
    parsed = parse(QUOTES)
    assert parsed.lead_image_caption == "Sandbags line the embankment in Kisumu on Monday."
    assert parsed.lead_image_credit == "Photo: Wanjiru Kamau/Lakeside Pictures"
    assert parsed.dateline_place == "NAIROBI, Kenya"
    assert parsed.body_block_order == ["p", "p", "blockquote", "p"]
    quote = parsed.blocks[2]
    assert quote.text == "The river does not forgive those who forget it."
    assert quote.attribution == "Grace Achieng, a farmer in Ahero"
    assert parsed.paragraphs[1].startswith("“We were ready this time,”")


LISTS = """\
## What the new budget means for you

Headline: What the new budget means for you
13 November 2025 – The finance minister presented the budget on Wednesday. Here is what changes.
Key measures:
- Income tax thresholds rise by 3%
- Fuel duty is frozen for another year
• Childcare support is extended to two-year-olds
WHAT HAPPENS NEXT
Parliament votes on the budget in two weeks.
1. A first reading on Monday
2. Committee stage later that week
Tags: Budget, Tax; Economy
© 2026 The Meridian
"""


def test_markdown_headline_bullet_lists_caps_heading_tags_and_rights_line():
    parsed = parse(LISTS)
    assert parsed.headline == "What the new budget means for you"
    assert parsed.dateline_date == date(2025, 11, 13)
    assert parsed.body_block_order == ["p", "p", "ul", "h2", "p", "ul"]
    assert parsed.blocks[2].items == (
        "Income tax thresholds rise by 3%",
        "Fuel duty is frozen for another year",
        "Childcare support is extended to two-year-olds",
    )
    assert parsed.subheadings == ["WHAT HAPPENS NEXT"]
    assert parsed.blocks[5].items == (
        "A first reading on Monday",
        "Committee stage later that week",
    )
    assert parsed.tags == ["Budget", "Tax", "Economy"]
    assert any("©" in note for note in parsed.notes)
    assert parsed.comments == []


CREDITS = """\
Inside the seed vault at the end of the world
Editor's note: This story was reported over three visits in 2025.
Paris, 3 March 2026 – The door to the vault is opened only a few times a year.
Inside, the temperature never rises above minus eighteen degrees.
Written by Hélène Martin
Translated by Jonas Berg
Photos by Ari Lindqvist/Northlight
Fact-checked by Mei Tanaka
Illustration: Kofi Mensah
"""


def test_many_credit_lines_and_no_comments():
    parsed = parse(CREDITS)
    # "Editor's note:" is text, not an editor credit.
    assert parsed.paragraphs[0].startswith("Editor's note:")
    assert parsed.dateline_place == "Paris" and parsed.dateline_date == date(2026, 3, 3)
    assert [(c.role, c.name) for c in parsed.credits] == [
        ("writer", "Hélène Martin"),
        ("translator", "Jonas Berg"),
        ("photographer", "Ari Lindqvist/Northlight"),
        ("fact-checker", "Mei Tanaka"),
        ("illustration", "Kofi Mensah"),
    ]
    assert parsed.comment_lines == []


WEB_PAGE = """\
Library reopens after two-year restoration
The reading room's ceiling was repainted by hand. (Courtesy of the City Library)
(Sunday, February 22, 2026) — The central library reopened on Saturday after a restoration that took two years.
Advertisement
Visitors queued from dawn.
Editor: Marta Ruiz
3 Comments
Ana Souza says:
February 22, 2026 at 9:14 am
So glad it is back. I studied there for my exams.
Reply
Ben Cole says:
February 22, 2026 at 10:02 am
Thanks Ana, me too!
Reply
Chris Dunn · 2 days ago
The new lights are too bright.
"""


def test_web_page_with_named_comments_and_page_chrome():
    parsed = parse(WEB_PAGE)
    assert parsed.lead_image_credit == "Courtesy of the City Library"
    assert parsed.dateline_date == date(2026, 2, 22)
    assert parsed.paragraphs == [
        "The central library reopened on Saturday after a restoration that took two years.",
        "Visitors queued from dawn.",
    ]
    assert any("Advertisement" in note for note in parsed.notes)
    assert parsed.editor_credit == "Marta Ruiz"
    assert [(c.author, c.reply_to) for c in parsed.comments] == [
        ("Ana Souza", None),
        ("Ben Cole", 0),  # "Thanks Ana" answers Ana's comment
        ("Chris Dunn", None),
    ]
    assert parsed.comments[0].text.endswith("I studied there for my exams.")
    assert "February 22" not in parsed.comments[0].text.split("\n\n")[-1]


MARKED_COMMENTS = """\
Tram line to the airport opens
The first tram left the city centre at 5.30am on Monday.
Comments (2)
Finally!
Took me 25 minutes door to door.
"""


def test_a_comments_heading_without_credits_still_ends_the_story():
    parsed = parse(MARKED_COMMENTS)
    assert parsed.paragraphs == ["The first tram left the city centre at 5.30am on Monday."]
    assert parsed.comment_lines == ["Finally!", "Took me 25 minutes door to door."]
    assert len(parsed.comments) == 2 and parsed.comments[1].reply_to == 0


def test_short_lead_sentence_is_the_suggestion_and_headline_stays_empty():
    parsed = parse(
        "Berlin, 5 March 2026 – Rents rose again. Tenants' groups called for a cap.\n"
        "The city's own figures show a rise of 8% in a year."
    )
    assert parsed.headline is None and parsed.needs_headline
    assert parsed.suggested_headline == "Rents rose again"
    assert parsed.dateline_place == "Berlin"


def test_subheading_needs_text_after_it_and_a_paragraph_before_it():
    parsed = parse(
        "A short story for the wire\n"
        "LAGOS — Markets reopened on Monday.\n"
        "Traders returned early\n"
        "Stalls were full by nine.\n"
        "A line at the very end"
    )
    assert parsed.body_block_order == ["p", "h2", "p", "p"]


def test_normalise_handles_odd_spaces_and_invisible_characters():
    assert normalise("\ufeffOne\u00a0two\u200b\r\nthree  \rfour") == "One two\nthree\nfour"
    assert units("one line\n\n\nanother line") == ["one line", "another line"]


def test_empty_and_junk_input_gives_an_empty_draft_to_fill():
    for text in ("", "   \n\n  ", "\x00\x01", "—", "By", "(", "Editor:"):
        parsed = parse(text)
        assert parsed.needs_headline
        assert parsed.comments == []


def test_a_photo_credit_inside_the_story_does_not_end_it():
    parsed = parse(
        "Rebuilding the old mill\n"
        "ARNHEM — Work on the mill's roof began in January.\n"
        "Photo: Bas de Wit\n"
        "The sails go back up in the spring.\n"
        "Volunteers have raised most of the money.\n"
        "Edited by Femke Jansen\n"
        "Can't wait to see it turn!"
    )
    assert parsed.paragraphs == [
        "Work on the mill's roof began in January.",
        "The sails go back up in the spring.",
        "Volunteers have raised most of the money.",
    ]
    assert [(c.role, c.name) for c in parsed.credits] == [
        ("photographer", "Bas de Wit"),
        ("editor", "Femke Jansen"),
    ]
    assert parsed.comment_lines == ["Can't wait to see it turn!"]


def test_more_dateline_and_byline_forms():
    cases = {
        "ST. LOUIS (AP) — A judge ruled on Friday.": ("ST. LOUIS", None, "AP"),
        "WASHINGTON, D.C. — Lawmakers met.": ("WASHINGTON, D.C.", None, ""),
        "KYIV, Ukraine, Nov 13 (Reuters) - Drones hit.": (
            "KYIV, Ukraine",
            date(2025, 11, 13),
            "Reuters",
        ),
        "NEW DELHI: The ministry said so.": ("NEW DELHI", None, ""),
        "Tokyo (AFP) - Shares rose.": ("Tokyo", None, "AFP"),
        "Monday, March 2, 2026 — The council met.": ("", date(2026, 3, 2), ""),
    }
    for line, (place, when, agency) in cases.items():
        parsed = parse(line)
        assert (parsed.dateline_place, parsed.dateline_date, parsed.dateline_agency) == (
            place,
            when,
            agency,
        ), line
    for line in (
        "BREAKING: Markets fall.",
        "UPDATE — New details.",
        "Mr. Smith — a teacher — said.",
    ):
        assert parse(line).dateline_place == "", line

    header = "Turbines for the bay\n{}\nOSLO — The order was signed.\n"
    bylines = {
        "By JANE DOE, Associated Press": (["Jane Doe"], "Associated Press"),
        "By Jane Doe | Staff Writer": (["Jane Doe"], ""),
        "By Staff Reporters": ([], "Staff Reporters"),
        "BY MARIA DA SILVA AND JOHN ROE": (["Maria Da Silva", "John Roe"], ""),
    }
    for line, (names, desk) in bylines.items():
        parsed = parse(header.format(line))
        assert (parsed.bylines, parsed.byline_text) == (names, desk), line
    parsed = parse("Copy\nOSLO — Text.\nTranslated from Spanish by Ana Ruiz")
    assert [(c.role, c.name, c.label) for c in parsed.credits] == [
        ("translator", "Ana Ruiz", "Translated from Spanish")
    ]
