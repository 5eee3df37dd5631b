from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from newsdesk.caching.templatetags.fragments import kept_html
from newsdesk.ratings.models import MAX_STARS, MIN_STARS
from newsdesk.ratings.services import InvalidRating, clean_stars, rating_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_widget(context, article):
    """The article's average and count, and five buttons to rate it. The same for every reader
    (the page is cached); only `?rated=N`, where the rating POST sends readers, adds thanks.

    Kept as HTML as long as the page itself may be kept, so the average may lag a page-cache
    lifetime behind, as a cached page's does; a reader just back from rating (`?rated=N`)
    gets a summary read now, their own rating counted."""
    request = context.get("request")
    try:
        rated = clean_stars(request.GET.get("rated")) if request is not None else None
    except InvalidRating:
        rated = None

    def build() -> str:
        average, count = rating_summary(article=article)
        widget = {
            "article": article,
            "average": average,
            "count": count,
            "rated": rated,
            "choices": range(MIN_STARS, MAX_STARS + 1),
            "max_stars": MAX_STARS,
        }
        return render_to_string("ratings/widget.html", widget)

    if rated is None:
        return kept_html(context, "rating", [article.pk], build)
    return mark_safe(build())  # noqa: S308 - rendered by the template engine, escaped there
