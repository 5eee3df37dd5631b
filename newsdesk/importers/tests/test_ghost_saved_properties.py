"""Hostile input for the Ghost and saved-page importers (Hypothesis, derandomized).

Ghost: 5,000 generated Lexical and Mobiledoc documents (wrong types, missing keys, deep nesting,
scripts in HTML cards, odd URLs) and 5,000 generated export files (truncated, wrong encodings,
wrong shapes). Saved pages: 8,000 generated pages through the clean-up and lead-image steps
and 2,000 through the whole extraction. Nothing may raise but the importers' own clear errors,
and what comes out is only blocks we know, with no script, handler or javascript: link.
"""

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdesk.importers.ghost import GhostExportError, parse_export
from newsdesk.importers.ghost_content import convert_post
from newsdesk.importers.runner import ItemError
from newsdesk.importers.saved_pages import _lead_image, parse_html, read_page, strip_chrome
from newsdesk.importers.tests.inert import check_blocks

RUN = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NODE_TYPES = [
    "paragraph", "extended-text", "text", "heading", "extended-heading", "quote", "aside",
    "list", "listitem", "link", "autolink", "linebreak", "image", "gallery", "html", "embed",
    "bookmark", "markdown", "callout", "toggle", "codeblock", "signup", "horizontalrule", "x",
]  # fmt: skip
HTML = st.sampled_from([
    "<p>Plain <b>bold</b> <a href='javascript:alert(1)'>bad</a></p>",
    "<script>alert(1)</script><p onclick='x()'>hi</p>",
    "<ul><li>one<li>two</ul><h2>Head</h2><blockquote>said</blockquote>",
    "<figure><img src='/content/images/a.png' alt='a'><figcaption>c</figcaption></figure>",
    "<div><div><p>deep</p>tail</div></div><iframe src='https://example.com/v'></iframe>",
    "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><p>&e;</p>", "", "<", "&#0;",
]) | st.text(max_size=60)  # fmt: skip
URL = st.sampled_from(
    ["https://example.org/a", "javascript:alert(1)", "__GHOST_URL__/content/images/x.png",
     "file:///etc/passwd", "http://169.254.169.254/", "", "mailto:a@example.org"]
) | st.text(max_size=20)  # fmt: skip
LEAF = st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=30) | URL | HTML
LEXICAL_NODE = st.recursive(
    st.fixed_dictionaries(
        {"type": st.sampled_from(NODE_TYPES)},
        optional={"text": st.text(max_size=30) | LEAF, "format": st.integers(0, 127) | LEAF},
    ),
    lambda kids: st.fixed_dictionaries(
        {"type": st.sampled_from(NODE_TYPES) | LEAF},
        optional={
            "children": st.lists(kids, max_size=4) | LEAF,
            "tag": st.sampled_from(["h2", "h1", "ul", "ol", "p"]) | LEAF,
            "url": URL,
            "src": URL,
            "alt": LEAF,
            "caption": HTML | LEAF,
            "html": HTML | LEAF,
            "markdown": st.text(max_size=80) | LEAF,
            "images": st.lists(kids, max_size=3) | LEAF,
            "metadata": st.fixed_dictionaries({}, optional={"title": LEAF, "url": URL}) | LEAF,
            "heading": LEAF,
            "content": HTML,
            "code": LEAF,
            "calloutText": HTML,
        },
    ),  # fmt: skip
    max_leaves=25,
)
LEXICAL = st.fixed_dictionaries({"root": st.fixed_dictionaries(
    {"children": st.lists(LEXICAL_NODE, max_size=6) | LEAF})}) | LEAF  # fmt: skip
MARKER = st.tuples(st.integers(-1, 2), st.lists(st.integers(-1, 3), max_size=2),
                   st.integers(-1, 3), LEAF).map(list)  # fmt: skip
CARD = st.tuples(st.sampled_from(NODE_TYPES + ["hr", "code"]),
                 st.dictionaries(st.sampled_from(["src", "html", "url", "markdown", "images",
                                                  "caption", "metadata"]), LEAF | URL | HTML,
                                 max_size=4)).map(list)  # fmt: skip
SECTION = st.one_of(
    st.tuples(st.just(1), st.sampled_from(["p", "h2", "blockquote", "aside", "x"]),
              st.lists(MARKER, max_size=4)).map(list),
    st.tuples(st.just(3), st.just("ul"), st.lists(st.lists(MARKER, max_size=3), max_size=3)).map(list),
    st.tuples(st.just(10), st.integers(-1, 3)).map(list),
    st.tuples(st.integers(0, 11), LEAF).map(list),
    LEAF,
)  # fmt: skip
MOBILEDOC = st.fixed_dictionaries({
    "markups": st.lists(st.sampled_from([["b"], ["a", ["href", "javascript:x"]], ["em"], ["a"],
                                         [5], []]), max_size=4),
    "atoms": st.lists(st.sampled_from([["soft-return", "", {}], ["mention", "@x", {}], []]),
                      max_size=2),
    "cards": st.lists(CARD, max_size=4),
    "sections": st.lists(SECTION, max_size=6) | LEAF,
}) | LEAF  # fmt: skip


