"""The audit trail: written in the transaction of the change it records, and append-only
(in the model, and on PostgreSQL in the database itself)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from core.models import AuditEvent, AuditEventImmutable, IdentifierSequence
from tests.factories import make_application, make_membership
from tests.traders.factories import audit_events_for, small_catalogue_load
from traders import services
from traders.models import Application, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_catalogue(db):
    small_catalogue_load()


@pytest.fixture
def event(company, officer) -> AuditEvent:
    app = make_application(state=Application.State.SUBMITTED, company=company, officer=officer)
    app = services.application_start_review(application=app, actor=officer)
    return audit_events_for(app)[-1]


def _row(event: AuditEvent) -> dict:
    return AuditEvent.objects.filter(pk=event.pk).values().get()


# --- Same transaction ---------------------------------------------------------------------


def test_state_change_and_its_audit_event_roll_back_together(company, officer):
    app = make_application(state=Application.State.UNDER_REVIEW, company=company, officer=officer)
    events_before = audit_events_for(app)

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed), transaction.atomic():
        services.application_mark_eligible(application=app, actor=officer)
        assert audit_events_for(app)[-1].action == "mark_eligible"  # written...
        raise CallerFailed  # ...but the caller's transaction fails afterwards

    app.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW
    assert audit_events_for(app) == events_before


def test_a_failure_after_the_state_is_saved_leaves_no_trace(company, manager):
    """Certification writes the state, its audit event, then the memberships. If a member
    number collides (a sequence restored from an old backup), none of it may remain."""
    make_membership(manager=manager)  # PIP0000001 is taken
    IdentifierSequence.objects.filter(name="member:PIP").update(last_value=0)
    app = make_application(state=Application.State.VALIDATED, company=company, manager=manager)
    events_before = audit_events_for(app)
    events_total = AuditEvent.objects.count()

    with pytest.raises(IntegrityError):
        services.application_certify(application=app, actor=manager)

    app.refresh_from_db()
    assert app.state == Application.State.VALIDATED
    assert app.decided_at is None
    assert audit_events_for(app) == events_before
    assert AuditEvent.objects.count() == events_total
    assert not Membership.objects.filter(application=app).exists()


# --- Append-only in the model -------------------------------------------------------------


def test_an_event_cannot_be_saved_again(event):
    before = _row(event)
    event.note = "Rewritten history."
    with pytest.raises(AuditEventImmutable):
        event.save()
    assert _row(event) == before


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    before = _row(event)
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(note="Rewritten history.")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    event.note = "Rewritten history."
    # bulk_update runs in atomic(savepoint=False): give the refusal a savepoint to undo.
    with pytest.raises(AuditEventImmutable), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["note"])
    assert _row(event) == before


def test_new_events_can_still_be_written(event):
    count = AuditEvent.objects.count()
    AuditEvent.objects.create(
        actor=None,
        actor_role="system",
        content_type=event.content_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        action="reminder_sent",
    )
    assert AuditEvent.objects.count() == count + 1


# --- Append-only in the database ----------------------------------------------------------


@pytest.mark.postgres("the append-only trigger is PostgreSQL's: SQLite's flush deletes rows")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET note = 'Rewritten history.' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_database_refuses_raw_sql_changes(sql, event):
    before = _row(event)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert _row(event) == before


@pytest.mark.postgres("the append-only trigger is PostgreSQL's: SQLite's flush deletes rows")
def test_database_refuses_changes_that_bypass_the_model(event):
    """The base manager is a plain one: only the trigger stops it."""
    before = _row(event)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(note="Rewritten history.")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk)._raw_delete(connection.alias)
    assert _row(event) == before
