from django import template
from django.template.defaultfilters import linebreaks_filter, urlizetrunc
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from newsdesk.caching.templatetags.fragments import kept_html
from newsdesk.comments.forms import CommentForm
from newsdesk.comments.models import CommentSettings
from newsdesk.comments.services import comments_state, thread
from newsdesk.comments.tokens import make_token
from newsdesk.core.middleware import volatile

register = template.Library()
# Stands for the signed token in the kept form, found with its attribute's quotes: a reader's
# name or comment, escaped, cannot contain them.
STAND_IN = "newsdesk-comment-token"


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The article's comments and, while they are open, the empty form. Kept as HTML with the
    page's tags (an approved or removed comment purges the article), with a stand-in for the
    form's token, signed afresh on every render."""
    request = context.get("request")
    conf = CommentSettings.for_request(request) if request else CommentSettings()
    state = comments_state(article, conf)
    newest = request is not None and request.GET.get("comments") == "newest"
    received = request is not None and request.GET.get("comment") == "received"

    def build() -> str:
        nodes = thread(article=article, newest_first=newest) if state != "off" else []
        form = CommentForm(initial={"token": STAND_IN})
        section = {
            "article": article,
            "state": state,
            "nodes": nodes,
            "count": count_nodes(nodes),
            "newest": newest,
            "received": received,
            "form": form,
        }
        return render_to_string("comments/section.html", section, request=None)

    html = kept_html(context, "comments", [article.pk, state, newest, received], build)
    if state != "open":
        return html
    token = volatile(make_token(article.pk))  # URL-safe: no markup
    kept = html.replace(f'value="{STAND_IN}"', f'value="{token}"', 1)
    return mark_safe(kept)  # noqa: S308 - as kept


def count_nodes(nodes) -> int:
    return sum((0 if node["hidden"] else 1) + count_nodes(node["replies"]) for node in nodes)


@register.filter
def comment_text(value: str):
    """Plain text to HTML: escaped, paragraphs kept, bare links made safe links."""
    html = urlizetrunc(value, 60, autoescape=True)  # escapes everything that is not a link
    html = mark_safe(html.replace('rel="nofollow"', 'rel="nofollow ugc"'))  # noqa: S308
    return linebreaks_filter(html, autoescape=True)
