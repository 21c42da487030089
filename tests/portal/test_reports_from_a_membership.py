"""An incident or a change notice reported from a membership's page: the form preselects
that membership and returns to its page; another company's membership, or a value that is
no membership, is never preselected."""

from __future__ import annotations

import re

import pytest

from core.dates import agency_today
from tests.factories import make_membership, trader_of
from traders.models import ChangeNotice, Membership
from validations.models import Incident

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


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
