"""The yearly confirmation of the security profile: one rule (traders.selectors) for the
member's page and the reminder sweep. Due 12 months after the latest of the certification,
the last renewal and the last confirmation, for a company with an active membership."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import Role
from tests.factories import UserFactory, make_membership
from traders import services
from traders.models import Membership, SecurityProfile
from traders.selectors import (
    profile_confirmation_anchors,
    profile_confirmation_due_on,
    profile_confirmation_for,
)

pytestmark = pytest.mark.django_db

CERTIFIED = dt.date(2026, 3, 2)


def _at(day: dt.date) -> time_machine.travel:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("America/Toronto"))
    return time_machine.travel(noon, tick=False)


def _member(company=None, *, on: dt.date = CERTIFIED, programme: str = "PIP") -> Membership:
    with _at(on):
        return make_membership(company=company, programme=programme)


def test_due_twelve_months_after_the_anchor_and_29_february():
    assert profile_confirmation_due_on(dt.date(2026, 3, 2)) == dt.date(2027, 3, 2)
    assert profile_confirmation_due_on(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_the_latest_of_certification_renewal_and_confirmation(settings):
    membership = _member()
    company_id = membership.company_id
    with _at(CERTIFIED + dt.timedelta(days=10)):
        status = profile_confirmation_for(company_id=company_id)
    assert status == {"last": None, "due": dt.date(2027, 3, 2), "overdue": False}
    with _at(dt.date(2027, 3, 3)):
        assert profile_confirmation_for(company_id=company_id)["overdue"] is True

    # A confirmation later than the certification moves the due date.
    profile = SecurityProfile.objects.get(application__pk=membership.application_id)
    with _at(dt.date(2026, 11, 20)):
        services.profile_confirm(profile=profile, actor=membership.company.user_links.get().user)
    status = profile_confirmation_for(company_id=company_id)
    assert status["last"] == dt.date(2026, 11, 20) and status["due"] == dt.date(2027, 11, 20)

    # A renewal later still moves it again; an older confirmation no longer counts.
    Membership.objects.filter(pk=membership.pk).update(last_renewed_on=dt.date(2027, 1, 15))
    status = profile_confirmation_for(company_id=company_id)
    assert status["last"] == dt.date(2026, 11, 20) and status["due"] == dt.date(2028, 1, 15)

    # The months come from the settings.
    settings.PROFILE_CONFIRMATION_DUE_MONTHS = 6
    assert profile_confirmation_for(company_id=company_id)["due"] == dt.date(2027, 7, 15)


def test_only_active_memberships_count(company):
    older = _member(company, on=CERTIFIED)
    newer = _member(company, on=CERTIFIED + dt.timedelta(days=40), programme="CSA")
    assert profile_confirmation_for(company_id=company.pk)["due"] == dt.date(2027, 4, 11)
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    services.membership_suspend(membership=newer, actor=manager, reason="Audit.")
    assert profile_confirmation_for(company_id=company.pk)["due"] == dt.date(2027, 3, 2)
    services.membership_suspend(membership=older, actor=manager, reason="Audit.")
    assert profile_confirmation_for(company_id=company.pk) is None


def test_the_anchors_of_every_member_in_one_query(django_assert_num_queries):
    members = [_member(on=CERTIFIED + dt.timedelta(days=n)) for n in range(3)]
    with django_assert_num_queries(1):
        rows = {
            row["company_id"]: row
            for row in profile_confirmation_anchors().filter(
                anchor__gte=CERTIFIED, anchor__lte=CERTIFIED + dt.timedelta(days=1)
            )
        }
    assert set(rows) == {members[0].company_id, members[1].company_id}
    assert rows[members[1].company_id]["anchor"] == CERTIFIED + dt.timedelta(days=1)


def test_the_members_page_and_the_sweep_agree(client, django_capture_on_commit_callbacks):
    """The date the member's page shows is the date of the sweep's reminder."""
    from notifications.models import Reminder, ReminderKind
    from revalidation.sweeps import daily_sweep

    membership = _member()
    with _at(dt.date(2026, 12, 1)):
        profile = SecurityProfile.objects.get(application__pk=membership.application_id)
        trader = membership.company.user_links.get().user
        services.profile_confirm(profile=profile, actor=trader)
    Membership.objects.filter(pk=membership.pk).update(last_renewed_on=dt.date(2026, 12, 20))
    due = dt.date(2027, 12, 20)
    with _at(due - dt.timedelta(days=20)):
        client.force_login(trader)  # a session of that day
        html = client.get(f"/en/portal/memberships/{membership.pk}/").content.decode()
        with django_capture_on_commit_callbacks(execute=False):
            daily_sweep(only=["profile_confirmation"])
    assert due.isoformat() in html and "2026-12-01" in html
    reminder = Reminder.objects.get(kind=ReminderKind.PROFILE_CONFIRMATION_DUE)
    assert reminder.due_on == due


def test_the_members_page_hides_the_confirmation_without_an_active_membership(client):
    membership = _member()
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    client.force_login(membership.company.user_links.get().user)
    url = f"/en/portal/memberships/{membership.pk}/"
    assert "Yearly confirmation of the security profile" in client.get(url).content.decode()
    services.membership_suspend(membership=membership, actor=manager, reason="Audit.")
    assert "Yearly confirmation of the security profile" not in client.get(url).content.decode()
