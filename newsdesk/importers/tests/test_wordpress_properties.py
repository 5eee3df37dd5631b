"""Hostile input for the WordPress importer (Hypothesis, derandomized).

10,000+ generated inputs a run: 4,000 export files through the WXR reader, each read whole,
cut short and with bytes added (truncated files, wrong encodings, missing fields, huge fields,
deep nesting, DTDs and entities); 6,000 post bodies through the HTML conversion; and 30 whole
exports through `import_wordpress` into the database. Nothing may raise but the importer's
own errors (`WXRError` naming the file, `ItemError` or a bad-date `ValueError` naming the
item), and what comes out is only blocks we know, with no script, handler or javascript: link.
"""

import re
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.importers.runner import ItemError
from newsdesk.importers.tests.inert import check_blocks
from newsdesk.importers.wordpress import wxr
from newsdesk.importers.wordpress.content import Resolver, plain_text, text_lines, to_blocks
from newsdesk.importers.wordpress.importer import _parents_first

RUN = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BLOCKS = {"paragraph", "subheading", "quote", "image", "embed", "fact_box"}
RAW = re.compile(r"^[A-Z]\w*(Error|Exception|Interrupt)\b: ")  # runner's form for raw ones

HTML = st.sampled_from([
    "<p>Plain <b>bold</b> <a href='javascript:alert(1)'>bad</a></p>",
    "<script>alert(1)</script><p onclick='x()'>hi</p>", "<",
    "<ul><li>one<li>two</ul><h2>Head</h2><blockquote><p>said</p><cite>Her</cite></blockquote>",
    "[caption id=\"attachment_5\" width=\"300\"]<img src='/wp-content/uploads/a.jpg' "
    "class='wp-image-5' alt='a'> A caption[/caption]", "[caption]", "[/caption]",
    "[embed]https://www.youtube.com/watch?v=x[/embed]", "[embed]javascript:alert(1)[/embed]",
    "[gallery ids=\"1,2,x\"]", "[gallery ids=\"" + "9," * 50 + "\"]", "[sic]", "[1]",
    "<!-- wp:paragraph --><p>Gutenberg</p><!-- /wp:paragraph -->", "<!-- /wp:paragraph -->",
    "<!-- wp:image {\"id\":5} --><figure><img src='x.jpg'/></figure><!-- /wp:image -->",
    "<!-- wp:embed {\"url\":\"https://vimeo.com/1\"} --><figure class='wp-block-embed'>"
    "<div class='wp-block-embed__wrapper'>https://vimeo.com/1</div></figure><!-- /wp:embed -->",
    "<!-- wp:image {\"id\": [1, {\"x\": null}]} -->", "<!-- wp:x {not json} /-->",
    "<!-- wp:group --><div><!-- wp:quote --><blockquote>q</blockquote><!-- /wp:quote -->",
    "<figure data-embed='&#106;avascript:x'></figure>", "<figure data-attachment=''></figure>",
    "https://youtu.be/abc", "\n\n", "&#0;&#xD800;&bogus;", "<p>\x00\x0b\ufffe</p>",
    "<a href='https://harbour.example/2024/03/old-post/'>old</a>", "<img>", "<pre><b>x</b></pre>",
    "<div>" * 60 + "deep" + "</div>" * 60, "<b>" * 60 + "bold" + "</b>" * 60,
    "<ul>" * 50 + "<li>x" + "</ul>" * 50, "<table><tr><td>cell</td></tr></table>",
    "<p>" + "word " * 500 + "</p>", "<h2>" + "H" * 1_000 + "</h2>", "Key facts:\n<ul><li>a",
]) | st.text(max_size=80)  # fmt: skip


def image(attachment_id, src):
    return 7 if attachment_id.isdigit() or "uploads" in str(src) else None


def page(href):
    return 9 if "old-post" in href else None


@settings(RUN, max_examples=6_000)
@given(parts=st.lists(HTML, max_size=8), glue=st.sampled_from(["", "\n", "\n\n", " "]))
def test_post_html_becomes_known_blocks(parts, glue):
    html = glue.join(parts)
    body = to_blocks(html, Resolver(image=image, page=page))
    check_blocks(body, BLOCKS)
    assert isinstance(plain_text(html), str) and isinstance(text_lines(html), str)


# Export files -----------------------------------------------------------------------------

HEAD = (
    '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{v}/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{v}/">'
)
FIELD = st.text(max_size=30) | st.sampled_from(
    ["", "0", "1", "spam", "x" * 5_000, "0000-00-00 00:00:00", "2024-03-14 09:30:00",
     "2024-02-30 25:61:00", "-1", "12abc", "<![CDATA[<p>cdata</p>]]>", "&amp;", "&#0;"]
)  # fmt: skip


