from django import template
from django.urls import reverse

from newsdesk.analytics.services import most_read_lists

register = template.Library()


@register.inclusion_tag("analytics/most_read.html")
def most_read_box(limit: int = 5) -> dict:
    """The most read stories of the last 24 hours, with the week's list folded beneath."""
    return most_read_lists(limit=limit)


@register.simple_tag(takes_context=True)
def view_beacon_url(context, article) -> str:
    """Where the page reports a read; nothing for previews, which are not reads."""
    request = context.get("request")
    if not article.pk or getattr(request, "is_preview", False):
        return ""
    return reverse("analytics:count", args=[article.pk])
