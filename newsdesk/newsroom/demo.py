"""One demo account per newsroom role, for trying the review workflow on the demo magazine."""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .roles import BY_KEY

DEMO_PASSWORD = "newsdesk-demo"  # noqa: S105 - printed to the person running the local demo

# (username, role key, first name, last name); the people are fictional.
DEMO_PEOPLE = [
    ("contributor", "contributor", "Tomas", "Brenner"),
    ("writer", "writer", "Ines", "Varga"),
    ("editor", "editor", "Ruth", "Okonkwo-Hale"),
    ("managing", "managing", "Daniel", "Asante"),
    ("moderator", "moderator", "Mei", "Lindqvist"),
]


class DemoAccount(NamedTuple):
    username: str
    password: str
    role: str  # the group's name, e.g. "Editors"


@transaction.atomic
def create_demo_users() -> list[DemoAccount]:
    """Create (or keep) one user per role, in that role's group; returns their credentials.

    Idempotent: existing accounts keep their password and details and are only put back in
    their group. The groups themselves come from the newsroom migration.
    """
    User = get_user_model()
    accounts = []
    for username, key, first_name, last_name in DEMO_PEOPLE:
        role = BY_KEY[key]
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@newsdesk.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.group))
        accounts.append(DemoAccount(username, DEMO_PASSWORD, role.group))
    return accounts
