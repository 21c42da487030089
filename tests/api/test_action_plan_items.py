"""An action plan reviewed measure by measure through the API: the member answers each
measure with files, an officer accepts or returns each answer; the last review of a round
closes or returns the plan."""

from __future__ import annotations

from tests.factories import pdf_upload
from tests.validations.factories import make_action_plan
from validations.models import ActionPlan

V1 = "/api/v1"


def _ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def test_measure_by_measure_to_acceptance(db, api, company, trader, officer, other_trader):
    plan = make_action_plan(state=ActionPlan.State.ISSUED, company=company, officer=officer)
    first, second = plan.items.order_by("deadline", "pk")
    base = f"{V1}/action-plans/{plan.pk}/items"

    answered = _ok(
        api(trader).post(
            f"{base}/{first.pk}/respond/",
            {"response": "Lock fitted on gate 1.", "files": [pdf_upload("invoice.pdf")]},
            format="multipart",
        )
    )
    assert answered["state"] == "issued"  # one measure is still to answer
    item = next(i for i in answered["items"] if i["id"] == first.pk)
    assert item["status"] == "answered"
    (upload,) = item["evidence"]
    assert upload["original_name"] == "invoice.pdf"

    # Staff and the member download the file; another company's trader cannot see it.
    for user in (trader, officer):
        download = api(user).get(f"{base}/{first.pk}/evidence/{upload['id']}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert api(other_trader).get(f"{base}/{first.pk}/evidence/{upload['id']}/").status_code == 404
    assert api(trader).get(f"{base}/{second.pk}/evidence/{upload['id']}/").status_code == 404

    # Reviewing before every measure is answered is refused, naming the state.
    early = api(officer).post(f"{base}/{first.pk}/accept/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"]

    responded = _ok(
        api(trader).post(
            f"{base}/{second.pk}/respond/", {"response": "Lock fitted on gate 2."}, format="json"
        )
    )
    assert responded["state"] == "responded"

    # An officer may not answer, the member may not review.
    assert (
        api(officer).post(f"{base}/{first.pk}/respond/", {"response": "x"}, format="json")
    ).status_code == 403
    assert api(trader).post(f"{base}/{first.pk}/accept/", {}, format="json").status_code == 403

    _ok(api(officer).post(f"{base}/{first.pk}/accept/", {"note": "Seen."}, format="json"))
    no_note = api(officer).post(f"{base}/{second.pk}/return/", {"note": ""}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()["details"]
    returned = _ok(
        api(officer).post(f"{base}/{second.pk}/return/", {"note": "Send a picture."}, format="json")
    )
    assert returned["state"] == "returned"
    statuses = {i["id"]: i["status"] for i in returned["items"]}
    assert statuses == {first.pk: "accepted", second.pk: "returned"}

    # The accepted measure stays closed; the returned one is answered again and accepted.
    closed = api(trader).post(f"{base}/{first.pk}/respond/", {"response": "x"}, format="json")
    assert closed.status_code == 409
    _ok(
        api(trader).post(
            f"{base}/{second.pk}/respond/", {"response": "Picture attached."}, format="json"
        )
    )
    accepted = _ok(api(officer).post(f"{base}/{second.pk}/accept/", {}, format="json"))
    assert accepted["state"] == "accepted"


def test_an_item_of_another_plan_or_company_is_404(
    db, api, company, other_company, trader, officer
):
    plan = make_action_plan(company=company, officer=officer)
    other = make_action_plan(company=other_company, officer=officer)
    foreign = other.items.first()
    response = api(trader).post(
        f"{V1}/action-plans/{plan.pk}/items/{foreign.pk}/respond/", {"response": "x"}, format="json"
    )
    assert response.status_code == 404
    response = api(trader).post(
        f"{V1}/action-plans/{other.pk}/items/{foreign.pk}/respond/",
        {"response": "x"},
        format="json",
    )
    assert response.status_code == 404
