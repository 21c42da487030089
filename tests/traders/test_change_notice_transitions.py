"""Change notices: acknowledge and open a follow-up, through their services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotPermitted, TransitionNotAllowed
from tests.traders.factories import ACTOR_NAMES, audit_events_for, change_notice_in, world
from traders import services
from traders.models import ChangeNotice

pytestmark = pytest.mark.django_db

S = ChangeNotice.State
OFFICERS = ("officer", "manager")

MOVES = {
    "acknowledge": (
        S.ACKNOWLEDGED,
        lambda notice, actor: services.change_notice_acknowledge(
            notice=notice, actor=actor, note="New address recorded."
        ),
    ),
    "open_follow_up": (
        S.FOLLOW_UP,
        lambda notice, actor: services.change_notice_open_follow_up(
            notice=notice, actor=actor, follow_up="revalidation", note="New warehouse."
        ),
    ),
}
NOTES = {"acknowledge": "New address recorded.", "open_follow_up": "New warehouse."}


def test_every_change_notice_transition_is_covered():
    methods = {
        name for name in dir(ChangeNotice) if hasattr(getattr(ChangeNotice, name), "_django_fsm")
    }
    assert methods == set(MOVES)


@pytest.mark.parametrize("actor_name", OFFICERS)
@pytest.mark.parametrize("action", list(MOVES))
def test_transition_allowed(action, actor_name, actors, company):
    target, run = MOVES[action]
    notice = change_notice_in(S.SUBMITTED, company=company, officer=actors["officer"])
    actor = actors[actor_name]
    events_before = audit_events_for(notice)

    returned = run(notice, actor)

    notice.refresh_from_db()
    assert returned.state == notice.state == target
    assert notice.officer_note == NOTES[action]
    if action == "open_follow_up":
        assert notice.follow_up == "revalidation"
    (event,) = audit_events_for(notice)[len(events_before) :]
    assert (event.action, event.from_state, event.to_state) == (action, S.SUBMITTED, target)
    assert (event.actor, event.note, event.company_id) == (actor, NOTES[action], company.pk)


@pytest.mark.parametrize("state", [S.ACKNOWLEDGED, S.FOLLOW_UP])
@pytest.mark.parametrize("action", list(MOVES))
def test_transition_refused_in_wrong_state(action, state, actors, company):
    _target, run = MOVES[action]
    notice = change_notice_in(state, company=company, officer=actors["officer"])
    before = world(notice)

    with pytest.raises(TransitionNotAllowed) as refused:
        run(notice, actors["officer"])

    label = str(S(state).label)
    assert refused.value.state == label
    assert f"it is {label}." in str(refused.value)
    assert world(notice) == before


@pytest.mark.parametrize("actor_name", [n for n in ACTOR_NAMES if n not in OFFICERS])
@pytest.mark.parametrize("action", list(MOVES))
def test_transition_refused_for_role(action, actor_name, actors, company):
    _target, run = MOVES[action]
    notice = change_notice_in(S.SUBMITTED, company=company, officer=actors["officer"])
    before = world(notice)

    with pytest.raises(NotPermitted):
        run(notice, actors[actor_name])

    assert world(notice) == before


def test_follow_up_must_be_a_spot_check_or_a_revalidation(actors, company):
    notice = change_notice_in(S.SUBMITTED, company=company, officer=actors["officer"])
    before = world(notice)

    with pytest.raises(ValidationError) as refused:
        services.change_notice_open_follow_up(
            notice=notice, actor=actors["officer"], follow_up="phone_call"
        )

    assert "follow_up" in refused.value.message_dict
    assert world(notice) == before


def test_a_trader_reports_changes_only_for_their_own_company(actors, company, other_company):
    with pytest.raises(NotPermitted):
        services.change_notice_submit(
            company=other_company,
            actor=actors["trader"],
            kind=ChangeNotice.Kind.CONTACTS,
            description="New phone number.",
            effective_on=company.created_at.date(),
        )
    assert not ChangeNotice.objects.filter(company=other_company).exists()
