from django import template
from django.template.defaultfilters import linebreaks_filter, urlizetrunc
from django.utils.safestring import mark_safe

from newsdesk.comments.forms import initial_form
from newsdesk.comments.models import CommentSettings
from newsdesk.comments.services import comments_state, thread

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    request = context.get("request")
    conf = CommentSettings.for_request(request) if request else CommentSettings()
    state = comments_state(article, conf)
    newest = request is not None and request.GET.get("comments") == "newest"
    nodes = thread(article=article, newest_first=newest) if state != "off" else []
    return {
        "article": article,
        "state": state,
        "nodes": nodes,
        "count": count_nodes(nodes),
        "newest": newest,
        "form": initial_form(article_id=article.pk) if state == "open" else None,
        "received": request is not None and request.GET.get("comment") == "received",
        "request": request,
    }


def count_nodes(nodes) -> int:
    return sum((0 if node["hidden"] else 1) + count_nodes(node["replies"]) for node in nodes)


@register.filter
def comment_text(value: str):
    """Plain text to HTML: escaped, paragraphs kept, bare links made safe links."""
    html = urlizetrunc(value, 60, autoescape=True)  # escapes everything that is not a link
    html = mark_safe(html.replace('rel="nofollow"', 'rel="nofollow ugc"'))  # noqa: S308
    return linebreaks_filter(html, autoescape=True)
