import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.dates import agency_today
from core.errors import DomainError, Incomplete, NotPermitted, TransitionNotAllowed
from tests.factories import SiteFactory, UserFactory, make_application, make_membership
from tests.validations.factories import (
    audit_events,
    make_site_validation,
    others,
    plan_measure,
    record_findings,
    reload,
)
from traders import services as trader_services
from traders.models import Application, ChangeNotice, Membership, Requirement
from traders.selectors import catalogue_current
from validations import services
from validations.models import SiteValidation

pytestmark = pytest.mark.django_db

VS = SiteValidation.State
AS = Application.State
KIND = SiteValidation.Kind


def _noop(validation, officer):
    pass


TRANSITIONS = {
    "start": {
        "source": VS.SCHEDULED,
        "target": VS.IN_PROGRESS,
        "wrong": VS.CANCELLED,
        "run": lambda v, actor: services.site_validation_start(validation=v, actor=actor),
    },
    "complete": {
        "source": VS.IN_PROGRESS,
        "target": VS.COMPLETED,
        "wrong": VS.SCHEDULED,
        "prepare": record_findings,
        "run": lambda v, actor: services.site_validation_complete(
            validation=v, actor=actor, outcome="meets", recommendations="Light the north gate."
        ),
    },
    "cancel": {
        "source": VS.SCHEDULED,
        "target": VS.CANCELLED,
        "wrong": VS.COMPLETED,
        "run": lambda v, actor: services.site_validation_cancel(
            validation=v, actor=actor, reason="The company asked for another date."
        ),
    },
}


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_allowed_writes_one_audit_event(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    validation = make_site_validation(state=t["source"], company=company, officer=officer)
    t.get("prepare", _noop)(validation, officer)
    before = len(audit_events(validation))

    t["run"](validation, actors[role])

    assert reload(validation).state == t["target"]
    new = audit_events(validation)[before:]
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in new] == [
        (name, t["source"], t["target"], actors[role])
    ]


@pytest.mark.parametrize(
    "name,role",
    [(name, role) for name in TRANSITIONS for role in others("officer", "manager")],
)
def test_transition_refused_for_role(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    validation = make_site_validation(state=t["source"], company=company, officer=officer)
    t.get("prepare", _noop)(validation, officer)
    before = len(audit_events(validation))

    with pytest.raises(NotPermitted):
        t["run"](validation, actors[role])

    assert reload(validation).state == t["source"]
    assert len(audit_events(validation)) == before


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_refused_in_wrong_state_names_the_state(name, company, officer):
    t = TRANSITIONS[name]
    validation = make_site_validation(state=t["wrong"], company=company, officer=officer)
    before = len(audit_events(validation))

    with pytest.raises(TransitionNotAllowed) as exc:
        t["run"](validation, officer)

    assert str(VS(t["wrong"]).label) in str(exc.value)
    assert reload(validation).state == t["wrong"]
    assert len(audit_events(validation)) == before


# --- Scheduling -------------------------------------------------------------------------


def _schedule(**kwargs):
    kwargs.setdefault("scheduled_for", agency_today() + dt.timedelta(days=7))
    return services.site_validation_schedule(**kwargs)


def test_initial_validation_schedules_the_application(company, officer):
    app = make_application(state=AS.ELIGIBLE, company=company, officer=officer)
    colleague = UserFactory(role="officer")

    validation = _schedule(
        company=company, actor=officer, kind=KIND.INITIAL, application=app, officers=[colleague]
    )

    assert reload(app).state == AS.VALIDATION_SCHEDULED
    assert validation.state == VS.SCHEDULED
    assert validation.lead_officer == officer
    assert set(validation.officers.all()) == {officer, colleague}
    assert validation.catalogue == app.profile.catalogue
    assert set(validation.sites.all()) == set(app.sites.all())  # the sites in scope by default
    [event] = audit_events(validation)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "schedule",
        "",
        VS.SCHEDULED,
        officer,
    )


def test_initial_validation_refused_unless_application_is_eligible(company, officer):
    app = make_application(state=AS.UNDER_REVIEW, company=company, officer=officer)

    with pytest.raises(TransitionNotAllowed) as exc:
        _schedule(company=company, actor=officer, kind=KIND.INITIAL, application=app)

    assert str(AS.UNDER_REVIEW.label) in str(exc.value)
    assert not SiteValidation.objects.exists()
    assert reload(app).state == AS.UNDER_REVIEW


def test_second_initial_validation_refused_while_one_is_scheduled(company, officer):
    validation = make_site_validation(company=company, officer=officer)

    with pytest.raises(TransitionNotAllowed):
        _schedule(
            company=company,
            actor=officer,
            kind=KIND.INITIAL,
            application=validation.application,
        )

    assert SiteValidation.objects.count() == 1


