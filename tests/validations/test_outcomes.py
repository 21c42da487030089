"""A site validation's outcome is bound to its findings: "meets" only when no must
requirement falls short, "meets with an action plan" only with a measure for each one that
does, "does not meet" always; an officer may override with a written justification."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import TransitionNotAllowed
from tests.validations.factories import (
    audit_events,
    make_site_validation,
    plan_measure,
    record_findings,
    reload,
)
from traders.models import Application
from validations import services
from validations.errors import OutcomeContradictsFindings
from validations.models import ActionPlan, Finding, SiteValidation

pytestmark = pytest.mark.django_db

VS = SiteValidation.State
OUTCOME = SiteValidation.Outcome
R = Finding.Result

# PS-02 and PS-04 are must requirements of the PIP catalogue; PS-03 is a should.
MUST_SHORT = {"PS-02": R.DOES_NOT_MEET, "PS-04": R.PARTIALLY_MEETS}


@pytest.fixture
def visit(company, officer):
    """An initial validation under way whose findings fall short on two must requirements."""
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer, results=MUST_SHORT)
    return validation


def _complete(validation, officer, outcome, **kwargs):
    return services.site_validation_complete(
        validation=validation, actor=officer, outcome=outcome, **kwargs
    )


def _nothing_completed(validation):
    fresh = reload(validation)
    assert (fresh.state, fresh.outcome, fresh.outcome_override_reason) == (VS.IN_PROGRESS, "", "")
    assert reload(validation.application).state == Application.State.VALIDATION_SCHEDULED
    assert not ActionPlan.objects.filter(source_validation=validation).exists()
    assert "complete" not in [e.action for e in audit_events(validation)]


@pytest.mark.parametrize("result", [R.DOES_NOT_MEET, R.PARTIALLY_MEETS])
def test_meets_is_refused_when_a_must_requirement_falls_short(result, company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer, results={"PS-02": result})

    with pytest.raises(OutcomeContradictsFindings) as exc:
        _complete(validation, officer, OUTCOME.MEETS)

    error = exc.value
    assert error.code == "outcome_contradicts_findings"
    assert "PS-02" in error.message and str(OUTCOME.MEETS.label) in error.message
    assert error.details["state"] == str(VS.IN_PROGRESS.label)
    assert error.details["action"] == "complete"
    assert [(f["code"], f["result"]) for f in error.details["findings"]] == [("PS-02", result)]
    _nothing_completed(validation)


def test_meets_lists_every_must_requirement_found_short(visit, officer):
    with pytest.raises(OutcomeContradictsFindings) as exc:
        _complete(visit, officer, OUTCOME.MEETS)

    assert [f["code"] for f in exc.value.details["findings"]] == ["PS-02", "PS-04"]


def test_meets_stands_when_only_a_should_requirement_falls_short(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(
        validation, officer, results={"PS-03": R.DOES_NOT_MEET, "PS-02": R.NOT_APPLICABLE}
    )

    done = _complete(validation, officer, OUTCOME.MEETS)

    assert (done.state, done.outcome, done.outcome_override_reason) == (
        VS.COMPLETED,
        OUTCOME.MEETS,
        "",
    )
    assert audit_events(validation)[-1].note == str(OUTCOME.MEETS.label)


def test_meets_with_an_action_plan_needs_a_measure_for_each_shortfall(visit, officer):
    with pytest.raises(OutcomeContradictsFindings) as exc:
        _complete(
            visit,
            officer,
            OUTCOME.MEETS_WITH_ACTION_PLAN,
            action_plan_items=[plan_measure(visit, "PS-02"), plan_measure(visit, "PS-03")],
        )

    assert [f["code"] for f in exc.value.details["findings"]] == ["PS-04"]
    assert "PS-04" in exc.value.message and "PS-02" not in exc.value.message
    _nothing_completed(visit)


def test_meets_with_an_action_plan_issues_the_plan_that_covers_the_findings(visit, officer):
    done = _complete(
        visit,
        officer,
        OUTCOME.MEETS_WITH_ACTION_PLAN,
        action_plan_items=[plan_measure(visit, "PS-02", days=30), plan_measure(visit, "PS-04")],
    )

    assert (done.state, done.outcome) == (VS.COMPLETED, OUTCOME.MEETS_WITH_ACTION_PLAN)
    plan = ActionPlan.objects.get(source_validation=visit)
    assert plan.state == ActionPlan.State.ISSUED
    assert [item.requirement.code for item in plan.items.all()] == ["PS-02", "PS-04"]
    assert reload(visit.application).state == Application.State.VALIDATED


def test_meets_with_an_action_plan_needs_a_plan(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer)

    with pytest.raises(ValidationError) as exc:
        _complete(validation, officer, OUTCOME.MEETS_WITH_ACTION_PLAN)

    assert "action_plan_items" in exc.value.message_dict
    _nothing_completed(validation)


def test_a_bad_measure_completes_nothing(visit, officer):
    bad = {**plan_measure(visit, "PS-04"), "deadline": None}

    with pytest.raises(ValidationError) as exc:
        _complete(
            visit,
            officer,
            OUTCOME.MEETS_WITH_ACTION_PLAN,
            action_plan_items=[plan_measure(visit, "PS-02"), bad],
        )

    assert exc.value.message_dict["action_plan_items"] == [
        "Item 2: the deadline must be a date after today."
    ]
    _nothing_completed(visit)


def test_meets_has_no_corrective_measures(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer)

    with pytest.raises(ValidationError) as exc:
        _complete(validation, officer, OUTCOME.MEETS, action_plan_items=[plan_measure(validation)])

    assert "action_plan_items" in exc.value.message_dict
    _nothing_completed(validation)


def test_does_not_meet_is_always_possible(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer)

    done = _complete(validation, officer, OUTCOME.DOES_NOT_MEET)

    assert (done.state, done.outcome) == (VS.COMPLETED, OUTCOME.DOES_NOT_MEET)


def test_does_not_meet_may_come_with_a_plan(visit, officer):
    done = _complete(
        visit, officer, OUTCOME.DOES_NOT_MEET, action_plan_items=[plan_measure(visit, "PS-02")]
    )

    assert done.outcome == OUTCOME.DOES_NOT_MEET
    assert ActionPlan.objects.filter(source_validation=visit).count() == 1


def test_an_officer_overrides_with_a_written_justification(visit, officer):
    reason = "PS-02 was fixed during the visit: the gate lock was replaced before we left."

    done = _complete(visit, officer, OUTCOME.MEETS, override_reason=f"  {reason} ")

    assert (done.state, done.outcome) == (VS.COMPLETED, OUTCOME.MEETS)
    assert reload(visit).outcome_override_reason == reason
    event = audit_events(visit)[-1]
    assert (event.action, event.actor) == ("complete", officer)
    assert str(OUTCOME.MEETS.label) in event.note
    assert "against the findings on PS-02, PS-04." in event.note
    assert event.note.endswith(reason)


def test_an_override_of_a_plan_that_leaves_a_finding_uncovered(visit, officer):
    reason = "PS-04 is covered by the corporate plan already issued after the incident."

    _complete(
        visit,
        officer,
        OUTCOME.MEETS_WITH_ACTION_PLAN,
        action_plan_items=[plan_measure(visit, "PS-02")],
        override_reason=reason,
    )

    assert reload(visit).outcome_override_reason == reason
    note = audit_events(visit)[-1].note
    assert "against the findings on PS-04." in note and note.endswith(reason)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_blank_justification_is_no_override(reason, visit, officer):
    with pytest.raises(OutcomeContradictsFindings):
        _complete(visit, officer, OUTCOME.MEETS, override_reason=reason)

    _nothing_completed(visit)


def test_a_wrong_state_is_refused_before_the_findings_are_weighed(company, officer):
    validation = make_site_validation(state=VS.COMPLETED, company=company, officer=officer)

    with pytest.raises(TransitionNotAllowed):
        _complete(validation, officer, OUTCOME.MEETS)