def tag(name: str, value: str) -> str:
    return f"<{name}>{value}</{name}>"


def xml_text(value: str) -> str:
    if value.startswith("<![CDATA["):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;")


ELEMENT_NAMES = {
    "author": ["wp:author_login", "wp:author_display_name", "wp:author_email",
               "wp:author_first_name", "wp:author_last_name", "wp:author_description"],
    "term": ["wp:term_id", "wp:category_nicename", "wp:cat_name", "wp:category_parent",
             "wp:tag_slug", "wp:tag_name", "wp:term_taxonomy", "wp:term_slug"],
    "item": ["title", "link", "guid", "wp:post_id", "wp:post_type", "wp:status",
             "wp:post_name", "dc:creator", "content:encoded", "excerpt:encoded",
             "wp:post_date_gmt", "wp:post_modified_gmt", "wp:is_sticky",
             "wp:attachment_url", "wp:post_password"],
    "comment": ["wp:comment_id", "wp:comment_author", "wp:comment_author_email",
                "wp:comment_author_url", "wp:comment_date_gmt", "wp:comment_content",
                "wp:comment_approved", "wp:comment_type", "wp:comment_parent",
                "wp:comment_user_id"],
}  # fmt: skip


def fields(kind: str):
    names = st.sampled_from(ELEMENT_NAMES[kind])
    return st.lists(st.tuples(names, FIELD | HTML), max_size=8).map(
        lambda pairs: "".join(tag(name, xml_text(value)) for name, value in pairs)
    )


COMMENT = fields("comment").map(lambda inner: tag("wp:comment", inner))
POSTMETA = st.tuples(FIELD, FIELD).map(
    lambda kv: tag("wp:postmeta", tag("wp:meta_key", xml_text(kv[0]))
                   + tag("wp:meta_value", xml_text(kv[1])))
)  # fmt: skip
CATEGORY = st.tuples(st.sampled_from(["category", "post_tag", "", "x"]), FIELD).map(
    lambda dv: f'<category domain="{dv[0]}" nicename="n">{xml_text(dv[1])}</category>'
)
ITEM = st.tuples(fields("item"), st.lists(COMMENT | POSTMETA | CATEGORY, max_size=6)).map(
    lambda parts: tag("item", parts[0] + "".join(parts[1]))
)
CHILD = st.one_of(
    ITEM,
    fields("author").map(lambda inner: tag("wp:author", inner)),
    fields("term").map(lambda inner: tag(st_choice_term(inner), inner)),
    st.sampled_from(["<wp:wxr_version>1.2</wp:wxr_version>", "<title>Site</title>",
                     "<wp:base_site_url>https://harbour.example</wp:base_site_url>",
                     "<link>https://harbour.example</link>", "<item/>", "<wp:author/>",
                     "<unknown><x>1</x></unknown>", "<item>" + "<x>" * 2_000 + "</x>" * 2_000
                     + "</item>"]),
)  # fmt: skip


def st_choice_term(inner: str) -> str:
    return "wp:tag" if "tag_" in inner else "wp:term" if "term_slug" in inner else "wp:category"


PROLOGUE = st.sampled_from([
    "", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="latin-1"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', '<?xml version="1.0" encoding="bogus-9"?>',
    '<!DOCTYPE rss [<!ENTITY lol "lol">]>', '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">',
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])  # fmt: skip
EXPORT = st.builds(
    lambda prologue, version, children, root, enc: (
        prologue
        + (HEAD.format(v=version) if root else "<feed>")
        + "<channel>"
        + "".join(children)
        + "</channel>"
        + ("</rss>" if root else "</feed>")
    ).encode(enc, "replace"),
    PROLOGUE,
    st.sampled_from(["1.0", "1.1", "1.2", "9"]),
    st.lists(CHILD, max_size=8),
    st.booleans() | st.just(True),
    st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16", "cp1252"]),
)
HOSTILE_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
    b"]><rss><channel><title>&b;</title></channel></rss>"
)
SCRATCH = Path(tempfile.mkdtemp(prefix="wxr-properties-")) / "export.xml"


def read_all(blob: bytes) -> list:
    SCRATCH.write_bytes(blob)
    try:
        entries = list(wxr.read(SCRATCH))
    except wxr.WXRError as error:
        assert str(error).startswith(f"{SCRATCH}: ")
        return []
    assert isinstance(entries[0], wxr.Channel) and entries[0].wxr_version
    assert all(isinstance(e, wxr.Author | wxr.Term | wxr.Item) for e in entries[1:])
    return entries