def test_initial_validation_needs_the_companys_application(company, other_company, officer):
    others_app = make_application(state=AS.ELIGIBLE, company=other_company, officer=officer)

    for application in (None, others_app):
        with pytest.raises(ValidationError) as exc:
            _schedule(company=company, actor=officer, kind=KIND.INITIAL, application=application)
        assert "application" in exc.value.message_dict
    assert reload(others_app).state == AS.ELIGIBLE


@pytest.mark.parametrize("kind", [KIND.REVALIDATION, KIND.SPOT_CHECK, KIND.POST_INCIDENT])
def test_membership_validation_against_the_catalogue_in_force(kind, company, officer):
    membership = make_membership(company=company)

    validation = _schedule(company=company, actor=officer, kind=kind, membership=membership)

    assert validation.membership == membership
    assert validation.application is None
    assert validation.catalogue == catalogue_current()


@pytest.mark.parametrize("kind", [KIND.REVALIDATION, KIND.SPOT_CHECK, KIND.POST_INCIDENT])
def test_membership_validation_needs_a_membership(kind, company, officer):
    with pytest.raises(ValidationError) as exc:
        _schedule(company=company, actor=officer, kind=kind)
    assert "membership" in exc.value.message_dict


def test_no_visit_for_an_ended_membership(company, officer):
    membership = make_membership(company=company, state=Membership.State.CANCELLED)

    with pytest.raises(DomainError):
        _schedule(company=company, actor=officer, kind=KIND.SPOT_CHECK, membership=membership)
    assert not SiteValidation.objects.exists()


