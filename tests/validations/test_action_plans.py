import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.dates import agency_today
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import AuditEvent
from tests.factories import make_membership
from tests.validations.factories import (
    at_noon,
    audit_events,
    make_action_plan,
    make_site_validation,
    others,
    plan_items,
    reload,
)
from validations import services
from validations.models import ActionPlan, ActionPlanItem, SiteValidation

pytestmark = pytest.mark.django_db

PS = ActionPlan.State
REVIEW = ActionPlanItem.Review
TODAY = agency_today
OFFICERS = ("officer", "manager")


def _later(days):
    return agency_today() + dt.timedelta(days=days)


TRANSITIONS = {
    "respond": {
        "source": PS.ISSUED,
        "target": PS.RESPONDED,
        "wrong": PS.ACCEPTED,
        "allowed": ("trader",),
        "run": lambda p, actor: services.action_plan_respond(
            plan=p, actor=actor, response="All gates now have locks."
        ),
    },
    "accept": {
        "source": PS.RESPONDED,
        "target": PS.ACCEPTED,
        "wrong": PS.ISSUED,
        "allowed": OFFICERS,
        "run": lambda p, actor: services.action_plan_accept(plan=p, actor=actor, note="Seen."),
    },
    "return_plan": {
        "source": PS.RESPONDED,
        "target": PS.RETURNED,
        "wrong": PS.ACCEPTED,
        "allowed": OFFICERS,
        "run": lambda p, actor: services.action_plan_return(
            plan=p, actor=actor, note="Send pictures of the locks."
        ),
    },
    "mark_overdue": {
        "source": PS.ISSUED,
        "past_due": True,
        "target": PS.OVERDUE,
        "wrong": PS.RESPONDED,
        "allowed": (*OFFICERS, "system"),
        "run": lambda p, actor: services.action_plan_mark_overdue(plan=p, actor=actor),
    },
    "escalate": {
        "source": PS.OVERDUE,
        "target": PS.ESCALATED,
        "wrong": PS.ISSUED,
        "allowed": (*OFFICERS, "system"),
        "run": lambda p, actor: services.action_plan_escalate(plan=p, actor=actor),
    },
    "extend": {
        "source": PS.OVERDUE,
        "target": PS.ISSUED,
        "wrong": PS.RESPONDED,
        "allowed": OFFICERS,
        "run": lambda p, actor: services.action_plan_extend(
            plan=p, actor=actor, deadline=_later(45), reason="New locks are back-ordered."
        ),
    },
}


def _build(t, company, officer, state=None):
    return make_action_plan(
        state=state or t["source"],
        company=company,
        officer=officer,
        past_due=t.get("past_due", False),
    )


@pytest.mark.parametrize(
    "name,role", [(name, role) for name, t in TRANSITIONS.items() for role in t["allowed"]]
)
def test_transition_allowed_writes_one_audit_event(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    plan = _build(t, company, officer)
    before = len(audit_events(plan))

    t["run"](plan, actors[role])

    assert reload(plan).state == t["target"]
    new = audit_events(plan)[before:]
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in new] == [
        (name, t["source"], t["target"], actors[role])
    ]


@pytest.mark.parametrize(
    "name,role",
    [(name, role) for name, t in TRANSITIONS.items() for role in others(*t["allowed"])],
)
def test_transition_refused_for_role(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    plan = _build(t, company, officer)
    before = len(audit_events(plan))

    with pytest.raises(NotPermitted):
        t["run"](plan, actors[role])

    assert reload(plan).state == t["source"]
    assert len(audit_events(plan)) == before


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_refused_in_wrong_state_names_the_state(name, actors, company, officer):
    t = TRANSITIONS[name]
    plan = _build(t, company, officer, state=t["wrong"])
    actor = actors[t["allowed"][0]]
    before = len(audit_events(plan))

    with pytest.raises(TransitionNotAllowed) as exc:
        t["run"](plan, actor)

    assert str(PS(t["wrong"]).label) in str(exc.value)
    assert reload(plan).state == t["wrong"]
    assert len(audit_events(plan)) == before


# --- Issuing ----------------------------------------------------------------------------


def test_issue_a_plan(company, officer):
    membership = make_membership(company=company)
    items = [
        {"measure": "Install CCTV at the dock.", "deadline": _later(60)},
        {"measure": "Screen the new carriers.", "deadline": _later(20)},
    ]

    plan = services.action_plan_issue(
        company=company, actor=officer, items=items, membership=membership
    )

    assert (plan.state, plan.issued_on, plan.deadline) == (PS.ISSUED, TODAY(), _later(60))
    assert plan.membership == membership
    # In the order written (measures 1 and 2), whatever their deadlines.
    assert [(i.measure, i.deadline, i.original_deadline) for i in plan.items.all()] == [
        ("Install CCTV at the dock.", _later(60), _later(60)),
        ("Screen the new carriers.", _later(20), _later(20)),
    ]
    [event] = audit_events(plan)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "issue",
        "",
        PS.ISSUED,
        officer,
    )


