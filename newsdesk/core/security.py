"""Security headers that Django's own middleware leaves out, the admin's own policy, and the
same headers on answers given before the middleware runs.

Django sets X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy
(SecurityMiddleware), X-Frame-Options (XFrameOptionsMiddleware) and the public site's
Content-Security-Policy from settings.SECURE_CSP (ContentSecurityPolicyMiddleware). This adds
Permissions-Policy and swaps the CSP on the admin's pages: Wagtail's admin runs inline
scripts and frames its own previews, so it gets settings.ADMIN_CSP, which leaves scripts and
styles alone. The public policy has no nonces, so a cached page is the same for everyone.

The headers are set before the page cache and Varnish store a response, so hits carry them.
Answers given before the middleware runs (/healthz in the WSGI wrapper, /readyz in the first
middleware, the last-resort 500) get them from `secured`, which runs the same middleware's
response half on them.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware

from newsdesk.core.middleware import PRIVATE_PREFIXES


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY
        self.admin_csp = settings.ADMIN_CSP

    def __call__(self, request):
        return self.process_response(request, self.get_response(request))

    def process_response(self, request, response):
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if request.path.startswith(PRIVATE_PREFIXES) and not hasattr(response, "_csp_config"):
            # Read by ContentSecurityPolicyMiddleware, which runs after this on the way out.
            response._csp_config = self.admin_csp
        return response


# The middleware that adds headers, innermost first: the order of settings.MIDDLEWARE on the
# way out. Only their response half runs here, so nothing redirects or checks the host.
HEADER_MIDDLEWARE = (
    SecurityHeadersMiddleware,
    ContentSecurityPolicyMiddleware,
    XFrameOptionsMiddleware,
    SecurityMiddleware,
)


def not_called(request):
    raise AssertionError("only the response half of the header middleware runs here")


def secured(request, response):
    """`response` with the headers the middleware above would have added to it."""
    for middleware in HEADER_MIDDLEWARE:
        response = middleware(not_called).process_response(request, response)
    return response


def secured_headers(environ, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For a WSGI answer given before Django runs: `headers` and the security headers."""
    response = HttpResponse(headers=headers)
    return list(secured(WSGIRequest(environ), response).items())
