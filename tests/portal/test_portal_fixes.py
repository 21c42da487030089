"""What the browser journeys found on the portal: times in agency time, the membership's
history, the company's incidents, the invitation's password errors, the date hints, and
reports started from a membership page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import audit_record
from core.dates import agency_today
from tests.factories import make_application, make_membership, trader_of
from tests.validations.factories import make_incident
from traders.models import Application, ChangeNotice, Membership, SecurityProfile
from validations.models import Incident
from validations.services import action_plan_issue

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def _html(response) -> str:
    return response.content.decode()


def _timeline(html: str) -> str:
    """The last timeline of the page (its history)."""
    return html.rsplit('<ol class="pt-timeline">', 1)[1].split("</ol>", 1)[0]


# --- 1. Times in agency time ---------------------------------------------------------------


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


# --- 2. The membership's history -----------------------------------------------------------


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


# --- 3. The company's incidents --------------------------------------------------------------


def test_reported_incidents_are_listed_for_the_acting_company(
    client, company, other_company, officer
):
    membership = make_membership(company=company)
    client.force_login(trader_of(company))
    client.post(
        "/en/portal/incidents/new/",
        {
            "occurred_on": (agency_today() - dt.timedelta(days=1)).isoformat(),
            "description": "A seal on trailer 42 was found broken at the Halifax gate.",
        },
    )
    incident = Incident.objects.get(company=company)
    make_incident(company=other_company, officer=officer)  # not theirs
    home = _html(client.get("/en/portal/"))
    assert "A seal on trailer 42 was found broken" in home
    assert "A trailer seal was found broken at the yard." not in home
    assert "Reported" in home
    # Company-wide, it also shows on each membership's page, with the plan issued after it.
    plan = action_plan_issue(
        company=company,
        actor=officer,
        source_incident=incident,
        items=[{"measure": "Rekey the gate.", "deadline": agency_today() + dt.timedelta(days=30)}],
    )
    page = _html(client.get(f"/en/portal/memberships/{membership.pk}/"))
    row = page.split("A seal on trailer 42", 1)[1].split("</tr>", 1)[0]
    assert f'href="/en/portal/action-plans/{plan.pk}/"' in row


def test_the_incident_list_costs_the_same_queries_however_many(client, company, officer):
    make_membership(company=company)
    client.force_login(trader_of(company))

    def add_incident_with_plan() -> None:
        incident = make_incident(company=company, officer=officer)
        action_plan_issue(
            company=company,
            actor=officer,
            source_incident=incident,
            items=[{"measure": "Fix it.", "deadline": agency_today() + dt.timedelta(days=30)}],
        )

    add_incident_with_plan()
    client.get("/en/portal/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        client.get("/en/portal/")
    for _ in range(3):
        add_incident_with_plan()
    with CaptureQueriesContext(connection) as four:
        html = _html(client.get("/en/portal/"))
    assert html.count("A trailer seal was found broken at the yard.") == 4
    assert len(four) == len(one)


# --- 4. The invitation's password errors -------------------------------------------------


def test_a_common_password_error_shows_under_the_new_password(
    client, company, django_capture_on_commit_callbacks
):
    client.force_login(trader_of(company))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/portal/company/invite/",
            {
                "full_name": "Sam Lee",
                "email": "sam.lee@example.test",
                "company_role": "contributor",
                "preferred_language": "en",
            },
        )
    client.logout()
    (link,) = re.findall(r"https?://\S+/en/portal/invitation/\S+/", mail.outbox[0].body)
    url = "/" + link.split("//", 1)[1].split("/", 1)[1]
    html = _html(client.post(url, {"new_password1": "password", "new_password2": "password"}))
    assert 'id="id_new_password1_error"' in html and "too common" in html
    assert 'id="id_new_password2_error"' not in html
    field = re.search(r'<input[^>]*name="new_password1"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert re.search(r'aria-describedby="[^"]*id_new_password1_error', field)
    # Two different passwords: that is said under the confirmation.
    html = _html(
        client.post(url, {"new_password1": "Harbour-gate-2026", "new_password2": "Harbour-gate"})
    )
    assert 'id="id_new_password2_error"' in html and 'id="id_new_password1_error"' not in html


# --- 5. The date hints ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", ["incidents", "changes"])
def test_date_fields_make_no_format_claim(client, company, lang, page):
    make_membership(company=company)
    client.force_login(trader_of(company))
    html = _html(client.get(f"/{lang}/portal/{page}/new/"))
    assert re.search(r'<input type="date" name="(occurred_on|effective_on)"', html)
    assert "2026-03-31" not in html


def test_a_date_typed_in_the_readers_format_is_read(client, company):
    """Without the browser's picker, the date typed as the language writes it is read."""
    make_membership(company=company)
    client.force_login(trader_of(company))
    day = agency_today() - dt.timedelta(days=3)
    client.post(
        "/fr/portal/incidents/new/",
        {"occurred_on": f"{day:%d/%m/%Y}", "description": "Un scellé brisé."},
    )
    client.post(
        "/en/portal/incidents/new/",
        {"occurred_on": f"{day:%m/%d/%Y}", "description": "A broken seal."},
    )
    assert [i.occurred_on for i in Incident.objects.all()] == [day, day]


# --- 6. Reports started from a membership page ---------------------------------------------


@pytest.mark.parametrize("page", ["incidents", "changes"])
def test_a_report_from_a_membership_page_returns_to_it(client, company, page):
    first = make_membership(company=company)
    second = make_membership(company=company, programme="CSA")
    client.force_login(trader_of(company))
    membership_page = _html(client.get(f"/en/portal/memberships/{second.pk}/"))
    url = f"/en/portal/{page}/new/?membership={second.pk}"
    assert f'href="{url}"' in membership_page
    form = _html(client.get(url))
    assert re.search(rf'<option value="{second.pk}"[^>]*selected', form)
    assert not re.search(rf'<option value="{first.pk}"[^>]*selected', form)
    assert f'href="/en/portal/memberships/{second.pk}/">Cancel' in form
    data = {
        "incidents": {"occurred_on": agency_today().isoformat(), "description": "A broken seal."},
        "changes": {
            "kind": ChangeNotice.Kind.CONTACTS,
            "description": "New contact.",
            "effective_on": agency_today().isoformat(),
        },
    }[page]
    response = client.post(url, {**data, "membership": second.pk})
    assert response["Location"] == f"/en/portal/memberships/{second.pk}/"
    model = Incident if page == "incidents" else ChangeNotice
    assert model.objects.get().membership == second


@pytest.mark.parametrize("value", ["theirs", "abc", "999999"])
def test_another_companys_membership_is_not_preselected(client, company, other_company, value):
    make_membership(company=company)
    theirs = make_membership(company=other_company)
    client.force_login(trader_of(company))
    pk = theirs.pk if value == "theirs" else value
    url = f"/en/portal/incidents/new/?membership={pk}"
    form = _html(client.get(url))
    choice = form.split('name="membership"', 1)[1].split("</select>", 1)[0]
    assert choice.count("selected") == 1 and '<option value="" selected>' in choice
    assert f'value="{theirs.pk}"' not in choice
    response = client.post(
        url, {"occurred_on": agency_today().isoformat(), "description": "A broken seal."}
    )
    assert response["Location"] == "/en/portal/"
    assert Incident.objects.get().membership is None
    assert Membership.objects.filter(company=other_company).get().incidents.count() == 0
