"""The dashboard's figures reconcile with the lists behind them: every linked figure equals
the number of records its list shows (and its CSV export), with and without filters."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.dates import agency_today
from core.models import Role
from demo.services import demo_seed
from reporting import dashboard as selectors
from reporting.dashboard import Filters
from tests.factories import CompanyFactory, UserFactory, make_application, make_membership
from traders import services
from traders.models import BusinessType, Membership
from traders.reporting import copies_rebuild

FIGURE = re.compile(r'<a href="([^"]+)"[^>]*data-figure="([^"]+)">(\d+)')
COUNT = re.compile(r'data-count="(\d+)"')


def figures_on(client, url: str) -> list[tuple[str, str, int]]:
    response = client.get(url)
    assert response.status_code == 200
    found = [
        (html.unescape(href), key, int(count))
        for href, key, count in FIGURE.findall(response.content.decode())
    ]
    assert found
    return found


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(COUNT.search(response.content.decode()).group(1))


def csv_rows(client, url: str) -> int:
    path, _sep, query = url.partition("?")
    response = client.get(path + "csv/" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(text)))) - 1


@pytest.fixture
def seeded(db):
    demo_seed(companies=60, full_profiles=0)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_every_figure_equals_its_list(seeded, manager_client):
    found = figures_on(manager_client, reverse("backoffice:dashboard"))
    keys = {key for _url, key, _count in found}
    assert {
        "expiring-30",
        "expiring-60",
        "expiring-90",
        "expiring-180",
        "lapsed",
        "revalidations-overdue",
        "revalidations-not-started",
        "plans-overdue",
        "plans-due-soon",
        "applications-validated",
        "applications-open",
        "revalidations-open",
        "plans-open",
        "decisions",
        "expiring-month",
    } <= keys
    nonzero = 0
    for url, key, count in found:
        assert list_count(manager_client, url) == count, (key, url)
        nonzero += count > 0
    assert nonzero > 20  # the seeded data fills most figures: the check is not vacuous


def test_figures_equal_their_lists_with_filters(seeded, manager_client):
    for query in (
        "programme=CSA",
        "country=CA&province=ON",
        "business_type=highway_carrier",
        "programme=PIP&business_type=highway_carrier",
        "business_type=customs_broker",
    ):
        found = figures_on(manager_client, reverse("backoffice:dashboard") + "?" + query)
        for url, key, count in found:
            assert query.split("&")[0] in url
            assert list_count(manager_client, url) == count, (query, key)


def figure(found: list[tuple[str, str, int]], key: str, *parts: str) -> tuple[str, int]:
    """The link and the count of the figure ``key`` whose link has all of ``parts``."""
    (match,) = [(url, n) for url, k, n in found if k == key and all(p in url for p in parts)]
    return match


def test_business_type_figures_follow_the_data_at_once(seeded, manager_client, manager):
    """No summary, no cache: an application validated and a membership certified a moment
    ago count at once under their company's business type, and a company that changes its
    business types moves between the filtered figures. A decision already taken stays
    counted under the types the company had when it was taken (the audit trail records
    them); the next one counts under the new types."""
    month = f"month={agency_today():%Y-%m}"
    rail = reverse("backoffice:dashboard") + "?programme=PIP&business_type=rail_carrier"
    importer = reverse("backoffice:dashboard") + "?programme=PIP&business_type=importer"

    def counts(url: str) -> tuple[int, int]:
        found = figures_on(manager_client, url)
        return (
            figure(found, "decisions", "action=certify", month)[1],
            figure(found, "applications-validated")[1],
        )

    rail_before, importer_before = counts(rail), counts(importer)
    company = CompanyFactory()
    company.business_types.set([BusinessType.objects.get(code="rail_carrier")])
    make_membership(company=company, manager=manager, programme="PIP")
    make_application(state="validated", company=company, manager=manager, programme="PIP")

    assert counts(rail) == (rail_before[0] + 1, rail_before[1] + 1)
    assert counts(importer) == importer_before
    found = figures_on(manager_client, rail)
    for key, parts in (("decisions", ("action=certify", month)), ("applications-validated", ())):
        url, count = figure(found, key, *parts)
        assert list_count(manager_client, url) == count

    services.company_update(
        company=company,
        actor=manager,
        business_types=[BusinessType.objects.get(code="importer")],
    )
    # The validated application moves; the certification taken as a rail carrier stays.
    assert counts(rail) == (rail_before[0] + 1, rail_before[1])
    assert counts(importer) == (importer_before[0], importer_before[1] + 1)

    # A new certification (in CSA: the decisions are not filtered by programme).
    make_membership(company=company, manager=manager, programme="CSA")
    assert counts(rail) == (rail_before[0] + 1, rail_before[1])
    assert counts(importer) == (importer_before[0] + 1, importer_before[1] + 1)
    found = figures_on(manager_client, importer)
    url, count = figure(found, "decisions", "action=certify", month)
    assert list_count(manager_client, url) == count


def test_csv_export_has_the_lists_rows(seeded, manager_client):
    found = figures_on(manager_client, reverse("backoffice:dashboard") + "?country=CA")
    checked = 0
    for url, key, count in found:
        if key in {"expiring-180", "lapsed", "plans-open", "applications-open", "decisions"}:
            assert csv_rows(manager_client, url) == count, key
            checked += 1
    assert checked >= 5


def test_the_selector_computes_figure_and_list_alike(seeded):
    now = timezone.now()
    with time_machine.travel(now, tick=False):  # the selector's "now" is this one
        figures = selectors.dashboard_figures(filters=Filters())
    for window in figures["expiring"]:
        _spec, rows = selectors.dashboard_list(key=window["key"], filters=Filters())
        assert rows.count() == window["count"]
    for stage in figures["pipeline"]:
        _spec, rows = selectors.dashboard_list(key=stage["key"], filters=Filters())
        assert rows.count() == stage["count"]
        if stage["count"]:
            assert stage["oldest_days"] >= stage["median_days"] >= 0
            # The median's definition (the lower middle value), computed here from the
            # list's own rows: the same figure whichever database computed the dashboard's.
            since = sorted(rows.values_list("state_changed_at", flat=True))
            middle = since[math.ceil(len(since) / 2) - 1]
            assert stage["median_days"] == (now - middle).days, stage["key"]


@time_machine.travel(dt.datetime(2026, 3, 10, 15, tzinfo=dt.UTC), tick=False)
def test_expiry_windows_at_their_edges(db):
    """Hand-built memberships: the windows include both ends, in agency dates."""
    today = agency_today()
    company = CompanyFactory()
    officer = UserFactory(role=Role.OFFICER)
    rows = []
    for i, (days, state) in enumerate(
        [
            (0, "active"),
            (30, "active"),
            (31, "active"),
            (60, "active"),
            (90, "active"),
            (91, "active"),
            (180, "active"),
            (181, "active"),
            (-1, "active"),  # past expiry, not yet lapsed by the sweep: in no window
            (-20, "lapsed"),
            (45, "suspended"),  # not active: in no window
        ]
    ):
        expires = today + dt.timedelta(days=days)
        rows.append(
            Membership(
                company=company,
                programme="PIP" if i % 2 else "CSA",
                member_number=f"PIP{9000000 + i}",
                certified_on=expires - dt.timedelta(days=1461),
                expires_on=expires,
                state=state,
                assigned_officer=officer,
            )
        )
    Membership.objects.bulk_create(rows)
    copies_rebuild()  # a bulk write carries no copy of the company (traders.reporting)
    figures = selectors.dashboard_figures(filters=Filters())
    assert [w["count"] for w in figures["expiring"]] == [2, 4, 5, 7]
    assert figures["lapsed"]["count"] == 1
    # No revalidation cycle at all: every active one up to 180 days (and the one past expiry).
    assert figures["revalidations_not_started"]["count"] == 8
    pip = selectors.dashboard_figures(filters=Filters(programme="PIP"))
    assert [w["count"] for w in pip["expiring"]] == [1, 2, 2, 3]  # 30, 60, 91 and 181 days
    march = next(m for m in figures["expiries"] if m["month"] == dt.date(2026, 3, 1))
    assert march["count"] == 1  # today; the one past expiry is not counted
