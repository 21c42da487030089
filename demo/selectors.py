"""Reads of the demo data: whether it is loaded, and the demo users' credentials."""

from __future__ import annotations

from core.models import Role, User
from demo.accounts import DEMO_PASSWORD, DEMO_USERS, EXTRA_OFFICERS


def demo_is_seeded() -> bool:
    """True once every demo user exists (then ``seed_demo --skip-if-seeded`` does nothing)."""
    emails = [email for email, *_rest in DEMO_USERS]
    return User.objects.filter(email__in=emails).count() == len(emails)


def demo_credentials() -> list[tuple[str, str, str, str]]:
    """(e-mail, password, role, what to try) of each demo user, for the command's table."""
    return [
        (email, DEMO_PASSWORD, str(role.label), note) for email, role, _name, note in DEMO_USERS
    ] + [
        (
            f"officer1..{len(EXTRA_OFFICERS)}@demo.test",
            DEMO_PASSWORD,
            str(Role.OFFICER.label),
            "more officers, so workloads spread",
        )
    ]
