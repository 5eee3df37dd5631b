import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_control

RETRY_AFTER = 30  # seconds: about what a PostgreSQL restart or failover takes


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may be the database, which context processors need.
    if database_unavailable(sys.exception()):
        return service_unavailable(request)
    return HttpResponseServerError(loader.render_to_string("500.html"))


def database_unavailable(exception: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (here or in a cause)."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def service_unavailable(request) -> HttpResponse:
    """The branded 503: try again shortly, and whoever was sending something is told so.

    Never stored by a shared cache or the page cache, so readers get the page back as soon as
    the database does.
    """
    sending = request is not None and request.method not in ("GET", "HEAD", "OPTIONS")
    response = HttpResponse(loader.render_to_string("503.html", {"sending": sending}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers and crawlers that ask for /favicon.ico without reading the page's
    `<link rel="icon">` get the hashed, immutably cached static file."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))
