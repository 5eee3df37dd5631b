"""Two-step sign-in to the admin: set up from the account page, then a code after the
password; wrong and missing codes refused and counted toward the lockout; required of all
staff with NEWSDESK_REQUIRE_2FA."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsdesk.users import twofactor
from newsdesk.users.views import PENDING, WRONG_CODE

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # noqa: S105
ADMIN_HOME = "/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk-chief", "chief@example.com", PASSWORD)


@pytest.fixture
def app(editor) -> TOTPDevice:
    """The editor's authenticator app, already set up."""
    device = twofactor.start_enrolment(user=editor)
    device.confirmed = True
    device.save()
    return device


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the app shows now (or that many 30-second steps later), from the device's key."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, steps_ahead=ahead) for ahead in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


def sign_in(client: Client, password: str = PASSWORD, ip: str = "203.0.113.7"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": "desk-chief", "password": password, "next": ADMIN_HOME},
        REMOTE_ADDR=ip,
    )


def send_code(client: Client, code: str, ip: str = "203.0.113.7"):
    return client.post(reverse("users:login_code"), {"code": code}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def admin_home(client: Client):
    return client.get(ADMIN_HOME)


def test_password_then_code_signs_in(client, app):
    response = sign_in(client)
    assert response.status_code == 302 and response.url == reverse("users:login_code")
    assert not signed_in(client), "the password alone signs nobody in"
    assert admin_home(client).status_code == 302

    page = client.get(reverse("users:login_code"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="code"' in html and 'autocomplete="one-time-code"' in html
    assert f'formaction="{reverse("users:login_code")}"' in html
    assert "Enter your code" in html

    response = send_code(client, code_for(app))
    assert response.status_code == 302 and response.url == ADMIN_HOME
    assert signed_in(client) and PENDING not in client.session
    assert admin_home(client).status_code == 200


def test_a_wrong_code_is_refused_with_the_reason(client, app):
    sign_in(client)
    response = send_code(client, wrong_code(app))
    assert response.status_code == 200 and not signed_in(client)
    assert WRONG_CODE in response.content.decode()
    assert admin_home(client).status_code == 302


def test_no_code_is_refused(client, app):
    sign_in(client)
    for code in ("", "   "):
        response = send_code(client, code)
        assert response.status_code == 200 and not signed_in(client)
        assert response.context["form"].errors["code"] == ["This field is required."]


def test_wrong_codes_count_toward_the_lockout_with_wrong_passwords(client, app):
    for _ in range(2):
        assert sign_in(client, "wrong password").status_code == 200
    sign_in(client)
    for _ in range(2):
        assert send_code(client, wrong_code(app)).status_code == 200
    # The fifth failure, a code, locks the account out ...
    assert send_code(client, wrong_code(app)).status_code == 429
    # ... so the right code no longer helps, nor the password from another network.
    assert send_code(client, code_for(app)).status_code == 429
    assert not signed_in(client)
    assert sign_in(Client(), ip="198.51.100.9").status_code == 429


def test_the_code_step_needs_the_password_first(client, app):
    response = send_code(client, code_for(app))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_login")
    assert not signed_in(client)


def test_without_a_device_the_password_is_enough(client, editor):
    response = sign_in(client)
    assert response.status_code == 302 and response.url == ADMIN_HOME
    assert signed_in(client)
    assert admin_home(client).status_code == 200


def test_set_up_from_the_account_page_then_sign_in_with_a_code(client, editor):
    client.force_login(editor)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Two-step sign-in" in account and reverse("users_two_factor_enrol") in account

    page = client.get(reverse("users_two_factor_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert "<svg" in html and 'name="code"' in html
    assert twofactor.secret_text(device) in html
    assert "otpauth://totp/Newsdesk%3Adesk-chief?secret=" in html
    # Reloading keeps the secret the app may already hold.
    client.get(reverse("users_two_factor_enrol"))
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    refused = client.post(reverse("users_two_factor_enrol"), {"code": wrong_code(device)})
    assert refused.status_code == 200 and "does not match" in refused.content.decode()
    assert not twofactor.has_two_factor(editor)

    done = client.post(reverse("users_two_factor_enrol"), {"code": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert twofactor.has_two_factor(editor)
    assert admin_home(client).status_code == 200, "this session passed with the code"

    fresh = Client()
    assert sign_in(fresh).url == reverse("users:login_code")
    # The code just used cannot be used again: the app's next one signs in.
    assert send_code(fresh, code_for(device)).status_code == 200
    assert send_code(fresh, code_for(device, steps_ahead=1)).status_code == 302
    assert admin_home(fresh).status_code == 200


def test_a_backup_code_signs_in_once(client, app, editor):
    code = twofactor.new_backup_codes(user=app.user)[0]
    sign_in(client)
    response = send_code(client, code.upper())
    assert response.status_code == 302 and signed_in(client)
    assert "9 left" in admin_home(client).content.decode()

    again = Client()
    sign_in(again)
    assert send_code(again, code).status_code == 200 and not signed_in(again)
    assert StaticToken.objects.filter(device__user=editor).count() == 9


@override_settings(NEWSDESK_REQUIRE_2FA=True)
def test_when_required_staff_without_a_device_are_sent_to_set_it_up(client, editor):
    assert sign_in(client).status_code == 302 and signed_in(client)
    response = admin_home(client)
    assert response.status_code == 302 and response.url == reverse("users_two_factor_enrol")
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 302
    page = client.get(reverse("users_two_factor_enrol"))
    assert page.status_code == 200 and "requires two-step sign-in" in page.content.decode()

    device = TOTPDevice.objects.get(user=editor)
    client.post(reverse("users_two_factor_enrol"), {"code": code_for(device)})
    assert admin_home(client).status_code == 200


@override_settings(NEWSDESK_REQUIRE_2FA=True)
def test_when_required_a_user_with_a_device_signs_in_with_the_code(client, app):
    sign_in(client)
    assert send_code(client, code_for(app)).status_code == 302
    assert admin_home(client).status_code == 200


def test_a_session_without_the_code_is_signed_out(client, editor, app):
    """Signed in before the app was added, or through Django's admin login."""
    client.force_login(editor)
    response = admin_home(client)
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
    assert not signed_in(client)

    other = Client()
    other.post(reverse("admin:login"), {"username": "desk-chief", "password": PASSWORD})
    response = other.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
    assert not signed_in(other)


def test_backup_codes_renewed_and_two_step_turned_off(client, editor):
    client.force_login(editor)
    device = twofactor.start_enrolment(user=editor)
    client.post(reverse("users_two_factor_enrol"), {"code": code_for(device)})
    old = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))

    page = client.get(reverse("users_two_factor_backup_codes"))
    assert page.status_code == 200 and "10 backup codes left" in page.content.decode()
    new = client.post(reverse("users_two_factor_backup_codes")).context["codes"]
    assert len(new) == 10 and not old & set(new)

    form = client.get(reverse("users_two_factor_turn_off"))
    assert form.status_code == 200 and 'name="code"' in form.content.decode()
    refused = client.post(reverse("users_two_factor_turn_off"), {"code": wrong_code(device)})
    assert refused.status_code == 200 and twofactor.has_two_factor(editor)
    client.post(reverse("users_two_factor_turn_off"), {"code": new[0]})
    assert not twofactor.has_two_factor(editor)
    assert sign_in(Client()).url == ADMIN_HOME


def test_public_pages_stay_cookie_free(client, app):
    response = client.get("/")
    assert response.status_code == 200 and not response.cookies
    assert not re.search(r"csrfmiddlewaretoken|sessionid", response.content.decode())
