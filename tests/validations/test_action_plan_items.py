"""Action plans answered and reviewed item by item: the member answers each measure (text
and files), the officer accepts or returns each answer, and the plan's state follows."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.dates import agency_today
from core.errors import NotPermitted, TransitionNotAllowed
from core.roles import scope_for
from revalidation.sweeps import action_plan_item_deadline_rows, sweep_action_plans
from tests.validations.factories import (
    answer_every_item,
    at_noon,
    audit_events,
    make_action_plan,
    others,
    png_upload,
    reload,
)
from validations import services
from validations.models import ActionPlan, ActionPlanItem, ActionPlanItemEvidence

pytestmark = pytest.mark.django_db

PS = ActionPlan.State
ST = ActionPlanItem.Status
OFFICERS = ("officer", "manager")


def _later(days):
    return agency_today() + dt.timedelta(days=days)


def _items(plan):
    return list(ActionPlanItem.objects.filter(plan=plan).order_by("deadline", "id"))


def _stored_files():
    root = settings.MEDIA_ROOT / "action-plans"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _events(plan, before=0):
    return [(e.action, e.from_state, e.to_state) for e in audit_events(plan)[before:]]


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    """Uploads go to a fresh folder per test, so a test can tell what it left."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(company, officer):
    return make_action_plan(company=company, officer=officer)


@pytest.fixture
def responded(plan, trader):
    return answer_every_item(plan, trader, "Locks fitted.")


# --- The member answers ------------------------------------------------------------------


def test_answering_each_measure_moves_the_plan_to_responded_once_all_are(plan, trader):
    first, second = _items(plan)
    before = len(audit_events(plan))

    services.action_plan_item_respond(item=first, actor=trader, response="Gate 1 locked.")

    assert reload(plan).state == PS.ISSUED
    first = reload(first)
    assert (first.response, first.status) == ("Gate 1 locked.", ST.ANSWERED)
    [event] = audit_events(plan)[before:]
    assert event.action == "respond_item" and event.actor == trader
    assert first.measure in event.note and "Gate 1 locked." in event.note

    services.action_plan_item_respond(item=second, actor=trader, response="Gate 2 locked.")

    plan = reload(plan)
    assert plan.state == PS.RESPONDED and plan.responded_at is not None
    assert _events(plan, before) == [
        ("respond_item", "", ""),
        ("respond_item", "", ""),
        ("respond", PS.ISSUED, PS.RESPONDED),
    ]


def test_an_answer_can_be_corrected_until_every_measure_is_answered(plan, trader):
    first, _second = _items(plan)
    services.action_plan_item_respond(item=first, actor=trader, response="Ordered.")
    services.action_plan_item_respond(item=first, actor=trader, response="Installed.")
    assert reload(first).response == "Installed."
    assert reload(plan).state == PS.ISSUED


def test_an_answer_needs_text(plan, trader):
    first, _second = _items(plan)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_item_respond(item=first, actor=trader, response="  ")
    assert "response" in exc.value.message_dict
    assert reload(first).status == ST.TO_ANSWER


