"""Marks public responses cacheable, so shared caches (Varnish, a CDN) can hold them."""

from django.conf import settings
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/admin/", "/django-admin/")


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.directives = getattr(
            settings,
            "PUBLIC_CACHE_CONTROL",
            {
                "public": True,
                "max_age": 60,
                "s_maxage": 300,
                "stale_while_revalidate": 60,
                "stale_if_error": 86400,
            },
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.is_public(request, response):
            patch_cache_control(response, **self.directives)
        return response

    def is_public(self, request, response) -> bool:
        # A response that set a cookie or read the session depends on who asked.
        return (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 301, 404, 410)
            and not request.path.startswith(PRIVATE_PREFIXES)
            and not response.cookies
            and "Cache-Control" not in response
            and "cookie" not in response.get("Vary", "").lower()
        )