def _nothing_issued():
    return (
        ActionPlan.objects.count(),
        ActionPlanItem.objects.count(),
        AuditEvent.objects.filter(action="issue").count(),
    ) == (0, 0, 0)


@pytest.mark.parametrize(
    "bad",
    [
        {"measure": "Fix the fence.", "deadline": dt.date(2020, 1, 1)},
        {"measure": "Fix the fence.", "deadline": None},
        {"measure": "  ", "deadline": dt.date(2999, 1, 1)},
    ],
    ids=["past-deadline", "no-deadline", "no-measure"],
)
def test_one_bad_item_issues_nothing(bad, company, officer):
    items = [{"measure": "Install CCTV at the dock.", "deadline": _later(60)}, bad]

    with pytest.raises(ValidationError) as exc:
        services.action_plan_issue(company=company, actor=officer, items=items)

    assert any("Item 2" in m for m in exc.value.message_dict["items"])
    assert _nothing_issued()


def test_a_deadline_of_today_is_too_soon(company, officer):
    with pytest.raises(ValidationError):
        services.action_plan_issue(
            company=company,
            actor=officer,
            items=[{"measure": "Fix the fence.", "deadline": TODAY()}],
        )
    assert _nothing_issued()


def test_a_plan_needs_at_least_one_item(company, officer):
    with pytest.raises(ValidationError) as exc:
        services.action_plan_issue(company=company, actor=officer, items=[])
    assert "items" in exc.value.message_dict
    assert _nothing_issued()


@pytest.mark.parametrize("role", others("officer", "manager"))
def test_issue_refused_for_role(role, actors, company):
    with pytest.raises(NotPermitted):
        services.action_plan_issue(company=company, actor=actors[role], items=plan_items())
    assert _nothing_issued()


def test_issue_after_a_completed_validation(company, officer):
    validation = make_site_validation(
        state=SiteValidation.State.COMPLETED,
        kind=SiteValidation.Kind.SPOT_CHECK,
        company=company,
        officer=officer,
        outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
    )
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(), source_validation=validation
    )
    assert plan.source_validation == validation
    assert plan.membership == validation.membership  # taken from the validation


def test_no_plan_from_a_validation_still_in_progress(company, officer):
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    with pytest.raises(DomainError) as exc:
        services.action_plan_issue(
            company=company, actor=officer, items=plan_items(), source_validation=validation
        )
    assert str(SiteValidation.State.IN_PROGRESS.label) in str(exc.value)
    assert _nothing_issued()


def test_sources_must_be_of_the_same_company(company, other_company, officer):
    membership = make_membership(company=other_company)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_issue(
            company=company, actor=officer, items=plan_items(), membership=membership
        )
    assert "membership" in exc.value.message_dict
    assert _nothing_issued()


# --- The member's response and the officer's review ------------------------------------


def test_respond_with_answers_per_item(company, trader, officer):
    plan = make_action_plan(company=company, officer=officer)
    first, second = plan.items.all()

    services.action_plan_respond(
        plan=plan,
        actor=trader,
        response="Both measures are done.",
        item_responses={first.pk: "Gate 1 lock installed on 3 March.", second.pk: " "},
    )

    plan = reload(plan)
    assert plan.response == "Both measures are done."
    assert plan.responded_at is not None
    first, second = plan.items.all()
    assert (first.response, first.responded_at is not None) == (
        "Gate 1 lock installed on 3 March.",
        True,
    )
    assert (second.response, second.responded_at) == ("", None)


def test_respond_refuses_items_of_another_plan(company, trader, officer):
    plan = make_action_plan(company=company, officer=officer)
    other_item = make_action_plan(company=company, officer=officer).items.first()

    with pytest.raises(ValidationError) as exc:
        services.action_plan_respond(
            plan=plan, actor=trader, response="Done.", item_responses={other_item.pk: "Done."}
        )

    assert "item_responses" in exc.value.message_dict
    assert reload(plan).state == PS.ISSUED
    assert reload(other_item).response == ""


def test_respond_needs_a_response(company, trader, officer):
    plan = make_action_plan(company=company, officer=officer)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_respond(plan=plan, actor=trader, response="  ")
    assert "response" in exc.value.message_dict
    assert reload(plan).state == PS.ISSUED


def test_accept_closes_every_measure(company, officer):
    plan = make_action_plan(state=PS.RESPONDED, company=company, officer=officer)

    services.action_plan_accept(plan=plan, actor=officer, note="Verified on site.")

    plan = reload(plan)
    assert plan.review_note == "Verified on site."
    assert {i.review for i in plan.items.all()} == {REVIEW.ACCEPTED}


