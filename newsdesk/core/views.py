from django.http import HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may be the database, which context processors need.
    return HttpResponseServerError(loader.render_to_string("500.html"))


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers and crawlers that ask for /favicon.ico without reading the page's
    `<link rel="icon">` get the hashed, immutably cached static file."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))
