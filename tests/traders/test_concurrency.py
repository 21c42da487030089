"""Two people act on the same record at the same moment, each through their own database
connection: exactly one wins, the other is told the record has moved on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from core.dates import agency_today
from core.errors import TransitionNotAllowed
from core.models import IdentifierSequence, Role
from tests.factories import UserFactory, make_application, make_membership
from tests.traders.factories import audit_events_for, small_catalogue_load
from traders import services
from traders.models import Application, Membership, SecurityProfile

pytestmark = [
    pytest.mark.postgres("concurrent transactions meeting at row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back_afterwards(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying the database, reference data included. Put the
    business types and the PIP 2024 catalogue back (from their migration) once this module
    is done, so that a later session run with --reuse-db still finds them."""
    yield
    with django_db_blocker.unblock():
        import_module("traders.migrations.0002_reference_data").forwards(django_apps, None)


@pytest.fixture(autouse=True)
def _small_catalogue(transactional_db):
    # A transactional test starts from whatever the previous one left: load what it needs.
    small_catalogue_load()


def _waiting_on_locks(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)", [pids]
        )
        return cursor.fetchone()[0]


def _race(calls: list[Callable[[], object]], *, hold: Callable[[], object] | None = None) -> list:
    """Run ``calls`` in threads started together. With ``hold``, the main thread first locks
    a row the calls need, waits until every thread is queued on that lock, then lets go: the
    calls really do meet at the same row."""
    barrier = threading.Barrier(len(calls))
    pids: list[int] = []
    outcomes: list[object] = [None] * len(calls)

    def worker(i: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            pids.append(connection.connection.info.backend_pid)
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:  # reported to the main thread, which asserts on it
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    with transaction.atomic():
        if hold is not None:
            hold()
        for thread in threads:
            thread.start()
        if hold is not None:
            deadline = time.monotonic() + 10
            while _waiting_on_locks(pids) < len(calls):
                assert time.monotonic() < deadline, "the threads never met at the lock"
                time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    return outcomes


def _one_winner(outcomes: list, model) -> tuple[object, Exception]:
    winners = [o for o in outcomes if isinstance(o, model)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], TransitionNotAllowed | ConcurrentTransition), losers[0]
    return winners[0], losers[0]


def test_two_officers_mark_the_same_application_eligible(company):
    officers = [UserFactory(role=Role.OFFICER, is_staff=True) for _ in range(2)]
    app = make_application(
        state=Application.State.UNDER_REVIEW, company=company, officer=officers[0]
    )
    events_before = len(audit_events_for(app))

    outcomes = _race(
        [
            lambda o=o: services.application_mark_eligible(application=app, actor=o)
            for o in officers
        ],
        hold=lambda: Application.objects.select_for_update().get(pk=app.pk),
    )

    winner, loser = _one_winner(outcomes, Application)
    if isinstance(loser, TransitionNotAllowed):
        assert loser.state == str(Application.State.ELIGIBLE.label)
    app.refresh_from_db()
    assert app.state == Application.State.ELIGIBLE
    new_events = audit_events_for(app)[events_before:]
    assert [e.action for e in new_events] == ["mark_eligible"]
    assert new_events[0].actor in officers


def test_two_managers_suspend_the_same_membership(company):
    managers = [UserFactory(role=Role.MANAGER, is_staff=True) for _ in range(2)]
    membership = make_membership(company=company, manager=managers[0])
    events_before = len(audit_events_for(membership))

    outcomes = _race(
        [
            lambda m=m: services.membership_suspend(membership=membership, actor=m, reason="Audit.")
            for m in managers
        ],
        hold=lambda: Membership.objects.select_for_update().get(pk=membership.pk),
    )

    _winner, loser = _one_winner(outcomes, Membership)
    if isinstance(loser, TransitionNotAllowed):
        assert loser.state == str(Membership.State.SUSPENDED.label)
    membership.refresh_from_db()
    assert membership.state == Membership.State.SUSPENDED
    assert [e.action for e in audit_events_for(membership)[events_before:]] == ["suspend"]


def test_two_certifications_at_once_get_different_member_numbers(company, other_company):
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    apps = [
        make_application(state=Application.State.VALIDATED, company=c, manager=manager)
        for c in (company, other_company)
    ]
    IdentifierSequence.objects.get_or_create(name="member:PIP")

    outcomes = _race(
        [lambda a=a: services.application_certify(application=a, actor=manager) for a in apps],
        hold=lambda: IdentifierSequence.objects.select_for_update().get(name="member:PIP"),
    )

    assert all(isinstance(o, Application) for o in outcomes), outcomes
    numbers = sorted(
        Membership.objects.filter(application__in=apps).values_list("member_number", flat=True)
    )
    assert len(numbers) == len(set(numbers)) == 2
    assert int(numbers[1][3:]) == int(numbers[0][3:]) + 1


def test_two_starts_of_the_same_form_at_once_create_one_draft(company, trader):
    """A double click that reaches two server processes: both requests pass the look-up for
    the form's token before either has written; the unique token lets one insert, and the
    other finds that draft once the first commits."""
    sequence = f"application:{agency_today().year}"
    IdentifierSequence.objects.get_or_create(name=sequence)

    outcomes = _race(
        [
            lambda: services.application_create_once(
                company=company, actor=trader, start_token=f"{trader.pk}.same-form"
            )
            for _ in range(2)
        ],
        hold=lambda: IdentifierSequence.objects.select_for_update().get(name=sequence),
    )

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sorted(created for _app, created in outcomes) == [False, True]
    assert outcomes[0][0].pk == outcomes[1][0].pk
    assert Application.objects.filter(company=company).count() == 1
    assert SecurityProfile.objects.filter(company=company).count() == 1
    (app,) = Application.objects.filter(company=company)
    assert [e.action for e in audit_events_for(app)] == ["create"]
