"""A generated WordPress export (WXR 1.2) of any size, for the import benchmark and tests.

Deterministic and streamed to the file: N posts in six categories and twelve tags by two
authors, each with five comments of which every other answers the post's first and the last
waits for moderation.
"""

from pathlib import Path
from xml.sax.saxutils import escape

COMMENTS_PER_POST = 5
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Gazette</title><link>https://bench-import.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench-import.example</wp:base_site_url>
"""
WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "tide",
    "market",
    "school",
    "bridge",
    "festival",
    "storm",
    "museum",
    "union",
    "river",
    "station",
    "library",
    "report",
    "vote",
    "plan",
    "season",
    "crew",
    "dock",
    "lantern",
]


def _cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def _sentence(n: int, length: int = 14) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def write_export(path: Path, posts: int) -> int:
    """Write an export with `posts` posts; returns the number of comments in it."""
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for login in ("mara", "tobi"):
            out.write(
                f"<wp:author><wp:author_login>{login}</wp:author_login>"
                f"<wp:author_display_name>{login.title()} Writer</wp:author_display_name>"
                "</wp:author>\n"
            )
        for n in range(6):
            out.write(
                f"<wp:category><wp:term_id>{n + 1}</wp:term_id><wp:category_nicename>"
                f"bench-desk-{n}</wp:category_nicename><wp:cat_name>Bench desk {n}</wp:cat_name>"
                "</wp:category>\n"
            )
        for n in range(12):
            out.write(
                f"<wp:tag><wp:term_id>{100 + n}</wp:term_id><wp:tag_slug>bench-topic-{n}"
                f"</wp:tag_slug><wp:tag_name>Bench topic {n}</wp:tag_name></wp:tag>\n"
            )
        for post in range(1, posts + 1):
            day = f"2024-{post % 12 + 1:02d}-{post % 28 + 1:02d} {post % 24:02d}:15:00"
            body = "\n\n".join(_sentence(post + p, 30) for p in range(6))
            out.write(
                f"<item><title>{escape(_sentence(post, 8))}</title>"
                f"<link>https://bench-import.example/?p={post}</link>"
                f"<dc:creator>{('mara', 'tobi')[post % 2]}</dc:creator>"
                f"<content:encoded>{_cdata('<h2>' + _sentence(post, 4) + '</h2>' + body)}"
                f"</content:encoded><excerpt:encoded>{_cdata(_sentence(post))}</excerpt:encoded>"
                f"<wp:post_id>{post}</wp:post_id><wp:post_date_gmt>{day}</wp:post_date_gmt>"
                f"<wp:post_name>bench-post-{post}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="bench-desk-{post % 6}">Bench desk '
                f'{post % 6}</category><category domain="post_tag" nicename="bench-topic-'
                f'{post % 12}">Bench topic {post % 12}</category>\n'
            )
            first = comment_id + 1
            for c in range(COMMENTS_PER_POST):
                comment_id += 1
                parent = first if c % 2 else 0  # every other comment answers the first
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {comment_id % 97}</wp:comment_author>"
                    f"<wp:comment_date_gmt>{day}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{_cdata(_sentence(comment_id, 12))}"
                    f"</wp:comment_content><wp:comment_approved>{int(c != 4)}"
                    f"</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return comment_id
