"""Every transition of an application through its service: allowed from each source state
(with its audit event), refused in every other state, refused for every other role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from core.dates import agency_today, membership_expiry
from core.errors import NotPermitted, TransitionNotAllowed
from core.models import User
from tests.traders.factories import (
    ACTOR_NAMES,
    application_in,
    audit_events_for,
    small_catalogue_load,
    world,
)
from traders import services
from traders.declarations import SUBMIT_DECLARATION_VERSION
from traders.models import Application, InformationRequest, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_catalogue(db):
    small_catalogue_load()


S = Application.State
OFFICERS = frozenset({"officer", "manager"})
MANAGERS = frozenset({"manager"})
TRADER = frozenset({"trader"})

INFO_MESSAGE = "Send the list of your highway carriers."
INFO_RESPONSE = "The list is attached to CS-05."
INELIGIBLE_REASONS = "Business type not eligible for PIP."
DENIAL_REASONS = "Physical security does not meet PS-02 and PS-05."


def _no_effect(app: Application, actor: User | None, when: dt.datetime) -> None:
    return None


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    allowed: frozenset[str]
    run: Callable[[Application, User | None], Application]
    note: str | Callable[[Application], str]
    effects: Callable[[Application, User | None, dt.datetime], None] = field(default=_no_effect)


def _submitted(app: Application, actor: User | None, when: dt.datetime) -> None:
    assert app.submitted_at == when
    assert (app.declared_by, app.declared_at) == (actor, when), "the declaration is recorded"
    assert app.declaration_version == SUBMIT_DECLARATION_VERSION
    app.profile.refresh_from_db()
    assert app.profile.submitted_at == when, "the security profile is frozen on submit"


def _review_started(app: Application, actor: User | None, when: dt.datetime) -> None:
    assert app.assigned_officer == actor, "the officer who starts the review is assigned"


def _info_requested(app: Application, actor: User | None, when: dt.datetime) -> None:
    (request,) = InformationRequest.objects.filter(application=app, responded_at__isnull=True)
    assert request.message == INFO_MESSAGE
    assert request.deadline == agency_today() + dt.timedelta(days=14)
    assert request.requested_by == actor
    assert request.company_id == app.company_id


def _info_answered(app: Application, actor: User | None, when: dt.datetime) -> None:
    assert not InformationRequest.objects.filter(application=app, responded_at__isnull=True)
    request = InformationRequest.objects.get(application=app)
    assert (request.response, request.responded_by, request.responded_at) == (
        INFO_RESPONSE,
        actor,
        when,
    )


def _decided(reasons: str) -> Callable[[Application, User | None, dt.datetime], None]:
    def check(app: Application, actor: User | None, when: dt.datetime) -> None:
        assert app.decided_at == when
        assert app.decision_reason == reasons

    return check


def _certified(app: Application, actor: User | None, when: dt.datetime) -> None:
    assert app.decided_at == when
    (membership,) = Membership.objects.filter(application=app)
    assert membership.programme == "PIP"
    assert membership.certified_on == agency_today()
    assert membership.expires_on == membership_expiry(agency_today())


MOVES: dict[str, Move] = {
    "submit": Move(
        sources=(S.DRAFT,),
        target=S.SUBMITTED,
        allowed=TRADER,
        run=lambda app, actor: services.application_submit(
            application=app, actor=actor, declared=True
        ),
        # The audit event keeps the declaration as the signer read it, with its version.
        note=lambda app: (
            f"Declaration {SUBMIT_DECLARATION_VERSION}: I declare, as a signing "
            f"authority of {app.company.legal_name}, that the information in this application is "
            "true and complete."
        ),
        effects=_submitted,
    ),
    "start_review": Move(
        sources=(S.SUBMITTED,),
        target=S.UNDER_REVIEW,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_start_review(application=app, actor=actor),
        note="",
        effects=_review_started,
    ),
    "request_info": Move(
        sources=(S.UNDER_REVIEW,),
        target=S.INFO_REQUESTED,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_request_info(
            application=app,
            actor=actor,
            message=INFO_MESSAGE,
            deadline=agency_today() + dt.timedelta(days=14),
        ),
        note=INFO_MESSAGE,
        effects=_info_requested,
    ),
    "answer_info": Move(
        sources=(S.INFO_REQUESTED,),
        target=S.UNDER_REVIEW,
        allowed=TRADER,
        run=lambda app, actor: services.application_answer_info(
            application=app, actor=actor, response=INFO_RESPONSE
        ),
        note=INFO_RESPONSE,
        effects=_info_answered,
    ),
    "mark_eligible": Move(
        sources=(S.UNDER_REVIEW,),
        target=S.ELIGIBLE,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_mark_eligible(
            application=app, actor=actor, note="Compliance record is clean."
        ),
        note="Compliance record is clean.",
    ),
    "mark_ineligible": Move(
        sources=(S.UNDER_REVIEW,),
        target=S.INELIGIBLE,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_mark_ineligible(
            application=app, actor=actor, reasons=INELIGIBLE_REASONS
        ),
        note=INELIGIBLE_REASONS,
        effects=_decided(INELIGIBLE_REASONS),
    ),
    "schedule_validation": Move(
        sources=(S.ELIGIBLE,),
        target=S.VALIDATION_SCHEDULED,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_schedule_validation(
            application=app, actor=actor, note="Visit on 3 March."
        ),
        note="Visit on 3 March.",
    ),
    "unschedule_validation": Move(
        sources=(S.VALIDATION_SCHEDULED,),
        target=S.ELIGIBLE,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_unschedule_validation(
            application=app, actor=actor, note="Site closed for renovation."
        ),
        note="Site closed for renovation.",
    ),
    "record_validation": Move(
        sources=(S.VALIDATION_SCHEDULED,),
        target=S.VALIDATED,
        allowed=OFFICERS,
        run=lambda app, actor: services.application_record_validation(
            application=app, actor=actor, note="Meets requirements."
        ),
        note="Meets requirements.",
    ),
    "certify": Move(
        sources=(S.VALIDATED,),
        target=S.CERTIFIED,
        allowed=MANAGERS,
        run=lambda app, actor: services.application_certify(
            application=app, actor=actor, note="Welcome to PIP."
        ),
        note="Welcome to PIP.",
        effects=_certified,
    ),
    "deny": Move(
        sources=(S.VALIDATED,),
        target=S.DENIED,
        allowed=MANAGERS,
        run=lambda app, actor: services.application_deny(
            application=app, actor=actor, reasons=DENIAL_REASONS
        ),
        note=DENIAL_REASONS,
        effects=_decided(DENIAL_REASONS),
    ),
    "withdraw": Move(
        sources=tuple(Application.BEFORE_DECISION),
        target=S.WITHDRAWN,
        allowed=TRADER,
        run=lambda app, actor: services.application_withdraw(
            application=app, actor=actor, note="We will apply next year."
        ),
        note="We will apply next year.",
        effects=_decided(""),
    ),
}

ALLOWED = [
    pytest.param(action, source, name, id=f"{action}-from-{source}-by-{name}")
    for action, move in MOVES.items()
    for source in move.sources
    for name in sorted(move.allowed)
]
WRONG_STATE = [
    pytest.param(action, state, id=f"{action}-in-{state}")
    for action, move in MOVES.items()
    for state in S.values
    if state not in move.sources
]
REFUSED_ROLE = [
    pytest.param(action, name, id=f"{action}-by-{name}")
    for action, move in MOVES.items()
    for name in ACTOR_NAMES
    if name not in move.allowed
]


def _build(state: str, actors: dict, company) -> Application:
    return application_in(
        state, company=company, officer=actors["officer"], manager=actors["manager"]
    )


def test_every_application_transition_is_covered():
    methods = {
        name
        for name in dir(Application)
        if hasattr(getattr(Application, name), "_django_fsm")  # django-fsm marks transitions
    }
    assert methods == set(MOVES)


def test_withdraw_is_allowed_before_a_decision_only():
    assert set(MOVES["withdraw"].sources) == set(S.values) - {
        S.CERTIFIED,
        S.DENIED,
        S.INELIGIBLE,
        S.WITHDRAWN,
    }


@pytest.mark.parametrize(("action", "source", "actor_name"), ALLOWED)
def test_transition_allowed(action, source, actor_name, actors, company, time_machine):
    move = MOVES[action]
    app = _build(source, actors, company)
    actor = actors[actor_name]
    events_before = audit_events_for(app)
    when = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    time_machine.move_to(when, tick=False)

    returned = move.run(app, actor)

    app.refresh_from_db()
    assert returned.state == app.state == move.target
    assert app.state_changed_at == when
    new_events = audit_events_for(app)[len(events_before) :]
    assert len(new_events) == 1
    event = new_events[0]
    assert (event.action, event.from_state, event.to_state) == (action, source, move.target)
    assert event.actor == actor
    assert event.actor_role == actor.role
    assert event.note == (move.note(app) if callable(move.note) else move.note)
    assert event.occurred_at == when
    assert event.company_id == company.pk
    move.effects(app, actor, when)


@pytest.mark.parametrize(("action", "state"), WRONG_STATE)
def test_transition_refused_in_wrong_state(action, state, actors, company):
    move = MOVES[action]
    app = _build(state, actors, company)
    actor = actors[sorted(move.allowed)[0]]
    before = world(app)

    with pytest.raises(TransitionNotAllowed) as refused:
        move.run(app, actor)

    label = str(S(state).label)
    assert refused.value.state == label
    assert f"it is {label}." in str(refused.value)
    assert world(app) == before


@pytest.mark.parametrize(("action", "actor_name"), REFUSED_ROLE)
def test_transition_refused_for_role(action, actor_name, actors, company):
    move = MOVES[action]
    app = _build(move.sources[0], actors, company)
    before = world(app)

    with pytest.raises(NotPermitted):
        move.run(app, actors[actor_name])

    assert world(app) == before


def test_inactive_trader_may_not_act_for_their_company(actors, company):
    app = _build(S.DRAFT, actors, company)
    trader = actors["trader"]
    trader.is_active = False
    trader.save(update_fields=["is_active"])
    before = world(app)

    with pytest.raises(NotPermitted):
        services.application_submit(application=app, actor=trader, declared=True)

    assert world(app) == before


def test_review_keeps_the_officer_already_assigned(actors, company, officer):
    app = _build(S.SUBMITTED, actors, company)
    first = User.objects.create_user("first.officer@example.test", role="officer")
    Application.objects.filter(pk=app.pk).update(assigned_officer=first)

    services.application_start_review(application=app, actor=actors["manager"])

    app.refresh_from_db()
    assert app.assigned_officer == first
