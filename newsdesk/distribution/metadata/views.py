"""The social card view: /cards/<page id>-<digest>.png."""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from .cards import card_for_page_id, stored_png

A_YEAR = 365 * 24 * 3600


@require_safe
def social_card(request, page_id: int, digest: str):
    """The card of a published page, while `digest` matches what the card shows now.

    A digest from an older headline is a 404, like an unpublished page: the URL names one
    picture forever, which is what makes the year-long, immutable caching safe.
    """
    card = card_for_page_id(page_id, Site.find_for_request(request))
    if card is None or card.digest != digest:
        raise Http404("No such card.")
    response = HttpResponse(stored_png(card), content_type="image/png")
    patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
    return response