def test_schedule_refuses_bad_input(company, other_company, officer):
    app = make_application(state=AS.ELIGIBLE, company=company, officer=officer)
    base = {"company": company, "actor": officer, "kind": KIND.INITIAL, "application": app}
    cases = [
        ({"scheduled_for": agency_today() - dt.timedelta(days=1)}, "scheduled_for"),
        ({"sites": [SiteFactory(company=other_company)]}, "sites"),
        ({"officers": [UserFactory(role="trader")]}, "officers"),
        ({"kind": "audit"}, "kind"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as exc:
            _schedule(**{**base, **change})
        assert field in exc.value.message_dict
    assert not SiteValidation.objects.exists()
    assert reload(app).state == AS.ELIGIBLE


def test_scheduling_the_visit_in_the_past_is_refused_but_today_is_fine(company, officer):
    app = make_application(state=AS.ELIGIBLE, company=company, officer=officer)
    validation = _schedule(
        company=company,
        actor=officer,
        kind=KIND.INITIAL,
        application=app,
        scheduled_for=agency_today(),
    )
    assert validation.scheduled_for == agency_today()


@pytest.mark.parametrize("role", others("officer", "manager"))
def test_schedule_refused_for_role(role, actors, company, officer):
    app = make_application(state=AS.ELIGIBLE, company=company, officer=officer)

    with pytest.raises(NotPermitted):
        _schedule(company=company, actor=actors[role], kind=KIND.INITIAL, application=app)

    assert not SiteValidation.objects.exists()
    assert reload(app).state == AS.ELIGIBLE


def _change_notice(company, membership, trader):
    return trader_services.change_notice_submit(
        company=company,
        actor=trader,
        kind=ChangeNotice.Kind.LOCATIONS,
        description="We moved the warehouse to Brampton.",
        effective_on=agency_today(),
        membership=membership,
    )


def test_spot_check_follows_up_a_change_notice(company, trader, officer):
    membership = make_membership(company=company)
    notice = _change_notice(company, membership, trader)

    validation = _schedule(
        company=company,
        actor=officer,
        kind=KIND.SPOT_CHECK,
        membership=membership,
        change_notice=notice,
    )

    notice = reload(notice)
    assert notice.state == ChangeNotice.State.FOLLOW_UP
    assert notice.follow_up == "spot_check"
    assert validation.change_notice == notice


def test_spot_check_on_a_closed_change_notice_writes_nothing(company, trader, officer):
    membership = make_membership(company=company)
    notice = _change_notice(company, membership, trader)
    trader_services.change_notice_acknowledge(notice=notice, actor=officer, note="Noted.")

    with pytest.raises(TransitionNotAllowed) as exc:
        _schedule(
            company=company,
            actor=officer,
            kind=KIND.SPOT_CHECK,
            membership=membership,
            change_notice=notice,
        )

    assert str(ChangeNotice.State.ACKNOWLEDGED.label) in str(exc.value)
    assert not SiteValidation.objects.exists()


def test_only_a_spot_check_follows_up_a_change_notice(company, trader, officer):
    membership = make_membership(company=company)
    notice = _change_notice(company, membership, trader)

    with pytest.raises(ValidationError) as exc:
        _schedule(
            company=company,
            actor=officer,
            kind=KIND.REVALIDATION,
            membership=membership,
            change_notice=notice,
        )
    assert "change_notice" in exc.value.message_dict
    assert reload(notice).state == ChangeNotice.State.SUBMITTED


# --- Completing and cancelling ----------------------------------------------------------


def test_initial_validation_drives_the_application_to_validated(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    assert reload(validation.application).state == AS.VALIDATION_SCHEDULED
    record_findings(validation, officer)

    done = services.site_validation_complete(
        validation=validation,
        actor=officer,
        outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
        recommendations="Add lighting at the north gate.",
        action_plan_items=[plan_measure(validation)],
    )

    assert done.outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN
    assert done.action_plans.get().items.count() == 1
    assert done.recommendations == "Add lighting at the north gate."
    assert done.completed_at is not None
    assert reload(validation.application).state == AS.VALIDATED


def test_complete_refused_while_findings_are_missing(company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    codes = list(
        Requirement.objects.filter(area__catalogue=validation.catalogue)
        .order_by("area__order", "order")
        .values_list("code", flat=True)
    )
    record_findings(validation, officer, skip=codes[:2])

    with pytest.raises(Incomplete) as exc:
        services.site_validation_complete(validation=validation, actor=officer, outcome="meets")

    assert [m["code"] for m in exc.value.missing] == codes[:2]
    assert "2" in str(exc.value)
    assert reload(validation).state == VS.IN_PROGRESS
    assert reload(validation.application).state == AS.VALIDATION_SCHEDULED
    assert [e.action for e in audit_events(validation)] == ["schedule", "start"]


@pytest.mark.parametrize("outcome", ["", "excellent"])
def test_complete_needs_a_valid_outcome(outcome, company, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer)

    with pytest.raises(ValidationError) as exc:
        services.site_validation_complete(validation=validation, actor=officer, outcome=outcome)

    assert "outcome" in exc.value.message_dict
    assert reload(validation).state == VS.IN_PROGRESS


def test_complete_of_a_withdrawn_application_is_undone_entirely(company, trader, officer):
    """The application refuses in the middle of completing: nothing of it remains."""
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    record_findings(validation, officer)
    services.application_withdraw(application=validation.application, actor=trader)

    with pytest.raises(TransitionNotAllowed) as exc:
        services.site_validation_complete(validation=validation, actor=officer, outcome="meets")

    assert str(AS.WITHDRAWN.label) in str(exc.value)
    fresh = reload(validation)
    assert (fresh.state, fresh.outcome, fresh.completed_at) == (VS.IN_PROGRESS, "", None)
    assert [e.action for e in audit_events(validation)] == ["schedule", "start"]


@pytest.mark.parametrize("source", [VS.SCHEDULED, VS.IN_PROGRESS])
def test_cancel_puts_the_application_back_to_eligible(source, company, officer):
    validation = make_site_validation(state=source, company=company, officer=officer)

    cancelled = services.site_validation_cancel(
        validation=validation, actor=officer, reason="The plant is closed this month."
    )

    assert cancelled.state == VS.CANCELLED
    assert cancelled.cancel_reason == "The plant is closed this month."
    assert reload(validation.application).state == AS.ELIGIBLE
    # ... and a new visit can be scheduled for it.
    _schedule(company=company, actor=officer, kind=KIND.INITIAL, application=validation.application)
    assert reload(validation.application).state == AS.VALIDATION_SCHEDULED


def test_cancel_after_the_application_was_withdrawn(company, trader, officer):
    # A visit under way is left to its officer when the applicant withdraws (a scheduled
    # one is cancelled with the withdrawal: tests/validations/test_withdrawal.py).
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)
    services.application_withdraw(application=validation.application, actor=trader)
    assert reload(validation).state == VS.IN_PROGRESS

    services.site_validation_cancel(
        validation=validation, actor=officer, reason="The applicant withdrew."
    )

    assert reload(validation).state == VS.CANCELLED
    assert reload(validation.application).state == AS.WITHDRAWN


def test_cancelling_a_spot_check_leaves_the_membership_alone(company, officer):
    validation = make_site_validation(kind=KIND.SPOT_CHECK, company=company, officer=officer)

    services.site_validation_cancel(validation=validation, actor=officer, reason="Rescheduled.")

    assert reload(validation).state == VS.CANCELLED
    assert reload(validation.membership).state == Membership.State.ACTIVE


def test_completing_a_spot_check_touches_no_application(company, officer):
    validation = make_site_validation(
        state=VS.COMPLETED, kind=KIND.SPOT_CHECK, company=company, officer=officer
    )
    assert validation.state == VS.COMPLETED
    assert validation.membership.application.state == AS.CERTIFIED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_needs_a_reason(reason, company, officer):
    validation = make_site_validation(company=company, officer=officer)

    with pytest.raises(ValidationError) as exc:
        services.site_validation_cancel(validation=validation, actor=officer, reason=reason)

    assert "reason" in exc.value.message_dict
    assert reload(validation).state == VS.SCHEDULED
    assert reload(validation.application).state == AS.VALIDATION_SCHEDULED
