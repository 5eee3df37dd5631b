"""Security headers that Django's own middleware leaves out, and the admin's own policy.

Django sets X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy
(SecurityMiddleware), X-Frame-Options (XFrameOptionsMiddleware) and the public site's
Content-Security-Policy from settings.SECURE_CSP (ContentSecurityPolicyMiddleware). This adds
Permissions-Policy and swaps the CSP on the admin's pages: Wagtail's admin runs inline
scripts and frames its own previews, so it gets settings.ADMIN_CSP, which leaves scripts and
styles alone. The public policy has no nonces, so a cached page is the same for everyone.

The headers are set before the page cache and Varnish store a response, so hits carry them.
"""

from django.conf import settings

from newsdesk.core.middleware import PRIVATE_PREFIXES


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY
        self.admin_csp = settings.ADMIN_CSP

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if request.path.startswith(PRIVATE_PREFIXES) and not hasattr(response, "_csp_config"):
            # Read by ContentSecurityPolicyMiddleware, which runs after this on the way out.
            response._csp_config = self.admin_csp
        return response