def test_answer_with_files(plan, trader):
    first, _second = _items(plan)

    services.action_plan_item_respond(
        item=first,
        actor=trader,
        response="Pictures of the lock.",
        files=[png_upload("gate.png"), SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 x")],
    )

    stored = list(ActionPlanItemEvidence.objects.filter(item=first).order_by("id"))
    assert [(e.original_name, e.content_type, e.uploaded_by) for e in stored] == [
        ("gate.png", "image/png", trader),
        ("invoice.pdf", "application/pdf", trader),
    ]
    assert stored[1].file.read().startswith(b"%PDF-")
    assert all("gate" not in e.file.name and "invoice" not in e.file.name for e in stored)
    assert "gate.png" in audit_events(plan)[-1].note


@pytest.mark.parametrize(
    "bad",
    [
        SimpleUploadedFile("gate.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        SimpleUploadedFile("gate.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("gate.png", b"", "image/png"),
    ],
    ids=["renamed", "not-allowed", "empty"],
)
def test_a_bad_file_leaves_nothing_half_saved(bad, plan, trader):
    first, _second = _items(plan)
    files = _stored_files()
    before = len(audit_events(plan))

    with pytest.raises(ValidationError) as exc:
        services.action_plan_item_respond(
            item=first, actor=trader, response="Done.", files=[png_upload(), bad]
        )

    assert "files" in exc.value.message_dict
    assert reload(first).status == ST.TO_ANSWER and reload(first).response == ""
    assert not ActionPlanItemEvidence.objects.exists()
    assert _stored_files() == files
    assert len(audit_events(plan)) == before


def test_a_file_too_large_is_refused(plan, trader, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    first, _second = _items(plan)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_item_respond(
            item=first, actor=trader, response="Done.", files=[png_upload()]
        )
    assert "too large" in exc.value.message_dict["files"][0]
    assert not ActionPlanItemEvidence.objects.exists()


def test_a_refusal_after_the_checks_leaves_no_file(responded, trader):
    item = _items(responded)[0]
    files = _stored_files()
    with pytest.raises(TransitionNotAllowed):
        services.action_plan_item_respond(
            item=item, actor=trader, response="More.", files=[png_upload()]
        )
    assert not ActionPlanItemEvidence.objects.exists()
    assert _stored_files() == files


@pytest.mark.parametrize("role", others("trader"))
def test_answer_refused_for_role(role, actors, plan):
    first, _second = _items(plan)
    with pytest.raises(NotPermitted):
        services.action_plan_item_respond(item=first, actor=actors[role], response="Done.")
    assert reload(first).status == ST.TO_ANSWER


def test_no_answer_while_the_officer_reviews(responded, trader):
    item = _items(responded)[0]
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_plan_item_respond(item=item, actor=trader, response="More.")
    assert str(PS.RESPONDED.label) in str(exc.value)
    assert reload(item).response == "Locks fitted."


# --- The officer reviews -----------------------------------------------------------------


def test_accept_one_return_the_other_then_answer_again_and_accept(responded, trader, officer):
    first, second = _items(responded)
    before = len(audit_events(responded))

    services.action_plan_item_accept(item=first, actor=officer, note="Seen on site.")
    assert reload(responded).state == PS.RESPONDED  # one answer still awaits review
    services.action_plan_item_return(item=second, actor=officer, note="Send a picture.")

    plan = reload(responded)
    assert plan.state == PS.RETURNED
    assert "Send a picture." in plan.review_note and second.measure in plan.review_note
    assert [(i.status, i.review_note) for i in _items(plan)] == [
        (ST.ACCEPTED, "Seen on site."),
        (ST.RETURNED, "Send a picture."),
    ]
    assert _events(plan, before) == [
        ("accept_item", "", ""),
        ("return_item", "", ""),
        ("return_plan", PS.RESPONDED, PS.RETURNED),
    ]

    # The accepted measure is closed; the returned one is answered again.
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_plan_item_respond(item=first, actor=trader, response="Again.")
    assert str(ST.ACCEPTED.label) in str(exc.value)
    services.action_plan_item_respond(
        item=second, actor=trader, response="Picture attached.", files=[png_upload()]
    )
    assert reload(plan).state == PS.RESPONDED

    services.action_plan_item_accept(item=second, actor=officer)
    plan = reload(plan)
    assert plan.state == PS.ACCEPTED
    assert {i.status for i in _items(plan)} == {ST.ACCEPTED}
    assert _events(plan)[-2:] == [("accept_item", "", ""), ("accept", PS.RESPONDED, PS.ACCEPTED)]


@pytest.mark.parametrize("role", others(*OFFICERS))
@pytest.mark.parametrize("review", ["accept", "return"])
def test_review_refused_for_role(review, role, actors, responded):
    item = _items(responded)[0]
    run = (
        services.action_plan_item_accept if review == "accept" else services.action_plan_item_return
    )
    with pytest.raises(NotPermitted):
        run(item=item, actor=actors[role], note="Seen.")
    assert reload(item).status == ST.ANSWERED


@pytest.mark.parametrize("role", OFFICERS)
def test_review_allowed_for_officers_and_managers(role, actors, responded):
    item = _items(responded)[0]
    services.action_plan_item_accept(item=item, actor=actors[role])
    assert reload(item).status == ST.ACCEPTED


@pytest.mark.parametrize("review", ["accept", "return"])
def test_no_review_before_the_member_has_answered_everything(review, plan, trader, officer):
    first, _second = _items(plan)
    services.action_plan_item_respond(item=first, actor=trader, response="Done.")
    run = (
        services.action_plan_item_accept if review == "accept" else services.action_plan_item_return
    )
    with pytest.raises(TransitionNotAllowed) as exc:
        run(item=first, actor=officer, note="Seen.")
    assert str(PS.ISSUED.label) in str(exc.value)
    assert reload(first).status == ST.ANSWERED


def test_an_accepted_measure_cannot_be_reviewed_again(responded, officer):
    item = _items(responded)[0]
    services.action_plan_item_accept(item=item, actor=officer)
    for run in (services.action_plan_item_accept, services.action_plan_item_return):
        with pytest.raises(TransitionNotAllowed) as exc:
            run(item=item, actor=officer, note="Again.")
        assert "Cannot" in str(exc.value) and str(ST.ACCEPTED.label) in str(exc.value)


def test_a_returned_measure_waits_for_the_member(responded, officer):
    item = _items(responded)[0]
    services.action_plan_item_return(item=item, actor=officer, note="Send a picture.")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_plan_item_accept(item=item, actor=officer)
    assert str(ST.RETURNED.label) in str(exc.value)
    assert reload(item).status == ST.RETURNED


@pytest.mark.parametrize("note", ["", "   "])
def test_return_needs_a_note(note, responded, officer):
    item = _items(responded)[0]
    with pytest.raises(ValidationError) as exc:
        services.action_plan_item_return(item=item, actor=officer, note=note)
    assert "note" in exc.value.message_dict
    assert reload(item).status == ST.ANSWERED


# --- The plan-level actions still work, and agree with the items ---------------------------


def test_plan_level_accept_accepts_every_measure_still_pending(responded, officer):
    first, _second = _items(responded)
    services.action_plan_item_return(item=first, actor=officer, note="Picture?")

    services.action_plan_accept(plan=responded, actor=officer, note="All verified.")

    assert reload(responded).state == PS.ACCEPTED
    assert {i.status for i in _items(responded)} == {ST.ACCEPTED}


def test_plan_level_response_puts_every_open_measure_back_to_review(responded, trader, officer):
    first, second = _items(responded)
    services.action_plan_item_accept(item=first, actor=officer)
    services.action_plan_item_return(item=second, actor=officer, note="Picture?")

    services.action_plan_respond(plan=responded, actor=trader, response="Picture sent by mail.")

    assert reload(responded).state == PS.RESPONDED
    assert [i.status for i in _items(responded)] == [ST.ACCEPTED, ST.ANSWERED]
    services.action_plan_item_accept(item=second, actor=officer)
    assert reload(responded).state == PS.ACCEPTED


# --- Deadlines ---------------------------------------------------------------------------


def test_extend_one_measure(plan, officer):
    first, second = _items(plan)
    before = len(audit_events(plan))

    services.action_plan_item_extend(
        item=second, actor=officer, deadline=_later(90), reason="Parts are back-ordered."
    )

    second = reload(second)
    assert (second.deadline, second.original_deadline) == (_later(90), _later(60))
    assert reload(first).deadline == _later(30)
    assert reload(plan).deadline == _later(90)  # the latest of its measures
    [event] = audit_events(plan)[before:]
    assert event.action == "extend_item" and "Parts are back-ordered." in event.note
    assert second.measure in event.note


def test_extending_a_measure_of_an_overdue_plan_reissues_it(company, officer):
    plan = make_action_plan(state=PS.ESCALATED, company=company, officer=officer)
    item = _items(plan)[0]

    services.action_plan_item_extend(
        item=item, actor=officer, deadline=_later(20), reason="Strike."
    )

    plan = reload(plan)
    assert (plan.state, plan.deadline) == (PS.ISSUED, _later(20))
    assert _events(plan)[-1] == ("extend", PS.ESCALATED, PS.ISSUED)


@pytest.mark.parametrize(
    "deadline,reason,field",
    [
        (lambda item: item.deadline, "Parts are late.", "deadline"),
        (lambda item: agency_today(), "Parts are late.", "deadline"),
        (lambda item: item.deadline + dt.timedelta(days=9), " ", "reason"),
    ],
    ids=["same-deadline", "today", "no-reason"],
)
def test_extend_a_measure_refuses_bad_input(deadline, reason, field, plan, officer):
    item = _items(plan)[0]
    before = len(audit_events(plan))
    with pytest.raises(ValidationError) as exc:
        services.action_plan_item_extend(
            item=item, actor=officer, deadline=deadline(item), reason=reason
        )
    assert field in exc.value.message_dict
    assert reload(item).deadline == item.deadline
    assert len(audit_events(plan)) == before


def test_an_accepted_measure_is_not_extended(responded, officer):
    first, second = _items(responded)
    services.action_plan_item_accept(item=first, actor=officer)
    services.action_plan_item_return(item=second, actor=officer, note="Picture?")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_plan_item_extend(
            item=first, actor=officer, deadline=_later(200), reason="No."
        )
    assert str(ST.ACCEPTED.label) in str(exc.value)


def test_no_extension_while_the_officer_reviews(responded, officer):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.action_plan_item_extend(
            item=_items(responded)[0], actor=officer, deadline=_later(200), reason="No."
        )
    assert str(PS.RESPONDED.label) in str(exc.value)


@pytest.mark.parametrize("role", others(*OFFICERS))
def test_extend_refused_for_role(role, actors, plan):
    item = _items(plan)[0]
    with pytest.raises(NotPermitted):
        services.action_plan_item_extend(
            item=item, actor=actors[role], deadline=_later(90), reason="Late."
        )
    assert reload(item).deadline == item.deadline


def test_an_accepted_measure_is_never_overdue(responded, officer):
    first, second = _items(responded)
    services.action_plan_item_accept(item=first, actor=officer)
    services.action_plan_item_return(item=second, actor=officer, note="Picture?")
    plan = reload(responded)
    day_after = plan.deadline + dt.timedelta(days=1)

    with time_machine.travel(at_noon(day_after), tick=False):
        sweep_action_plans(today=day_after)
        first, second = _items(plan)
        assert reload(plan).state == PS.OVERDUE  # the returned measure is late
        assert (first.is_overdue, second.is_overdue) == (False, True)
        rows = action_plan_item_deadline_rows(
            start=day_after - dt.timedelta(days=90), end=day_after + dt.timedelta(days=90)
        )
        assert [r["pk"] for r in rows] == [second.pk]  # reminders only for the open one


def test_an_answer_awaiting_review_is_not_overdue(plan, trader):
    first, second = _items(plan)
    services.action_plan_item_respond(item=first, actor=trader, response="Done.")
    with time_machine.travel(at_noon(first.deadline + dt.timedelta(days=1)), tick=False):
        first, second = _items(plan)
        assert first.is_overdue is False
        assert second.is_overdue is False  # not due yet
    with time_machine.travel(at_noon(second.deadline + dt.timedelta(days=1)), tick=False):
        assert [i.is_overdue for i in _items(plan)] == [False, True]


def test_evidence_is_scoped_to_the_company(plan, trader, other_trader, officer):
    services.action_plan_item_respond(
        item=_items(plan)[0], actor=trader, response="Done.", files=[png_upload()]
    )
    evidence = ActionPlanItemEvidence.objects.get()
    assert list(scope_for(ActionPlanItemEvidence, user=trader)) == [evidence]
    assert list(scope_for(ActionPlanItemEvidence, user=officer)) == [evidence]
    assert not scope_for(ActionPlanItemEvidence, user=other_trader).exists()


def test_the_admin_shows_an_items_files_read_only(client, administrator, plan, trader):
    from django.urls import reverse

    item = _items(plan)[0]
    services.action_plan_item_respond(
        item=item, actor=trader, response="Done.", files=[png_upload("gate.png")]
    )
    client.force_login(administrator)
    response = client.get(reverse("admin:validations_actionplanitem_change", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "gate.png" in html
    assert 'name="evidence-0-file"' not in html  # no upload around the portal's checks


def test_the_audit_notes_name_each_measure_by_its_number_and_quote_it(company, officer, trader):
    # Measure 1 is due after measure 2: the numbers follow the order they were written in.
    plan = services.action_plan_issue(
        company=company,
        actor=officer,
        items=[
            {"measure": "Install a lock on gate 1.", "deadline": _later(60)},
            {"measure": "Train the guards.", "deadline": _later(30)},
        ],
    )
    first, second = ActionPlanItem.objects.filter(plan=plan).order_by("id")
    before = len(audit_events(plan))
    services.action_plan_item_extend(
        item=first, actor=officer, deadline=_later(90), reason="Parts are back-ordered."
    )
    services.action_plan_item_respond(item=second, actor=trader, response="Done.")
    services.action_plan_item_respond(item=first, actor=trader, response="Fitted.")
    services.action_plan_item_accept(item=second, actor=officer)
    services.action_plan_item_return(item=first, actor=officer, note="A picture, please.")
    notes = {e.action: e.note for e in audit_events(plan)[before:]}
    assert notes["extend_item"] == (
        f"Measure 1 (“Install a lock on gate 1.”): extended to {_later(90).isoformat()}: "
        "Parts are back-ordered."
    )
    assert notes["respond_item"] == "Measure 1 (“Install a lock on gate 1.”): Fitted."
    assert notes["accept_item"] == "Measure 2 (“Train the guards.”)"
    assert notes["return_plan"] == "Measure 1 (“Install a lock on gate 1.”): A picture, please."
