import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.dates import agency_today
from core.errors import NotPermitted, TransitionNotAllowed
from core.models import AuditEvent
from tests.factories import make_membership
from tests.validations.factories import audit_events, make_incident, others, reload
from validations import services
from validations.models import ActionPlan, ActionPlanItem, Incident

pytestmark = pytest.mark.django_db

IS = Incident.State


def _conclude(incident, actor, **changes):
    kwargs = {
        "cause": "The yard gate was left open overnight.",
        "mitigating_circumstances": "The guard was ill.",
        "prevention_strategy": "Gate checks at every shift change.",
        **changes,
    }
    return services.incident_conclude(incident=incident, actor=actor, **kwargs)


TRANSITIONS = {
    "start_analysis": {
        "source": IS.REPORTED,
        "target": IS.UNDER_ANALYSIS,
        "wrong": IS.CONCLUDED,
        "run": lambda i, actor: services.incident_start_analysis(incident=i, actor=actor),
    },
    "conclude": {
        "source": IS.UNDER_ANALYSIS,
        "target": IS.CONCLUDED,
        "wrong": IS.REPORTED,
        "run": _conclude,
    },
}


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_allowed_writes_one_audit_event(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    incident = make_incident(state=t["source"], company=company, officer=officer)
    before = len(audit_events(incident))

    t["run"](incident, actors[role])

    assert reload(incident).state == t["target"]
    new = audit_events(incident)[before:]
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in new] == [
        (name, t["source"], t["target"], actors[role])
    ]


@pytest.mark.parametrize(
    "name,role",
    [(name, role) for name in TRANSITIONS for role in others("officer", "manager")],
)
def test_transition_refused_for_role(name, role, actors, company, officer):
    t = TRANSITIONS[name]
    incident = make_incident(state=t["source"], company=company, officer=officer)
    before = len(audit_events(incident))

    with pytest.raises(NotPermitted):
        t["run"](incident, actors[role])

    assert reload(incident).state == t["source"]
    assert len(audit_events(incident)) == before


@pytest.mark.parametrize("name", TRANSITIONS)
def test_transition_refused_in_wrong_state_names_the_state(name, company, officer):
    t = TRANSITIONS[name]
    incident = make_incident(state=t["wrong"], company=company, officer=officer)
    before = len(audit_events(incident))

    with pytest.raises(TransitionNotAllowed) as exc:
        t["run"](incident, officer)

    assert str(IS(t["wrong"]).label) in str(exc.value)
    assert reload(incident).state == t["wrong"]
    assert len(audit_events(incident)) == before


# --- Reporting --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["trader", "officer", "manager"])
def test_report_an_incident(role, actors, company):
    membership = make_membership(company=company)
    yesterday = agency_today() - dt.timedelta(days=1)

    incident = services.incident_report(
        company=company,
        actor=actors[role],
        occurred_on=yesterday,
        description="Seal 4411 broken on arrival.",
        membership=membership,
    )

    assert (incident.state, incident.occurred_on, incident.reported_by) == (
        IS.REPORTED,
        yesterday,
        actors[role],
    )
    [event] = audit_events(incident)
    assert (event.action, event.to_state, event.actor, event.company_id) == (
        "report",
        IS.REPORTED,
        actors[role],
        company.pk,
    )


@pytest.mark.parametrize("role", others("trader", "officer", "manager"))
def test_report_refused_for_role(role, actors, company):
    with pytest.raises(NotPermitted):
        services.incident_report(
            company=company,
            actor=actors[role],
            occurred_on=agency_today(),
            description="Seal broken.",
        )
    assert not Incident.objects.exists()


def test_report_refuses_a_future_date_or_no_description(company, trader):
    cases = [
        ({"occurred_on": agency_today() + dt.timedelta(days=1)}, "occurred_on"),
        ({"description": "   "}, "description"),
    ]
    for change, field in cases:
        kwargs = {"occurred_on": agency_today(), "description": "Seal broken.", **change}
        with pytest.raises(ValidationError) as exc:
            services.incident_report(company=company, actor=trader, **kwargs)
        assert field in exc.value.message_dict
    assert not Incident.objects.exists()


def test_start_analysis_names_the_analyst(company, officer, manager):
    incident = make_incident(company=company, officer=officer)
    services.incident_start_analysis(incident=incident, actor=manager)
    assert reload(incident).analyst == manager


# --- Concluding -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["cause", "prevention_strategy"])
def test_conclude_needs_cause_and_prevention_strategy(field, company, officer):
    incident = make_incident(state=IS.UNDER_ANALYSIS, company=company, officer=officer)

    with pytest.raises(ValidationError) as exc:
        _conclude(incident, officer, **{field: " "})

    assert field in exc.value.message_dict
    assert reload(incident).state == IS.UNDER_ANALYSIS


def test_conclude_records_the_analysis(company, officer):
    incident = make_incident(state=IS.UNDER_ANALYSIS, company=company, officer=officer)

    _conclude(incident, officer, mitigating_circumstances="")

    incident = reload(incident)
    assert incident.cause == "The yard gate was left open overnight."
    assert incident.prevention_strategy == "Gate checks at every shift change."
    assert incident.concluded_at is not None
    assert not ActionPlan.objects.exists()  # no items, no plan


def test_conclude_with_items_issues_one_action_plan(company, officer):
    membership = make_membership(company=company)
    incident = services.incident_report(
        company=company,
        actor=officer,
        occurred_on=agency_today(),
        description="Seal broken.",
        membership=membership,
    )
    incident = services.incident_start_analysis(incident=incident, actor=officer)
    items = [
        {"measure": "Lock the yard gate at night.", "deadline": agency_today() + dt.timedelta(7)},
        {"measure": "Train the guards.", "deadline": agency_today() + dt.timedelta(30)},
    ]

    _conclude(incident, officer, action_items=items)

    assert reload(incident).state == IS.CONCLUDED
    [plan] = ActionPlan.objects.all()
    assert (plan.source_incident, plan.membership, plan.issued_by) == (
        incident,
        membership,
        officer,
    )
    assert plan.items.count() == 2
    assert plan.deadline == agency_today() + dt.timedelta(30)
    assert [e.action for e in audit_events(plan)] == ["issue"]


def test_conclude_with_a_bad_item_writes_nothing(company, officer):
    incident = make_incident(state=IS.UNDER_ANALYSIS, company=company, officer=officer)
    before = len(audit_events(incident))
    items = [
        {"measure": "Lock the yard gate at night.", "deadline": agency_today() + dt.timedelta(7)},
        {"measure": "Train the guards.", "deadline": agency_today() - dt.timedelta(1)},
    ]

    with pytest.raises(ValidationError) as exc:
        _conclude(incident, officer, action_items=items)

    assert "items" in exc.value.message_dict
    fresh = reload(incident)
    assert (fresh.state, fresh.cause, fresh.concluded_at) == (IS.UNDER_ANALYSIS, "", None)
    assert len(audit_events(incident)) == before
    assert not ActionPlan.objects.exists()
    assert not ActionPlanItem.objects.exists()
    assert not AuditEvent.objects.filter(action="issue").exists()
