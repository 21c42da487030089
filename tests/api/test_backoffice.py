"""The manager's dashboard and the officer's work queue through the API: the same figures,
lists, filters and roles as the pages. Every figure equals the `count` of the list it
names, with and without filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.dates import agency_today
from demo.services import demo_seed
from tests.factories import make_application, make_membership
from tests.revalidation.factories import make_cycle
from traders.models import Application

V1 = "/api/v1"


def _ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def _figures(body: dict) -> list[tuple[str, int]]:
    """Every (list, figure) pair of the dashboard's answer."""
    found = [(f["list"], f["count"]) for f in body["expiring"]]
    for name in (
        "lapsed",
        "revalidations_overdue",
        "revalidations_not_started",
        "plans_overdue",
        "plans_due_soon",
    ):
        found.append((body[name]["list"], body[name]["count"]))
    found += [(stage["list"], stage["count"]) for stage in body["pipeline"]]
    found += [(cell["list"], cell["count"]) for row in body["workload"] for cell in row["cells"]]
    found += [
        (value["list"], value["count"])
        for series in body["decisions"]["series"]
        for value in series["values"]
    ]
    found += [(month["list"], month["count"]) for month in body["expiries"]]
    return found


@pytest.fixture
def seeded(db):
    demo_seed(companies=40, full_profiles=0)


@pytest.mark.parametrize(
    "query", ["", "?programme=PIP", "?country=CA&province=ON", "?business_type=highway_carrier"]
)
def test_every_figure_equals_the_count_of_its_list(seeded, api, manager, query):
    client = api(manager)
    body = _ok(client.get(f"{V1}/dashboard/{query}"))
    pairs = _figures(body)
    assert sum(count for _list, count in pairs) > 0  # the seed gives something to count
    for path, figure in pairs:
        listed = _ok(client.get(path))
        assert listed["count"] == figure, path
        if query:
            assert query.lstrip("?").split("&")[0] in path  # the list keeps the filters


def test_a_list_shows_the_rows_of_its_figure(db, api, manager, company):
    soon = make_membership(company=company, manager=manager)
    body = _ok(api(manager).get(f"{V1}/dashboard/"))
    in_progress = {stage["state"]: stage for stage in body["pipeline"]}
    assert in_progress["submitted"]["count"] == 0
    app = make_application(state=Application.State.SUBMITTED, company=company)
    body = _ok(api(manager).get(f"{V1}/dashboard/"))
    submitted = next(stage for stage in body["pipeline"] if stage["state"] == "submitted")
    assert submitted["count"] == 1 and submitted["oldest_days"] == 0
    rows = _ok(api(manager).get(submitted["list"]))["results"]
    assert [(r["kind"], r["id"], r["reference"]) for r in rows] == [
        ("applications", app.pk, app.reference)
    ]
    # A membership certified today expires in four years: in no expiry window.
    assert [f["count"] for f in body["expiring"]] == [0, 0, 0, 0]
    month = f"{soon.expires_on:%Y-%m}"
    rows = _ok(api(manager).get(f"{V1}/dashboard/lists/expiring-month/?month={month}"))
    assert [(r["kind"], r["member_number"]) for r in rows["results"]] == [
        ("memberships", soon.member_number)
    ]
    certifications = next(s for s in body["decisions"]["series"] if s["action"] == "certify")
    this_month = certifications["values"][-1]
    assert this_month["count"] == 1
    decisions = _ok(api(manager).get(this_month["list"]))
    assert [(r["kind"], r["action"], r["object_type"]) for r in decisions["results"]] == [
        ("decisions", "certify", "application")
    ]


def test_revalidation_not_started_and_overdue_lists(db, api, manager, company, time_machine):
    membership = make_membership(company=company, manager=manager)
    time_machine.move_to(membership.expires_on - dt.timedelta(days=100))
    body = _ok(api(manager).get(f"{V1}/dashboard/"))
    assert body["revalidations_not_started"]["count"] == 1
    assert [f["count"] for f in body["expiring"]] == [0, 0, 0, 1]
    rows = _ok(api(manager).get(body["revalidations_not_started"]["list"]))["results"]
    assert [(r["kind"], r["member_number"]) for r in rows] == [
        ("memberships", membership.member_number)
    ]
    cycle = make_cycle(state="open", membership=membership)
    time_machine.move_to(cycle.due_on + dt.timedelta(days=2))
    body = _ok(api(manager).get(f"{V1}/dashboard/"))
    assert body["revalidations_overdue"]["count"] == 1
    rows = _ok(api(manager).get(body["revalidations_overdue"]["list"]))["results"]
    assert [(r["kind"], r["id"], r["due_on"]) for r in rows] == [
        ("revalidations", cycle.pk, str(cycle.due_on))
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("programme=XYZ", "programme"),
        ("country=Canada", "country"),
        ("business_type=NOPE", "business_type"),
        ("officer=999999", "officer"),
    ],
)
def test_an_invalid_filter_is_400_naming_the_field(db, api, manager, query, field):
    response = api(manager).get(f"{V1}/dashboard/?{query}")
    assert response.status_code == 400
    assert set(response.json()["details"]) == {field}


