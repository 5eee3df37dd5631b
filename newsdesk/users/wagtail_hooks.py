"""Two-step sign-in on the admin's account page, and its own admin pages."""

from django import forms
from django.conf import settings
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.views.account import BaseSettingsPanel

from . import twofactor, views


class TwoFactorPanel(BaseSettingsPanel):
    """Whether two-step sign-in is on, with links to set it up, renew backup codes or turn it
    off (separate pages: the account page is one form, and these need their own)."""

    name = "two_factor"
    title = "Two-step sign-in"
    order = 600  # after the password
    template_name = "users/admin/two_factor_panel.html"

    def get_form(self):
        return forms.Form(prefix=self.name)  # nothing to save with the account form

    def get_context_data(self):
        on = twofactor.has_two_factor(self.user)
        return {
            "on": on,
            "backup_codes_left": twofactor.backup_codes_left(self.user) if on else 0,
            "required": settings.NEWSDESK_REQUIRE_2FA,
        }


@hooks.register("register_account_settings_panel")
def two_factor_panel(request, user, profile):
    return TwoFactorPanel(request, user, profile)


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        # never_cache: these pages show the secret and the backup codes.
        path(
            "account/two-step/",
            never_cache(views.EnrolView.as_view()),
            name="users_two_factor_enrol",
        ),
        path(
            "account/two-step/backup-codes/",
            never_cache(views.BackupCodesView.as_view()),
            name="users_two_factor_backup_codes",
        ),
        path(
            "account/two-step/turn-off/",
            views.TurnOffView.as_view(),
            name="users_two_factor_turn_off",
        ),
    ]
