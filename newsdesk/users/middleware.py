"""Two-step sign-in in the admin (Wagtail's and Django's), after django-otp's OTPMiddleware.

- A user with two-step sign-in must have passed it in this session: a session signed in some
  other way (Django admin's own login, or from before the app was added) is signed out and
  sent to sign in again.
- With NEWSDESK_REQUIRE_2FA, staff without it are sent to set it up before anything else.

Other paths pass straight through, so public pages never read the session here.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from newsdesk.core.middleware import PRIVATE_PREFIXES

from . import twofactor

# Reachable part-way through signing in: signing in and out, and what their pages load.
SIGNING_IN = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "users:login",
    "users:login_code",
    "admin:login",
    "admin:logout",
}
ENROLLING = SIGNING_IN | {"users_two_factor_enrol"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The admins' fixed prefixes, as the cache middleware knows them: reversing them
        # failed under a URLconf without the admin (and cost a lookup per request).
        if request.path_info.startswith(PRIVATE_PREFIXES):
            refused = self.check(request)
            if refused:
                return refused
        return self.get_response(request)

    def check(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        view = self.view_name(request)
        if view in SIGNING_IN:
            return None
        if twofactor.has_two_factor(user):
            logout(request)
            messages.info(request, "Sign in again with your password and a code from your app.")
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if view not in ENROLLING and twofactor.must_enrol(user):
            messages.warning(
                request, "Newsdesk requires two-step sign-in for staff: set it up to go on."
            )
            return redirect("users_two_factor_enrol")
        return None

    @staticmethod
    def view_name(request) -> str | None:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None