def test_return_sends_the_measures_back_and_the_member_answers_again(company, trader, officer):
    plan = make_action_plan(state=PS.RESPONDED, company=company, officer=officer)

    services.action_plan_return(plan=plan, actor=officer, note="Send pictures of the locks.")

    plan = reload(plan)
    assert plan.review_note == "Send pictures of the locks."
    assert {i.review for i in plan.items.all()} == {REVIEW.RETURNED}
    services.action_plan_respond(plan=plan, actor=trader, response="Pictures attached.")
    assert reload(plan).state == PS.RESPONDED


@pytest.mark.parametrize("note", ["", "  "])
def test_return_needs_a_note(note, company, officer):
    plan = make_action_plan(state=PS.RESPONDED, company=company, officer=officer)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_return(plan=plan, actor=officer, note=note)
    assert "note" in exc.value.message_dict
    assert reload(plan).state == PS.RESPONDED


# --- Deadlines --------------------------------------------------------------------------


def test_not_overdue_before_the_deadline_has_passed(company, officer):
    plan = make_action_plan(company=company, officer=officer)

    with time_machine.travel(at_noon(plan.deadline), tick=False):
        with pytest.raises(DomainError) as exc:
            services.action_plan_mark_overdue(plan=plan, actor=None)
    assert exc.value.code == "not_overdue"
    assert reload(plan).state == PS.ISSUED

    with time_machine.travel(at_noon(plan.deadline + dt.timedelta(days=1)), tick=False):
        services.action_plan_mark_overdue(plan=plan, actor=None)
    assert reload(plan).state == PS.OVERDUE


def test_a_returned_plan_past_its_deadline_becomes_overdue(company, officer):
    plan = make_action_plan(state=PS.RETURNED, company=company, officer=officer)
    with time_machine.travel(at_noon(plan.deadline + dt.timedelta(days=1)), tick=False):
        services.action_plan_mark_overdue(plan=plan, actor=None)
    assert reload(plan).state == PS.OVERDUE


def test_extend_moves_outstanding_deadlines_but_never_the_original(company, officer):
    plan = make_action_plan(state=PS.OVERDUE, company=company, officer=officer)
    first_dates = [(i.deadline, i.original_deadline) for i in plan.items.all()]

    services.action_plan_extend(
        plan=plan, actor=officer, deadline=_later(30), reason="Parts are back-ordered."
    )

    plan = reload(plan)
    assert (plan.state, plan.deadline) == (PS.ISSUED, _later(30))
    assert [(i.deadline, i.original_deadline) for i in plan.items.all()] == [
        (_later(30), original) for _deadline, original in first_dates
    ]
    assert "Parts are back-ordered." in audit_events(plan)[-1].note


def test_extend_gives_every_outstanding_measure_the_new_deadline(company, officer):
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(days=(10, 90))
    )

    services.action_plan_extend(plan=plan, actor=officer, deadline=_later(120), reason="Strike.")

    items = list(reload(plan).items.all())
    assert [i.deadline for i in items] == [_later(120), _later(120)]
    assert [i.original_deadline for i in items] == [_later(10), _later(90)]


@pytest.mark.parametrize(
    "deadline,reason,field",
    [
        (lambda plan: plan.deadline, "Parts are late.", "deadline"),
        (lambda plan: plan.deadline - dt.timedelta(days=1), "Parts are late.", "deadline"),
        (lambda plan: plan.deadline + dt.timedelta(days=30), " ", "reason"),
    ],
    ids=["same-deadline", "earlier-deadline", "no-reason"],
)
def test_extend_refuses_bad_input(deadline, reason, field, company, officer):
    plan = make_action_plan(company=company, officer=officer)
    before = len(audit_events(plan))

    with pytest.raises(ValidationError) as exc:
        services.action_plan_extend(
            plan=plan, actor=officer, deadline=deadline(plan), reason=reason
        )

    assert field in exc.value.message_dict
    assert reload(plan).deadline == plan.deadline
    assert len(audit_events(plan)) == before


def test_extend_must_reach_past_today(company, officer):
    plan = make_action_plan(state=PS.OVERDUE, company=company, officer=officer)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_extend(
            plan=plan, actor=officer, deadline=TODAY(), reason="Parts are late."
        )
    assert "deadline" in exc.value.message_dict
    assert reload(plan).state == PS.OVERDUE


def test_respond_refuses_an_item_key_that_is_not_an_id(company, trader, officer):
    plan = make_action_plan(company=company, officer=officer)
    with pytest.raises(ValidationError) as exc:
        services.action_plan_respond(
            plan=plan, actor=trader, response="Done.", item_responses={"gate": "Done."}
        )
    assert "item_responses" in exc.value.message_dict
    assert reload(plan).state == PS.ISSUED
