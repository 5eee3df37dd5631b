"""The admin login refuses an account, or a network, for 15 minutes after 5 failures."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # noqa: S105


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk-chief", "chief@example.com", PASSWORD)


def log_in(client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def fail(client, username: str, times: int = 5, ip: str = "203.0.113.7") -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong password", ip)
        assert response.status_code in (200, 429) and not logged_in(response)


def test_five_wrong_passwords_then_the_right_one_is_refused(client, editor):
    fail(client, "desk-chief", times=4)
    fail(client, "desk-chief", times=1)
    response = log_in(client, "desk-chief", PASSWORD, ip="198.51.100.9")  # another network too
    assert response.status_code == 429 and not logged_in(response)


def test_four_failures_do_not_lock_and_success_starts_again(client, editor):
    fail(client, "desk-chief", times=4)
    assert logged_in(log_in(client, "desk-chief", PASSWORD))


def test_another_account_from_the_same_network_is_refused(client, editor):
    for index in range(5):  # different accounts, different addresses of one /24
        fail(client, f"guess{index}", times=1, ip=f"203.0.113.{index + 10}")
    assert log_in(client, "desk-chief", PASSWORD, ip="203.0.113.200").status_code == 429
    assert logged_in(log_in(client, "desk-chief", PASSWORD, ip="198.51.100.9"))


def test_unknown_and_known_accounts_get_the_same_answers(client, editor):
    def answers(username: str, ip: str) -> list[tuple[int, list[str]]]:
        seen = []
        for _ in range(6):
            response = log_in(client, username, "wrong password", ip)
            errors = response.context["form"].non_field_errors() if response.context else []
            seen.append((response.status_code, list(errors)))
        return seen

    known, unknown = answers("desk-chief", "192.0.2.1"), answers("nobody", "198.51.100.1")
    assert known == unknown
    # The fifth failure locks the account out and is answered as such.
    assert [status for status, _ in known] == [200] * 4 + [429] * 2
    assert known[0][1], "a failed login names the error"


def test_the_lockout_ends_after_15_minutes(client, editor):
    fail(client, "desk-chief")
    assert log_in(client, "desk-chief", PASSWORD).status_code == 429
    # Move the failures back in time instead of waiting.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=15, seconds=1)
        attempt.save(update_fields=["attempt_time"])
    assert logged_in(log_in(client, "desk-chief", PASSWORD))


def test_staff_passwords_need_twelve_characters(editor):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user=editor)
    validate_password("a long passphrase of words", user=editor)
