"""WordPress post HTML as body blocks, and the streamed WXR reader (pure Python, no database)."""

import tracemalloc

import pytest

from newsdesk.importers.wordpress import wxr
from newsdesk.importers.wordpress.content import Resolver, expand_shortcodes, to_blocks


def convert(html: str, **resolver) -> list[tuple[str, object]]:
    return [(b["type"], b["value"]) for b in to_blocks(html, Resolver(**resolver))]


def test_classic_paragraphs_are_split_on_blank_lines_like_wpautop():
    html = "One line\nwraps here.\n\n  Second <em>para</em>.\n\n\n<h3>Then</h3>Tail text"
    assert convert(html) == [
        ("paragraph", "<p>One line wraps here.</p>"),
        ("paragraph", "<p>Second <i>para</i>.</p>"),
        ("subheading", "Then"),
        ("paragraph", "<p>Tail text</p>"),
    ]


def test_markup_is_cleaned_to_what_a_paragraph_allows():
    html = (
        '<p onclick="x()">Hi <span style="color:red">there</span> <a href="javascript:alert(1)">'
        'bad</a> <a href="https://ok.example/" target="_blank" title="t">good</a><img src="x.png">'
        "<script>steal()</script></p><iframe src='https://evil.example'></iframe>"
    )
    assert convert(html) == [
        ("paragraph", '<p>Hi there <a>bad</a> <a href="https://ok.example/">good</a></p>')
    ]


def test_caption_shortcode_is_a_figure_and_other_square_brackets_stay():
    html = (
        '[caption id="attachment_7" width="300"]<a href="/big.jpg"><img class="wp-image-7" '
        'src="/small.jpg" /></a> The pier at dawn [1][/caption]\n\n'
        "A typo [sic] stays. [contact-form id=3]Write to us[/contact-form]"
    )
    found = convert(html, image=lambda attachment, src: int(attachment) * 10)
    assert found == [
        ("image", {"image": 70, "caption": "The pier at dawn [1]", "credit": ""}),
        ("paragraph", "<p>A typo [sic] stays. Write to us</p>"),
    ]


def test_embed_and_gallery_shortcodes_and_bare_player_links():
    html = (
        '[embed width="500"]https://www.youtube.com/watch?v=abc[/embed]\n\n'
        '[gallery ids="4,5"]\n\nhttps://vimeo.com/99\n\nhttps://news.example/not-a-player'
    )
    found = convert(html, image=lambda attachment, src: int(attachment))
    assert found == [
        ("embed", {"embed": "https://www.youtube.com/watch?v=abc", "caption": ""}),
        ("image", {"image": 4, "caption": "", "credit": ""}),
        ("image", {"image": 5, "caption": "", "credit": ""}),
        ("embed", {"embed": "https://vimeo.com/99", "caption": ""}),
        ("paragraph", "<p>https://news.example/not-a-player</p>"),
    ]
    assert "[gallery" not in expand_shortcodes('[gallery ids="1"]')


def test_gutenberg_blocks_nested_unclosed_and_freeform():
    html = (
        "Freeform first.\n\n"
        '<!-- wp:group --><div class="wp-block-group"><!-- wp:heading {"level":3} -->'
        "<h3>Inside a group</h3><!-- /wp:heading --></div><!-- /wp:group -->"
        "<!-- wp:spacer --><div style='height:40px'></div><!-- /wp:spacer -->"
        '<!-- wp:pullquote --><figure class="wp-block-pullquote"><blockquote><p>Said once.</p>'
        "<cite>— Someone</cite></blockquote></figure><!-- /wp:pullquote -->"
        '<!-- wp:image {"id":12} /-->'
        "<!-- wp:paragraph --><p>Never closed</p>"
    )
    notes: list[str] = []
    resolver = Resolver(notes=notes)
    found = [(b["type"], b["value"]) for b in to_blocks(html, resolver)]
    assert found == [
        ("paragraph", "<p>Freeform first.</p>"),
        ("subheading", "Inside a group"),
        ("quote", {"text": "Said once.", "attribution": "Someone"}),
        ("paragraph", "<p>Never closed</p>"),
    ]


def test_images_that_were_not_imported_are_left_out_with_a_note():
    resolver = Resolver()
    blocks = to_blocks('<p><img src="https://old.example/lost.jpg"></p>', resolver)
    assert blocks == []
    assert resolver.notes == ["image left out (not imported): https://old.example/lost.jpg"]


def test_links_to_imported_posts_become_page_links():
    pages = {"https://old.example/2024/01/a/": 41}
    found = convert(
        '<a href="https://old.example/2024/01/a/">A</a> and <a href="https://x.example/">X</a>',
        page=pages.get,
    )
    assert found == [
        (
            "paragraph",
            '<p><a linktype="page" id="41">A</a> and <a href="https://x.example/">X</a></p>',
        )
    ]


def test_lists_become_fact_boxes_titled_by_their_lead_in():
    found = convert(
        "<p>Key dates:</p><ol><li>May 1</li><li> June <b>2</b></li></ol><ul><li>x</li></ul>"
    )
    assert found == [
        ("fact_box", {"title": "Key dates", "items": ["May 1", "June 2"]}),
        ("fact_box", {"title": "At a glance", "items": ["x"]}),
    ]


def export(items: str, version: str = "1.2") -> str:
    return (
        f'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/{version}/" '
        f'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>T</title><wp:wxr_version>{version}</wp:wxr_version>{items}"
        f"</channel></rss>"
    )


def test_reader_accepts_wxr_1_1_and_rejects_other_xml(tmp_path):
    path = tmp_path / "old.xml"
    path.write_text(export("<item><wp:post_id>5</wp:post_id><title>Five</title></item>", "1.1"))
    channel, item = list(wxr.read(path))
    assert channel.wxr_version == "1.1" and (item.id, item.title) == ("5", "Five")

    other = tmp_path / "feed.xml"
    other.write_text('<?xml version="1.0"?><feed><entry/></feed>')
    with pytest.raises(wxr.WXRError, match=r"feed\.xml: not a WordPress export"):
        list(wxr.read(other))
    with pytest.raises(wxr.WXRError, match="No such file"):
        list(wxr.read(tmp_path / "missing.xml"))


def test_dates_are_utc_and_zero_dates_are_none():
    assert wxr.parse_gmt("0000-00-00 00:00:00") is None
    assert wxr.parse_gmt("2024-03-14 09:30:00").isoformat() == "2024-03-14T09:30:00+00:00"
    with pytest.raises(ValueError, match="bad date"):
        wxr.parse_gmt("14/03/2024")


def test_reading_a_large_export_keeps_memory_flat(tmp_path):
    body = "A sentence of the story. " * 40

    def peak_for(posts: int) -> int:
        path = tmp_path / f"{posts}.xml"
        with path.open("w") as out:
            out.write(export("").removesuffix("</channel></rss>"))
            for n in range(posts):
                out.write(
                    f"<item><wp:post_id>{n}</wp:post_id><title>Post {n}</title>"
                    f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
                )
            out.write("</channel></rss>")
        tracemalloc.start()
        try:
            assert sum(1 for _ in wxr.read(path)) == posts + 1
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak_for(500), peak_for(10_000)  # 20 times the posts (about 10 MB)
    assert large < small * 2 + 256 * 1024
