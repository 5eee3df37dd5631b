"""The reference page's reader comments, imported as one thread, render as nested replies."""

import json

import pytest
from bs4 import BeautifulSoup

from newsdesk.articles.models import ArticlePage
from newsdesk.comments.importing import import_thread
from newsdesk.comments.services import MAX_DEPTH

pytestmark = pytest.mark.django_db


def test_seed_comment_lines_render_in_order_as_nested_replies(client, seed_dir):
    lines = json.loads((seed_dir / "expected.json").read_text(encoding="utf-8"))[
        "trailing_comment_lines"
    ]
    # As expected.json notes: the first two lines are one comment (title and text) by Carlos;
    # replies then alternate between the theme's author and Carlos.
    entries = [("Carlos", f"{lines[0]}\n\n{lines[1]}")]
    for n, line in enumerate(lines[2:]):
        entries.append(("Theme author" if n % 2 == 0 else "Carlos", line))
    article = ArticlePage.objects.published().exclude(comments_mode="off").first()
    comments = import_thread(article=article, entries=entries)

    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    root = soup.select_one(f"#comment-{comments[0].pk}")
    texts = [b.get_text("\n", strip=True) for b in root.select(".comment-body")]
    assert texts == [f"{lines[0]}\n{lines[1]}", *lines[2:]], "every line, in order"
    depth = lambda c: len(soup.select_one(f"#comment-{c.pk}").find_parents("li"))  # noqa: E731
    assert [depth(c) for c in comments] == [0, 1, 2, 2, 2][: len(comments)]
    assert max(depth(c) for c in comments) == MAX_DEPTH - 1
    flat = soup.select_one(f"#comment-{comments[3].pk} .comment-reply-to")
    assert flat.get_text(strip=True) == "In reply to Carlos"