def test_list_parameters_are_checked(db, api, manager):
    client = api(manager)
    assert client.get(f"{V1}/dashboard/lists/nope/").status_code == 404
    missing = client.get(f"{V1}/dashboard/lists/decisions/?month=2026-01")
    assert missing.status_code == 400 and set(missing.json()["details"]) == {"action"}
    wrong = client.get(f"{V1}/dashboard/lists/expiring-month/?month=2026-13")
    assert wrong.status_code == 400 and set(wrong.json()["details"]) == {"month"}


def test_the_dashboard_is_for_managers_only(db, api, actors):
    for role, status in {
        "trader": 403,
        "officer": 403,
        "partner": 403,
        "manager": 200,
    }.items():
        assert api(actors[role]).get(f"{V1}/dashboard/").status_code == status, role
        response = api(actors[role]).get(f"{V1}/dashboard/lists/lapsed/")
        assert response.status_code == status, role
    assert api(None).get(f"{V1}/dashboard/").status_code == 401


def test_dashboard_and_lists_in_a_constant_number_of_queries(
    seeded, api, manager, django_assert_max_num_queries
):
    client = api(manager)
    with django_assert_max_num_queries(14):
        _ok(client.get(f"{V1}/dashboard/?programme=PIP"))
    for key in ("expiring-180", "revalidations-open", "plans-open", "applications-open"):
        with django_assert_max_num_queries(5):
            assert _ok(client.get(f"{V1}/dashboard/lists/{key}/"))["results"]
    month = f"{agency_today():%Y-%m}"
    with django_assert_max_num_queries(6):
        _ok(client.get(f"{V1}/dashboard/lists/decisions/?action=certify&month={month}"))


# --- The work queue -------------------------------------------------------------------


def test_queue_rows_filters_and_sorting(db, api, officer, manager, company, other_company):
    mine = make_application(state=Application.State.SUBMITTED, company=company)
    from traders import services

    services.application_assign_officer(application=mine, officer=officer, actor=manager)
    unassigned = make_application(state=Application.State.SUBMITTED, company=other_company)
    membership = make_membership(company=company, manager=manager)
    cycle = make_cycle(state="open", membership=membership)
    client = api(officer)

    rows = _ok(client.get(f"{V1}/work-queue/"))["results"]
    found = {(r["kind"], r["id"]) for r in rows}
    assert {
        ("application", mine.pk),
        ("application", unassigned.pk),
        ("revalidation", cycle.pk),
    } <= found
    first = next(r for r in rows if r["id"] == mine.pk and r["kind"] == "application")
    assert first["is_mine"] and first["officer"] == officer.pk and first["days_in_stage"] == 0
    assert first["stage"] == "submitted" and first["stage_label"]

    mine_only = _ok(client.get(f"{V1}/work-queue/?who=mine"))["results"]
    assert [(r["kind"], r["id"]) for r in mine_only] == [("application", mine.pk)]
    nobody = _ok(client.get(f"{V1}/work-queue/?who=unassigned&kind=application"))["results"]
    assert mine.pk not in {r["id"] for r in nobody} and unassigned.pk in {r["id"] for r in nobody}
    revalidations = _ok(client.get(f"{V1}/work-queue/?kind=revalidation"))["results"]
    assert [(r["kind"], r["id"], r["next_deadline"]) for r in revalidations] == [
        ("revalidation", cycle.pk, str(cycle.due_on))
    ]
    by_reference = _ok(client.get(f"{V1}/work-queue/?q={unassigned.reference}"))["results"]
    assert [r["id"] for r in by_reference] == [unassigned.pk]
    Application.objects.filter(pk=unassigned.pk).update(
        state_changed_at=timezone.now() - dt.timedelta(days=9)
    )
    oldest = _ok(client.get(f"{V1}/work-queue/?kind=application&sort=oldest"))["results"]
    assert oldest[0]["id"] == unassigned.pk and oldest[0]["days_in_stage"] == 9
    newest = _ok(client.get(f"{V1}/work-queue/?kind=application&sort=newest"))["results"]
    assert newest[-1]["id"] == unassigned.pk


def test_queue_refuses_bad_filters_and_other_roles(db, api, actors):
    officer = api(actors["officer"])
    response = officer.get(f"{V1}/work-queue/?who=everyone&sort=size")
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"who", "sort"}
    for role, status in {"trader": 403, "partner": 403, "manager": 200}.items():
        assert api(actors[role]).get(f"{V1}/work-queue/").status_code == status, role


def test_queue_in_a_constant_number_of_queries(seeded, api, officer, django_assert_max_num_queries):
    client = api(officer)
    with django_assert_max_num_queries(4):
        body = _ok(client.get(f"{V1}/work-queue/?sort=deadline"))
    assert len(body["results"]) >= 10  # many rows, still the same few queries
