from django import template

from newsdesk.ratings.models import MAX_STARS, MIN_STARS
from newsdesk.ratings.services import InvalidRating, clean_stars, rating_summary

register = template.Library()


@register.inclusion_tag("ratings/widget.html", takes_context=True)
def rating_widget(context, article):
    """The article's average and count, and five buttons to rate it. The same for every reader
    (the page is cached); only `?rated=N`, where the rating POST sends readers, adds thanks."""
    request = context.get("request")
    average, count = rating_summary(article=article)
    try:
        rated = clean_stars(request.GET.get("rated")) if request is not None else None
    except InvalidRating:
        rated = None
    return {
        "article": article,
        "average": average,
        "count": count,
        "rated": rated,
        "choices": range(MIN_STARS, MAX_STARS + 1),
        "max_stars": MAX_STARS,
    }