def use_items(entries: list) -> None:
    """What the importer does with each item before the database: dates, threads, HTML."""
    for entry in entries:
        if not isinstance(entry, wxr.Item):
            continue
        for value in [entry.date_gmt, entry.modified_gmt] + [c.date_gmt for c in entry.comments]:
            try:
                wxr.parse_gmt(value)
            except ValueError as error:
                assert str(error).startswith("bad date ")
        assert len(_parents_first(entry.comments)) == len({c.id for c in entry.comments})
        assert isinstance(entry.label, str)
        check_blocks(to_blocks(entry.content, Resolver(image=image, page=page)), BLOCKS)


@settings(RUN, max_examples=4_000)
@given(
    data=EXPORT | st.sampled_from([HOSTILE_ENTITY, b"", b"\xff\xfe\x00", b"<rss"]),
    cut=st.integers(0, 600),
    noise=st.binary(max_size=20),
)
def test_export_files_read_or_fail_naming_the_file(data, cut, noise):
    """Whole, cut short or with bytes added: a file is read or refused with its name."""
    use_items(read_all(data))
    read_all(data[:cut])
    read_all(data + noise)


def test_huge_posts_convert_and_too_deep_ones_fail_alone():
    body = to_blocks("<p>" + "word " * 200_000 + "</p>", Resolver())
    assert [block["type"] for block in body] == ["paragraph"]
    with pytest.raises(ItemError, match="nested too deeply"):
        to_blocks("<div>" * 5_000 + "deep" + "</div>" * 5_000, Resolver())


def test_hostile_xml_is_refused_before_anything_is_read():
    for blob, reason in [
        (HOSTILE_ENTITY, "declares a DTD"),
        (b'<?xml version="1.0"?><rss><channel>' + b"<x>" * 100_000, "not well-formed XML"),
        (b"\xff\xfe<\x00r\x00", "not well-formed XML"),
        (b'<?xml version="1.0" encoding="bogus-9"?><rss/>', "cannot be decoded"),
    ]:
        SCRATCH.write_bytes(blob)
        with pytest.raises(wxr.WXRError, match=reason):
            list(wxr.read(SCRATCH))


# Whole imports into the database ----------------------------------------------------------

END_TO_END = st.lists(
    st.sampled_from([
        tag("wp:author", tag("wp:author_login", "mara") + tag("wp:author_display_name", "M")),
        tag("wp:author", tag("wp:author_display_name", "no login")),
        tag("wp:category", tag("wp:term_id", "3") + tag("wp:category_nicename", "news")
            + tag("wp:cat_name", "News")),
        tag("wp:category", tag("wp:term_id", "4") + tag("wp:cat_name", "x" * 500)),
        tag("wp:tag", tag("wp:term_id", "") + tag("wp:tag_slug", "")),
    ]) | ITEM.filter(lambda item: "<x>" not in item),
    max_size=6,
).map(lambda kids: (
    '<?xml version="1.0" encoding="UTF-8"?>' + HEAD.format(v="1.2") + "<channel>"
    "<wp:wxr_version>1.2</wp:wxr_version><link>https://harbour.example</link>"
    + "".join(kids)
    + tag("item", tag("wp:post_id", "1") + tag("wp:status", "publish") + tag("title", "Safe")
          + tag("dc:creator", "mara") + '<category domain="category" nicename="news">News'
          "</category>" + tag("content:encoded", "&lt;p&gt;A safe post.&lt;/p&gt;")
          + tag("wp:post_date_gmt", "2024-03-14 09:30:00"))
    + "</channel></rss>"
).encode())  # fmt: skip


@pytest.mark.django_db(transaction=False)
@settings(RUN, max_examples=30)
@given(export=END_TO_END)
def test_whole_exports_import_or_fail_each_item_clearly(export, tmp_path_factory):
    path = tmp_path_factory.mktemp("wxr") / "site.xml"
    path.write_bytes(export)
    out = StringIO()
    try:
        call_command("import_wordpress", str(path), stdout=out, stderr=StringIO())
    except CommandError as error:  # the whole file refused by name, or some items failed
        assert re.match(rf"^({re.escape(str(path))}: |\d+ item\(s\) failed)", str(error))
        if str(error).startswith(str(path)):
            return
    summary = out.getvalue()
    failed = [line for line in summary.splitlines() if line.strip().startswith("FAILED")]
    for line in failed:
        file, _, rest = line.strip().removeprefix("FAILED ").partition(": ")
        assert file == str(path), line
        item, _, reason = rest.partition(": ")
        assert item and reason and not RAW.match(reason), line
    # The safe post always gets in, whatever its neighbours did.
    assert "article" in summary, summary
