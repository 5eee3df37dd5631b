"""Two-step sign-in: the code after the password, and setting it up from the account page.

After a right password, a user with a device is not signed in: the session holds who passed
the password (for five minutes) and the code page finishes the sign-in. A wrong code is a
failed sign-in to django-axes, so passwords and codes share one lockout per account and
network (newsdesk/users/throttling.py).
"""

import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.admin.views import account
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import twofactor
from .forms import AppCodeForm, CodeForm
from .models import User

PENDING = "newsdesk_2fa_pending"
PENDING_SECONDS = 300
WRONG_CODE = (
    "That code is not right: check that it is the current one for Newsdesk in your app "
    "(codes change every 30 seconds), or use a backup code."
)


class LoginView(account.LoginView):
    """Wagtail's sign-in, stopping after the password for users with two-step sign-in."""

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_two_factor(user):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "remember": bool(form.cleaned_data.get("remember")),
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("users:login_code")


def lockout(request, *, user: User):
    """Axes's lockout answer when the account or the network is locked out, else None."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    return None


def check_code(request, *, user: User, code: str) -> Device | None:
    """The device that accepts the code; a wrong code counts as a failed sign-in."""
    device = twofactor.verify_code(user=user, code=code)
    if device is None:
        # Axes records it and, at the limit, its middleware answers with the lockout.
        credentials = {"username": user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return device


def used_backup_code(request, device) -> None:
    if isinstance(device, StaticDevice):
        left = twofactor.backup_codes_left(device.user)
        messages.warning(
            request,
            f"You signed in with a backup code; {left} left. Make new ones from your account "
            "settings before they run out.",
        )


class LoginCodeView(FormView):
    """The second step: the code from the app, or a backup code."""

    form_class = CodeForm
    template_name = "users/admin/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        pending = request.session.get(PENDING)
        self.user = None
        if pending and time.time() - pending["at"] < PENDING_SECONDS:
            self.user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if self.user is None:
            request.session.pop(PENDING, None)
            if pending:
                messages.info(request, "That took too long: sign in again.")
            return redirect("wagtailadmin_login")
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        locked = lockout(request, user=self.user)
        if locked:
            request.session.pop(PENDING, None)
            return locked
        device = check_code(request, user=self.user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error(None, WRONG_CODE)
            return self.form_invalid(form)
        del request.session[PENDING]
        auth.login(request, self.user, backend=self.pending["backend"])
        django_otp.login(request, device)
        # As Wagtail's sign-in does with "Remember me".
        request.session.set_expiry(settings.SESSION_COOKIE_AGE if self.pending["remember"] else 0)
        used_backup_code(request, device)
        return redirect(self.pending["next"])


login_code = never_cache(sensitive_post_parameters()(LoginCodeView.as_view()))


# Setting it up, from the account page -------------------------------------------------


class TwoFactorMixin(WagtailAdminTemplateMixin):
    header_icon = "key"
    without_it = None  # where to send a user without two-step sign-in, if not here

    def dispatch(self, request, *args, **kwargs):
        if self.without_it and not twofactor.has_two_factor(request.user):
            return redirect(self.without_it)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_account"), "label": "Account"},
            {"url": "", "label": self.get_page_title()},
        ]


class EnrolView(TwoFactorMixin, FormView):
    """Add an authenticator app: scan the QR code or type the secret, then confirm a code."""

    form_class = AppCodeForm
    template_name = "users/admin/two_factor_enrol.html"
    page_title = "Set up two-step sign-in"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.device = twofactor.start_enrolment(user=request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            qr_code=twofactor.qr_svg(self.device),
            secret=twofactor.secret_text(self.device),
            otpauth_url=self.device.config_url,
            replacing=twofactor.app_device(self.request.user, confirmed=True) is not None,
            required=twofactor.must_enrol(self.request.user),
            action_url=reverse("users_two_factor_enrol"),
            submit_button_label="Turn on two-step sign-in",
            submit_button_active_label="Checking…",
            **kwargs,
        )

    def form_valid(self, form):
        codes = twofactor.confirm_enrolment(device=self.device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code",
                "That code does not match: add the secret above to your app, then type the "
                "code it shows now (check the phone's clock is set automatically).",
            )
            return self.form_invalid(form)
        django_otp.login(self.request, self.device)
        messages.success(
            self.request,
            "Two-step sign-in is on: Newsdesk will ask for a code after your password.",
        )
        view = BackupCodesView()
        view.setup(self.request)
        return view.render_to_response(view.get_context_data(codes=codes))


class BackupCodesView(TwoFactorMixin, TemplateView):
    """How many backup codes are left; new ones on request (the old ones stop working)."""

    template_name = "users/admin/two_factor_backup_codes.html"
    page_title = "Backup codes"
    without_it = "users_two_factor_enrol"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            left=twofactor.backup_codes_left(self.request.user),
            action_url=reverse("users_two_factor_backup_codes"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        codes = twofactor.new_backup_codes(user=request.user)
        return self.render_to_response(self.get_context_data(codes=codes))


class TurnOffView(TwoFactorMixin, FormView):
    """Remove the app and the backup codes, after a code from either."""

    form_class = CodeForm
    template_name = "users/admin/two_factor_turn_off.html"
    page_title = "Turn off two-step sign-in"
    without_it = "wagtailadmin_account"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            required=settings.NEWSDESK_REQUIRE_2FA,
            action_url=reverse("users_two_factor_turn_off"),
            submit_button_label="Turn off",
            submit_button_active_label="Checking…",
            **kwargs,
        )

    def form_valid(self, form):
        user = self.request.user
        locked = lockout(self.request, user=user)
        if locked:
            return locked
        if check_code(self.request, user=user, code=form.cleaned_data["code"]) is None:
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        twofactor.turn_off(user=user)
        messages.success(self.request, "Two-step sign-in is off: signing in needs your password.")
        return redirect("wagtailadmin_account")
