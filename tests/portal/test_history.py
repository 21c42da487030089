"""The timelines of the trader's pages: events shown in agency time (Ottawa), and a
membership's history, the yearly confirmation of its profile included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.audit import audit_record
from core.dates import agency_today
from tests.factories import make_application, make_membership, trader_of
from traders.models import Application, SecurityProfile

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def _html(response) -> str:
    return response.content.decode()


def _timeline(html: str) -> str:
    """The last timeline of the page (its history)."""
    return html.rsplit('<ol class="pt-timeline">', 1)[1].split("</ol>", 1)[0]


def test_an_event_at_noon_in_ottawa_shows_at_noon(client, company):
    with time_machine.travel(dt.datetime(2026, 3, 10, 8, 0, tzinfo=TORONTO), tick=False):
        app = make_application(state=Application.State.DRAFT, company=company)
    noon = dt.datetime(2026, 3, 10, 12, 0, tzinfo=TORONTO)  # 16:00 UTC
    evening = dt.datetime(2026, 3, 10, 21, 30, tzinfo=TORONTO)  # 01:30 UTC the next day
    with time_machine.travel(noon, tick=False):
        audit_record(actor=None, obj=app, action="note", note="At noon.")
    with time_machine.travel(evening, tick=False):
        audit_record(actor=None, obj=app, action="note", note="In the evening.")
    client.force_login(trader_of(company))
    timeline = _timeline(_html(client.get(f"/en/portal/applications/{app.pk}/")))
    assert "2026-03-10 12:00" in timeline and "16:00" not in timeline
    assert "2026-03-10 21:30" in timeline and "2026-03-11" not in timeline


def test_the_yearly_confirmation_shows_in_the_membership_history(client, company, other_company):
    membership = make_membership(company=company)
    theirs = make_membership(company=other_company)
    # Another company's confirmation is not part of this membership's history.
    their_profile = SecurityProfile.objects.get(application__pk=theirs.application_id)
    audit_record(actor=trader_of(other_company), obj=their_profile, action="confirm_profile")
    trader = trader_of(company)
    client.force_login(trader)
    url = f"/en/portal/memberships/{membership.pk}/"
    before = _timeline(_html(client.get(url)))
    assert "Active" in before  # the certification
    assert "confirmed as still accurate" not in before
    at = dt.datetime.combine(agency_today(), dt.time(9, 15), tzinfo=TORONTO)
    with time_machine.travel(at, tick=False):
        client.post(f"/en/portal/memberships/{membership.pk}/confirm-profile/")
    timeline = _timeline(_html(client.get(url)))
    assert timeline.count("Security profile confirmed as still accurate") == 1
    assert f"{agency_today():%Y-%m-%d} 09:15" in timeline
    assert str(trader) in timeline
