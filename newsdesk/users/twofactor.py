"""Optional two-step sign-in for the admin: an authenticator app's 6-digit code (TOTP) after
the password, with single-use backup codes for a lost phone (django-otp's TOTP and static
devices). Views and the middleware call these; nothing here reads the request.
"""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
TOTP_CODE = re.compile(r"\d{6}")


def normalise_code(code: str) -> str:
    """What the user typed, without the spaces and dashes apps and people put in codes."""
    return re.sub(r"[\s-]", "", code).lower()


def has_two_factor(user: User) -> bool:
    """Whether signing in as this user needs a code after the password."""
    return user_has_device(user, confirmed=True)


def is_staff(user: User) -> bool:
    """Staff, for two-step sign-in: whoever may use the Wagtail admin."""
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def must_enrol(user: User) -> bool:
    """Staff without a device, when the site requires two-step sign-in of all staff."""
    return settings.NEWSDESK_REQUIRE_2FA and is_staff(user) and not has_two_factor(user)


def app_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


@transaction.atomic
def start_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the user is adding to their app.

    Reloading the page keeps the same secret, so a code read from an app scanned earlier
    still confirms it.
    """
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// link as an inline SVG QR code: dark on white, readable in a dark theme."""
    code = segno.make(device.config_url, error="m")
    # Our own markup: segno draws paths from the URL's bits; the title is fixed text.
    return mark_safe(  # noqa: S308
        code.svg_inline(scale=5, dark="#000", light="#fff", title="QR code for your app")
    )


@transaction.atomic
def confirm_enrolment(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns fresh backup codes, or None when
    the code is wrong. Any device confirmed earlier is replaced."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(user=device.user)


@transaction.atomic
def new_backup_codes(*, user: User) -> list[str]:
    """Replace the user's backup codes with new ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def verify_code(*, user: User, code: str) -> Device | None:
    """The device that accepts this code: six digits are the app's, anything else a backup
    code (used up by this). None when no device accepts it."""
    code = normalise_code(code)
    kind = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if isinstance(device, kind) and device.verify_token(code):
            return device
    return None


@transaction.atomic
def turn_off(*, user: User) -> None:
    """Remove every device: the next sign-in asks for the password only."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
