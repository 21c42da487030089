"""The member's action plan page: each measure with its deadline, where it stands and the
officer's note; a form per measure still open (answer and files), errors beside the
fields; the files downloadable by the company's users only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import agency_today
from tests.factories import make_membership
from tests.validations.factories import (
    PS,
    answer_every_item,
    make_action_plan,
    png_upload,
    reload,
)
from validations import services
from validations.models import ActionPlan, ActionPlanItem, ActionPlanItemEvidence

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("portal:action_plan", args=[plan.pk])


def _items(plan):
    return list(ActionPlanItem.objects.filter(plan=plan).order_by("id"))  # measures 1, 2...


def _answer(client, plan, item, text="New lock fitted.", files=()):
    data = {"item": item.pk, f"item{item.pk}-response": text}
    if files:
        data[f"item{item.pk}-files"] = list(files)
    return client.post(_url(plan), data)


@pytest.fixture
def plan(company, officer):
    return services.action_plan_issue(
        company=company,
        actor=officer,
        membership=make_membership(company=company),
        items=[
            {"measure": "Fix the gate lock.", "deadline": agency_today() + dt.timedelta(days=30)},
            {"measure": "Train the guards.", "deadline": agency_today() + dt.timedelta(days=60)},
        ],
    )


def test_the_page_shows_each_measure_with_a_form(trader_client, plan):
    html = trader_client.get(_url(plan)).content.decode()
    first, second = _items(plan)
    for item in (first, second):
        assert item.measure in html
        assert item.deadline.isoformat() in html
        assert f'name="item{item.pk}-response"' in html
        assert f'name="item{item.pk}-files"' in html
    assert html.count("Not answered yet") == 2
    assert 'enctype="multipart/form-data"' in html


def test_answer_one_measure_with_files_then_download_them(trader_client, plan):
    first, second = _items(plan)

    response = _answer(
        trader_client,
        plan,
        first,
        files=[png_upload("gate.png"), SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 x")],
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_url(plan)}#item-{first.pk}"
    first = reload(first)
    assert first.response == "New lock fitted."
    assert reload(plan).state == PS.ISSUED  # the second measure is still owed
    html = trader_client.get(_url(plan)).content.decode()
    assert "Your answer on measure 1 is saved." in html
    assert "Answered, awaiting review" in html
    evidence = ActionPlanItemEvidence.objects.get(original_name="invoice.pdf")
    link = reverse("portal:action_plan_evidence", args=[evidence.pk])
    assert link in html
    download = trader_client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_answering_the_last_measure_sends_the_plan_to_the_officer(trader_client, plan):
    first, second = _items(plan)
    _answer(trader_client, plan, first)
    _answer(trader_client, plan, second, "Guards trained on 3 March.")

    assert reload(plan).state == PS.RESPONDED
    html = trader_client.get(_url(plan)).content.decode()
    assert "Every measure is answered: the officer now reviews your answers." in html
    assert 'name="item' not in html  # no more forms while the officer reviews
    assert "Guards trained on 3 March." in html


def test_an_empty_answer_shows_the_error_beside_the_field(trader_client, plan):
    first, _second = _items(plan)
    response = _answer(trader_client, plan, first, text="  ")
    html = response.content.decode()
    assert f'id="id_item{first.pk}-response_error"' in html
    assert "<title>Error:" in html
    assert reload(first).response == ""


@pytest.mark.parametrize(
    "bad",
    [
        lambda: SimpleUploadedFile("gate.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        lambda: SimpleUploadedFile("gate.exe", b"MZ\x90\x00", "application/octet-stream"),
    ],
    ids=["renamed", "not-allowed"],
)
def test_a_bad_file_is_refused_beside_the_field_and_nothing_is_saved(
    bad, trader_client, plan, _isolated_media_root
):
    first, _second = _items(plan)
    response = _answer(trader_client, plan, first, files=[png_upload(), bad()])
    html = response.content.decode()
    assert f'id="id_item{first.pk}-files_error"' in html
    assert reload(first).response == ""
    assert not ActionPlanItemEvidence.objects.exists()
    stored = _isolated_media_root / "action-plans"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_the_officers_note_on_a_returned_measure_and_answering_again(
    trader_client, plan, trader, officer
):
    plan = answer_every_item(plan, trader, "Done.")
    first, second = _items(plan)
    services.action_plan_item_accept(item=first, actor=officer)
    services.action_plan_item_return(item=second, actor=officer, note="Send the attendance list.")

    html = trader_client.get(_url(plan)).content.decode()
    assert "Send the attendance list." in html
    assert "Returned for more work" in html
    assert f'name="item{first.pk}-response"' not in html  # accepted: closed
    assert f'name="item{second.pk}-response"' in html

    _answer(trader_client, plan, second, "Attendance list attached.", files=[png_upload()])
    assert reload(plan).state == PS.RESPONDED


def test_an_accepted_measure_cannot_be_answered_by_a_crafted_post(
    trader_client, plan, trader, officer
):
    plan = answer_every_item(plan, trader, "Done.")
    first, second = _items(plan)
    services.action_plan_item_accept(item=first, actor=officer)
    services.action_plan_item_return(item=second, actor=officer, note="More.")

    response = _answer(trader_client, plan, first, "Changed my mind.")

    assert response.status_code == 302
    html = trader_client.get(_url(plan)).content.decode()
    assert "Cannot respond to this action plan item: it is Accepted." in html
    assert reload(first).response == "Done."


def test_an_item_of_another_plan_is_not_found(trader_client, plan, company, officer):
    other = make_action_plan(company=company, officer=officer)
    response = trader_client.post(_url(plan), {"item": _items(other)[0].pk, "response": "Done."})
    assert response.status_code == 404


def test_another_companys_trader_gets_404(client, plan, other_trader, trader):
    services.action_plan_item_respond(
        item=_items(plan)[0], actor=trader, response="Done.", files=[png_upload()]
    )
    evidence = ActionPlanItemEvidence.objects.get()
    client.force_login(other_trader)
    assert client.get(_url(plan)).status_code == 404
    assert _answer(client, plan, _items(plan)[0]).status_code == 404
    assert client.get(reverse("portal:action_plan_evidence", args=[evidence.pk])).status_code == 404
    assert reload(_items(plan)[0]).response == "Done."


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_staff_get_404_on_the_portal_page(role, client, plan, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(plan)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, plan):
    response = client.get(_url(plan))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_the_page_queries_do_not_grow_with_the_measures(trader_client, company, trader, officer):
    def queries(count):
        plan = services.action_plan_issue(
            company=company,
            actor=officer,
            items=[
                {"measure": f"Measure {n}.", "deadline": agency_today() + dt.timedelta(days=n)}
                for n in range(1, count + 1)
            ],
        )
        for item in _items(plan):
            services.action_plan_item_respond(
                item=item, actor=trader, response="Done.", files=[png_upload()]
            )
        with CaptureQueriesContext(connection) as captured:
            assert trader_client.get(_url(plan)).status_code == 200
        return len(captured)

    assert queries(1) == queries(6)


def test_the_plan_state_is_shown(trader_client, company, officer):
    plan = make_action_plan(state=PS.ACCEPTED, company=company, officer=officer)
    html = trader_client.get(_url(plan)).content.decode()
    assert str(ActionPlan.State.ACCEPTED.label) in html
    assert "this action plan is closed" in html
    assert 'name="item' not in html


def test_measures_keep_their_numbers_when_a_deadline_is_extended(trader_client, plan, officer):
    first, second = _items(plan)
    services.action_plan_item_extend(
        item=first,
        actor=officer,
        deadline=second.deadline + dt.timedelta(days=10),
        reason="Parts on order.",
    )
    html = trader_client.get(_url(plan)).content.decode()
    assert f'<h3 id="item-{first.pk}-heading">Measure 1</h3>' in html
    assert f'<h3 id="item-{second.pk}-heading">Measure 2</h3>' in html
    assert html.index("Fix the gate lock.") < html.index("Train the guards.")
    response = _answer(trader_client, plan, first)
    assert "Your answer on measure 1 is saved." in trader_client.get(response.url).content.decode()
