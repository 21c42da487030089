"""Date fields of the trader's forms: no format claimed in a hint, and a date typed as the
reader's language writes it is read."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.dates import agency_today
from tests.factories import make_membership, trader_of
from validations.models import Incident

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


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
