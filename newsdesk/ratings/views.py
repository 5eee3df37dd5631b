"""Rating an article. The form lives on cached public pages; this view answers its POST and is
the only place the reader cookie is ever set (on the /ratings/ path, so pages never see it)."""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsdesk.articles.models import ArticlePage
from newsdesk.core.readers import browser_hash, same_origin

from .services import InvalidRating, clean_stars, rate_article, rating_summary

READER_COOKIE = "newsdesk_reader"
READER_COOKIE_SALT = "newsdesk.ratings.reader"
READER_COOKIE_AGE = 365 * 24 * 60 * 60
CROSS_SITE_MESSAGE = (
    "Your rating did not come from this site’s rating buttons, so it was not saved. "
    "Please rate the article from its page."
)


def reader_key(request) -> str:
    """The key this reader rated with before (from the signed cookie), else a browser hash."""
    key = request.get_signed_cookie(
        READER_COOKIE, default="", salt=READER_COOKIE_SALT, max_age=READER_COOKIE_AGE
    )
    if key and len(key) <= 64:
        return key
    return browser_hash(request)


def wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _problem(request, article, message: str, status: int):
    if wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        response = render(
            request,
            "ratings/problem.html",
            {"article": article, "page": article, "message": message},
            status=status,
        )
    add_never_cache_headers(response)
    return response


@csrf_exempt  # cached public pages carry no CSRF cookie: the origin check stands in for it
@require_POST
def rate(request, article_id: int):
    article = get_object_or_404(ArticlePage.objects.published(), pk=article_id)
    if not same_origin(request):
        return _problem(request, article, CROSS_SITE_MESSAGE, 403)
    key = reader_key(request)
    try:
        stars = clean_stars(request.POST.get("stars"))
        rating = rate_article(article=article, reader_key=key, stars=stars)
    except InvalidRating as error:
        return _problem(request, article, str(error), 400)

    if wants_json(request):
        average, count = rating_summary(article=article)
        response = JsonResponse({"stars": rating.stars, "average": average, "count": count})
    else:
        response = HttpResponseRedirect(f"{article.url}?rated={rating.stars}#rating")
        response.status_code = 303  # See Other: the browser GETs the article again
    response.set_signed_cookie(
        READER_COOKIE,
        key,
        salt=READER_COOKIE_SALT,
        max_age=READER_COOKIE_AGE,
        path=reverse("ratings:rate", args=[article.pk]).removesuffix(f"{article.pk}/"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    add_never_cache_headers(response)
    return response