def resolve(src, alt):
    return 1 if "content/images" in str(src) else None


@settings(RUN, max_examples=2_500)
@given(doc=LEXICAL, as_text=st.booleans())
def test_lexical_never_raises_but_item_errors(doc, as_text):
    try:
        body, _notes = convert_post({"lexical": json.dumps(doc) if as_text else doc}, resolve)
    except ItemError as error:
        assert "Lexical" in str(error)
    else:
        check_blocks(body)


def markup_as_words(tag: str) -> dict:
    """A Mobiledoc section whose text is markup, as Hypothesis found: it is the post's words."""
    return {"markups": [], "atoms": [], "cards": [], "sections": [[1, tag, [[0, [], 0, LINK]]]]}


LINK = "<p>Plain <b>bold</b> <a href='javascript:alert(1)'>bad</a></p>"


@settings(RUN, max_examples=2_500)
@given(doc=MOBILEDOC, html=HTML)
@example(doc=markup_as_words("p"), html=LINK)
@example(doc=markup_as_words("h2"), html=LINK)
def test_mobiledoc_never_raises_but_item_errors(doc, html):
    try:
        body, _notes = convert_post({"mobiledoc": json.dumps(doc), "html": html}, resolve)
    except ItemError as error:
        assert "Mobiledoc" in str(error)
    else:
        check_blocks(body)


EXPORT_SHAPES = st.sampled_from([
    b'{"db": [{"meta": {"version": "5.0"}, "data": {"posts": []}}]}',
    b'{"db": [{"data": {"posts": [{"id": 1}], "tags": 5, "posts_tags": [{"post_id": null}]}}]}',
    b'{"db": []}', b'{"db": [{"data": []}]}', b"[]", b'"db"', b"\xff\xfe{", b"",
    b'{"db": [{"meta": 3, "data": {"posts": [1, "x", {"id": "a", "author_id": "u"}],'
    b' "posts_authors": [{"post_id": "a", "author_id": "u", "sort_order": "z"}]}}]}',
    b"[" * 5_000 + b"]" * 5_000,
])  # fmt: skip


@settings(RUN, max_examples=5_000)
@given(data=EXPORT_SHAPES, cut=st.integers(0, 400), noise=st.binary(max_size=20))
def test_ghost_export_files_parse_or_fail_by_name(data, cut, noise):
    """Whole, truncated or with bytes added: an export is read or refused with its name."""
    for blob in (data, data[:cut], data + noise):
        try:
            export = parse_export(blob, file="site.json")
        except GhostExportError as error:
            assert str(error).startswith("site.json: ")
        else:
            assert isinstance(export.posts, list)


PAGE_PART = st.sampled_from([
    "<nav><a href='/'>Home</a></nav>", "<footer>© 2020 Site</footer>", "<aside>Trending</aside>",
    "<h1>A headline for the page</h1>", "<p>By Jane Doe</p>",
    "<p>" + "A sentence with enough words to count as article text. " * 4 + "</p>",
    "<figure><img src='img/a.png' alt='a'><figcaption>A caption here. (Photo: X)</figcaption>"
    "</figure>", "<img src='../../etc/passwd'>", "<img src='http://127.0.0.1/x.png'>",
    "<table><tr><td class='menu'>Menu</td><td><h2>Sub</h2><p>" + "Cell text. " * 12
    + "</p></td></tr></table>", "<div id='comments'><h3>2 Comments</h3><p>Ana</p><p>Hi.</p></div>",
    "<!DOCTYPE html SYSTEM 'http://127.0.0.1:9/x.dtd'>", "<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    "<script>alert(1)</script>", "<div class='share social'>Share</div>", "</div></p>", "<",
])  # fmt: skip
PAGE = st.builds(
    lambda parts, junk, enc: ("<html><body>" + "".join(parts) + junk + "</body></html>").encode(
        enc, "replace"
    ),
    st.lists(PAGE_PART, max_size=10),
    st.text(max_size=40),
    st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)


@settings(RUN, max_examples=8_000)
@given(page=PAGE | st.binary(max_size=200))
def test_page_clean_up_never_raises(page):
    try:
        tree = strip_chrome(parse_html(page))
    except ItemError:
        return
    assert not tree.xpath("//nav | //footer | //aside | //script")
    for img in tree.iter("img"):
        _lead_image(page, img.get("src") or "", img.get("alt") or "")


@settings(RUN, max_examples=2_000)
@given(page=PAGE | st.binary(max_size=200))
def test_saved_pages_read_or_fail_clearly(page):
    try:
        saved = read_page(page)
    except ItemError as error:
        assert str(error)
    else:
        assert saved.copy.strip()
        assert "Trending" not in saved.copy and "© 2020" not in saved.copy
