"""The workbench's action plan page, item by item: the member's answers and files; accept
each answer or return it with a note; extend one measure's deadline with a reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import agency_today
from tests.factories import trader_of
from tests.validations.factories import (
    PS,
    answer_every_item,
    audit_events,
    make_action_plan,
    plan_items,
    png_upload,
    reload,
)
from validations import services
from validations.models import ActionPlanItem, ActionPlanItemEvidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(plan) -> str:
    return reverse("backoffice:action_plan", args=[plan.pk])


def _items(plan):
    return list(ActionPlanItem.objects.filter(plan=plan).order_by("id"))  # measures 1, 2...


@pytest.fixture
def responded(company, officer):
    plan = make_action_plan(company=company, officer=officer)
    trader = trader_of(company)
    first, second = _items(plan)
    services.action_plan_item_respond(
        item=first, actor=trader, response="Lock fitted on gate 1.", files=[png_upload("gate.png")]
    )
    services.action_plan_item_respond(item=second, actor=trader, response="Lock on gate 2.")
    return reload(plan)


def _post(client, plan, action, item, **fields):
    data = {"action": action, "item": item.pk}
    data.update({f"{action}-{item.pk}-{name}": value for name, value in fields.items()})
    return client.post(_url(plan), data)


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_staff_see_each_answer_with_its_files(role, client, responded, request):
    client.force_login(request.getfixturevalue(role))
    html = client.get(_url(responded)).content.decode()
    first, second = _items(responded)
    assert "Lock fitted on gate 1." in html and "Lock on gate 2." in html
    evidence = ActionPlanItemEvidence.objects.get()
    link = reverse("backoffice:action_plan_evidence", args=[evidence.pk])
    assert link in html
    for item in (first, second):
        assert f'name="accept_item-{item.pk}-note"' in html
        assert f'name="return_item-{item.pk}-note"' in html
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"


def test_accept_one_and_return_the_other(client, officer, responded):
    first, second = _items(responded)
    client.force_login(officer)

    response = _post(client, responded, "accept_item", first, note="Seen on site.")
    assert response.status_code == 302
    assert response["Location"] == f"{_url(responded)}#item-{first.pk}"
    assert reload(responded).state == PS.RESPONDED

    _post(client, responded, "return_item", second, note="Send a picture of gate 2.")

    plan = reload(responded)
    assert plan.state == PS.RETURNED
    html = client.get(_url(plan)).content.decode()
    assert "Measure 2: returned to the member with your note." in html
    assert "Every answer is reviewed: the action plan is returned to the member." in html
    assert "Send a picture of gate 2." in html
    assert "accept_item" in [e.action for e in audit_events(plan)]
    assert f'name="accept_item-{first.pk}-note"' not in html  # nothing left to review


def test_accepting_every_answer_closes_the_plan(client, manager, responded):
    client.force_login(manager)
    for item in _items(responded):
        _post(client, responded, "accept_item", item, note="")
    assert reload(responded).state == PS.ACCEPTED
    html = client.get(_url(responded)).content.decode()
    assert "Every measure is accepted: the action plan is closed." in html


def test_returning_needs_a_note_shown_beside_the_field(client, officer, responded):
    first, _second = _items(responded)
    client.force_login(officer)
    response = _post(client, responded, "return_item", first, note="  ")
    assert response.status_code == 422
    assert f'id="id_return_item-{first.pk}-note_error"' in response.content.decode()
    assert reload(first).status == ActionPlanItem.Status.ANSWERED


def test_reviewing_before_every_measure_is_answered_says_why(client, officer, company):
    plan = make_action_plan(company=company, officer=officer)
    first, _second = _items(plan)
    services.action_plan_item_respond(item=first, actor=trader_of(company), response="Done.")
    client.force_login(officer)

    html = client.get(_url(plan)).content.decode()
    assert f'name="accept_item-{first.pk}-note"' not in html
    response = _post(client, plan, "accept_item", first, note="")

    assert response.status_code == 409
    assert "Cannot accept this action plan: it is Issued." in response.content.decode()
    assert reload(first).status == ActionPlanItem.Status.ANSWERED


def test_extend_one_measure(client, officer, company):
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(days=(10, 40))
    )
    first, second = _items(plan)
    client.force_login(officer)
    new = agency_today() + dt.timedelta(days=50)

    bad = _post(client, plan, "extend_item", first, deadline=new.isoformat(), reason="")
    assert bad.status_code == 422
    assert f'id="id_extend_item-{first.pk}-reason_error"' in bad.content.decode()

    ok = _post(client, plan, "extend_item", first, deadline=new.isoformat(), reason="Strike.")
    assert ok.status_code == 302
    first = reload(first)
    assert (first.deadline, first.original_deadline) == (new, agency_today() + dt.timedelta(10))
    assert reload(plan).deadline == new
    assert "Strike." in client.get(_url(plan)).content.decode()


def test_escalate_an_overdue_plan_and_extend_a_measure_to_reissue_it(client, officer, company):
    plan = make_action_plan(state=PS.OVERDUE, company=company, officer=officer)
    client.force_login(officer)
    html = client.get(_url(plan)).content.decode()
    assert "Overdue" in html
    client.post(_url(plan), {"action": "escalate", "escalate-note": "No answer."})
    assert reload(plan).state == PS.ESCALATED

    first = _items(plan)[0]
    new = agency_today() + dt.timedelta(days=20)
    _post(client, plan, "extend_item", first, deadline=new.isoformat(), reason="Manager agreed.")
    assert reload(plan).state == PS.ISSUED


def test_an_unknown_item_or_action_is_not_found(client, officer, responded, company):
    other = make_action_plan(company=company, officer=officer)
    client.force_login(officer)
    assert _post(client, responded, "accept_item", _items(other)[0], note="").status_code == 404
    assert client.post(_url(responded), {"action": "nonsense"}).status_code == 404


@pytest.mark.parametrize("who", ["trader", "other_trader"])
def test_traders_get_404(who, client, responded, request):
    evidence = ActionPlanItemEvidence.objects.get()
    user = trader_of(responded.company) if who == "trader" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(_url(responded)).status_code == 404
    assert _post(client, responded, "accept_item", _items(responded)[0]).status_code == 404
    download = reverse("backoffice:action_plan_evidence", args=[evidence.pk])
    assert client.get(download).status_code == 404
    assert reload(responded).state == PS.RESPONDED


def test_anonymous_is_sent_to_sign_in(client, responded):
    response = client.get(_url(responded))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_the_page_queries_do_not_grow_with_the_measures(client, officer, company):
    trader = trader_of(company)
    client.force_login(officer)

    def queries(count):
        plan = services.action_plan_issue(
            company=company, actor=officer, items=plan_items(days=range(10, 10 + count))
        )
        for item in _items(plan):
            services.action_plan_item_respond(
                item=item, actor=trader, response="Done.", files=[png_upload()]
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(plan)).status_code == 200
        return len(captured)

    assert queries(1) == queries(6)


def test_plan_level_accept_still_closes_every_measure(client, officer, company):
    plan = answer_every_item(make_action_plan(company=company, officer=officer), trader_of(company))
    client.force_login(officer)
    client.post(_url(plan), {"action": "accept", "accept-note": "All verified."})
    assert reload(plan).state == PS.ACCEPTED
    assert {i.status for i in _items(plan)} == {ActionPlanItem.Status.ACCEPTED}


def _numbers(html: str, items) -> dict[int, str]:
    """Each measure's heading, by item: "Measure 1"..."""
    found = {}
    for item in items:
        match = re.search(rf'<h3 id="item-{item.pk}-heading">([^<]+)</h3>', html)
        assert match, f"no heading for item {item.pk}"
        found[item.pk] = match.group(1)
    return found


def test_a_measure_keeps_its_number_when_its_deadline_moves_past_the_others(
    client, officer, company
):
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(days=(10, 40))
    )
    first, second = _items(plan)
    client.force_login(officer)
    new = agency_today() + dt.timedelta(days=50)  # after the second measure's deadline
    response = _post(client, plan, "extend_item", first, deadline=new.isoformat(), reason="Strike.")
    html = client.get(response.url).content.decode()
    assert "Measure 1: the deadline is extended." in html
    assert _numbers(html, (first, second)) == {first.pk: "Measure 1", second.pk: "Measure 2"}
    assert html.index(first.measure) < html.index(second.measure)
    # The forms of a measure keep its number too.
    assert "Extend the deadline of measure 1" in html.split(f'id="item-{second.pk}"')[0]
    # The history names the measure by its number, its text quoted.
    assert "Measure 1 (“Install a lock on gate 1.”): extended to" in html
