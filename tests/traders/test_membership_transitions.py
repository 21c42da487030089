"""Every transition of a membership through its service: allowed from each source state
(with its audit event), refused in every other state, refused for every other role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from core.dates import agency_today, membership_expiry
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import User
from tests.traders.factories import (
    ACTOR_NAMES,
    after_expiry,
    agency_noon,
    audit_events_for,
    membership_in,
    small_catalogue_load,
    world,
)
from traders import services
from traders.models import Membership

pytestmark = pytest.mark.django_db

S = Membership.State
MANAGERS = frozenset({"manager"})
OFFICERS = frozenset({"officer", "manager"})


@pytest.fixture(autouse=True)
def _small_catalogue(db):
    small_catalogue_load()


def _validated_on() -> dt.date:
    """The day the renewal's site validation was completed: ten days before the renewal."""
    return agency_today() - dt.timedelta(days=10)


def _an_hour_later(membership: Membership) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    allowed: frozenset[str]
    run: Callable[[Membership, User | None], Membership]
    note: str
    when: Callable[[Membership], dt.datetime] = _an_hour_later
    stamps: bool = True  # the state changes, so "in this state since" moves


MOVES: dict[str, Move] = {
    "suspend": Move(
        sources=(S.ACTIVE,),
        target=S.SUSPENDED,
        allowed=MANAGERS,
        run=lambda m, actor: services.membership_suspend(
            membership=m, actor=actor, reason="Seal tampering under investigation."
        ),
        note="Seal tampering under investigation.",
    ),
    "reinstate": Move(
        sources=(S.SUSPENDED,),
        target=S.ACTIVE,
        allowed=MANAGERS,
        run=lambda m, actor: services.membership_reinstate(
            membership=m, actor=actor, reason="Investigation closed."
        ),
        note="Investigation closed.",
    ),
    "cancel": Move(
        sources=(S.ACTIVE, S.SUSPENDED),
        target=S.CANCELLED,
        allowed=MANAGERS,
        run=lambda m, actor: services.membership_cancel(
            membership=m, actor=actor, reason="Action plan not completed."
        ),
        note="Action plan not completed.",
    ),
    "lapse": Move(
        sources=(S.ACTIVE, S.SUSPENDED),
        target=S.LAPSED,
        allowed=MANAGERS | {"system"},
        run=lambda m, actor: services.membership_lapse(
            membership=m, actor=actor, note="Revalidation not completed."
        ),
        note="Revalidation not completed.",
        when=after_expiry,
    ),
    "appeal": Move(
        sources=(S.CANCELLED,),
        target=S.APPEALED,
        allowed=frozenset({"trader"}),
        run=lambda m, actor: services.membership_appeal(
            membership=m, actor=actor, grounds="The action plan was completed on time."
        ),
        note="The action plan was completed on time.",
    ),
    "allow_appeal": Move(
        sources=(S.APPEALED,),
        target=S.ACTIVE,
        allowed=MANAGERS,
        run=lambda m, actor: services.membership_allow_appeal(
            membership=m, actor=actor, reason="Evidence of completion accepted."
        ),
        note="Evidence of completion accepted.",
    ),
    "uphold_cancellation": Move(
        sources=(S.APPEALED,),
        target=S.UPHELD,
        allowed=MANAGERS,
        run=lambda m, actor: services.membership_uphold_cancellation(
            membership=m, actor=actor, reason="Completion came after the deadline."
        ),
        note="Completion came after the deadline.",
    ),
    "renew": Move(
        sources=(S.ACTIVE,),
        target=S.ACTIVE,
        allowed=OFFICERS,
        run=lambda m, actor: services.membership_renew(
            membership=m, actor=actor, validated_on=_validated_on(), note="Revalidation completed."
        ),
        note="Revalidation completed.",
        stamps=False,
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


def test_every_membership_transition_is_covered():
    methods = {
        name for name in dir(Membership) if hasattr(getattr(Membership, name), "_django_fsm")
    }
    assert methods == set(MOVES)


@pytest.mark.parametrize(("action", "source", "actor_name"), ALLOWED)
def test_transition_allowed(action, source, actor_name, actors, company, time_machine):
    move = MOVES[action]
    membership = membership_in(source, company=company, manager=actors["manager"])
    actor = actors[actor_name]
    old = Membership.objects.get(pk=membership.pk)
    events_before = audit_events_for(membership)
    when = move.when(membership)
    time_machine.move_to(when, tick=False)

    returned = move.run(membership, actor)

    membership.refresh_from_db()
    assert returned.state == membership.state == move.target
    new_events = audit_events_for(membership)[len(events_before) :]
    assert len(new_events) == 1
    event = new_events[0]
    assert (event.action, event.from_state, event.to_state) == (action, source, move.target)
    assert event.actor == actor
    assert event.actor_role == (actor.role if actor else "system")
    assert event.note == move.note
    assert event.occurred_at == when
    assert event.company_id == company.pk
    if move.stamps:
        assert membership.state_changed_at == when
    assert membership.certified_on == old.certified_on
    if action == "renew":
        # Four years from the site validation (before the decision), not from the old expiry.
        assert membership.expires_on == membership_expiry(_validated_on())
        assert membership.last_renewed_on == agency_today()
    else:
        assert membership.expires_on == old.expires_on
    if action == "cancel":
        assert membership.cancelled_on == agency_today()
    if action == "allow_appeal":
        assert membership.cancelled_on is None


@pytest.mark.parametrize(("action", "state"), WRONG_STATE)
def test_transition_refused_in_wrong_state(action, state, actors, company, time_machine):
    move = MOVES[action]
    membership = membership_in(state, company=company, manager=actors["manager"])
    actor = actors[sorted(move.allowed)[0]]
    time_machine.move_to(move.when(membership), tick=False)
    before = world(membership)

    with pytest.raises(TransitionNotAllowed) as refused:
        move.run(membership, actor)

    label = str(S(state).label)
    assert refused.value.state == label
    assert f"it is {label}." in str(refused.value)
    assert world(membership) == before


@pytest.mark.parametrize(("action", "actor_name"), REFUSED_ROLE)
def test_transition_refused_for_role(action, actor_name, actors, company, time_machine):
    move = MOVES[action]
    membership = membership_in(move.sources[0], company=company, manager=actors["manager"])
    time_machine.move_to(move.when(membership), tick=False)
    before = world(membership)

    with pytest.raises(NotPermitted):
        move.run(membership, actors[actor_name])

    assert world(membership) == before


# --- Dates that decide whether an action is open -----------------------------------------


@pytest.mark.parametrize(
    ("days_after_expiry", "lapses"),
    [(-1, False), (0, False), (1, True)],
    ids=["day-before-expiry", "expiry-day", "day-after-expiry"],
)
def test_membership_lapses_only_after_its_expiry_day(
    days_after_expiry, lapses, actors, company, time_machine
):
    membership = membership_in(S.ACTIVE, company=company, manager=actors["manager"])
    time_machine.move_to(
        agency_noon(membership.expires_on + dt.timedelta(days=days_after_expiry)), tick=False
    )
    before = world(membership)

    if lapses:
        assert services.membership_lapse(membership=membership, actor=None).state == S.LAPSED
    else:
        with pytest.raises(DomainError) as refused:
            services.membership_lapse(membership=membership, actor=None)
        assert refused.value.code == "not_expired"
        assert membership.expires_on.isoformat() in str(refused.value)
        assert world(membership) == before


def test_expiry_day_is_counted_in_ottawa(actors, company, time_machine):
    """03:00 UTC the day after expiry is still the expiry day in Ottawa: too early to lapse."""
    membership = membership_in(S.ACTIVE, company=company, manager=actors["manager"])
    day_after = membership.expires_on + dt.timedelta(days=1)
    time_machine.move_to(dt.datetime.combine(day_after, dt.time(3), tzinfo=dt.UTC), tick=False)

    with pytest.raises(DomainError):
        services.membership_lapse(membership=membership, actor=None)

    assert Membership.objects.get(pk=membership.pk).state == S.ACTIVE


@pytest.mark.parametrize(("days", "open_"), [(30, True), (31, False)], ids=["day-30", "day-31"])
def test_appeal_window_is_thirty_days_from_cancellation(days, open_, actors, company, time_machine):
    membership = membership_in(S.CANCELLED, company=company, manager=actors["manager"])
    time_machine.move_to(agency_noon(membership.cancelled_on + dt.timedelta(days=days)))
    trader = actors["trader"]

    if open_:
        appealed = services.membership_appeal(
            membership=membership, actor=trader, grounds="Unfair."
        )
        assert appealed.state == S.APPEALED
    else:
        before = world(membership)
        with pytest.raises(TransitionNotAllowed) as refused:
            services.membership_appeal(membership=membership, actor=trader, grounds="Unfair.")
        assert refused.value.state == str(S.CANCELLED.label)
        assert world(membership) == before


def test_assigning_an_officer_is_recorded_and_keeps_the_dates(actors, company):
    membership = membership_in(S.ACTIVE, company=company, manager=actors["manager"])
    events_before = audit_events_for(membership)

    services.membership_assign_officer(
        membership=membership, officer=actors["officer"], actor=actors["manager"]
    )

    fresh = Membership.objects.get(pk=membership.pk)
    assert fresh.assigned_officer == actors["officer"]
    assert (fresh.certified_on, fresh.expires_on) == (
        membership.certified_on,
        membership.expires_on,
    )
    (event,) = audit_events_for(membership)[len(events_before) :]
    assert (event.action, event.actor) == ("assign_officer", actors["manager"])


@pytest.mark.parametrize("actor_name", [n for n in ACTOR_NAMES if n != "manager"])
def test_only_a_manager_assigns_an_officer(actor_name, actors, company):
    membership = membership_in(S.ACTIVE, company=company, manager=actors["manager"])
    before = world(membership)

    with pytest.raises(NotPermitted):
        services.membership_assign_officer(
            membership=membership, officer=actors["officer"], actor=actors[actor_name]
        )

    assert world(membership) == before
