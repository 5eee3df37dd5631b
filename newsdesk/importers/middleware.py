"""Old WordPress links by id (`/?p=123`, `/?page_id=45`) reach their imported articles.

Wagtail's redirects only answer 404s, and these old links land on the home page, which
answers them itself; so a request carrying such an id is looked up in the redirects first.
Only requests with those query parameters pay the lookup.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

WORDPRESS_IDS = ("p", "page_id")


class WordPressIdRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and any(
            request.GET.get(name, "").isdigit() for name in WORDPRESS_IDS
        ):
            path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link:
                if redirect.is_permanent:
                    return HttpResponsePermanentRedirect(redirect.link)
                return HttpResponseRedirect(redirect.link)
        return self.get_response(request)
