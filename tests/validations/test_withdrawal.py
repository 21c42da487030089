"""Withdrawing an application cancels its scheduled site validation in the same
transaction; a visit under way or completed is left alone."""

import pytest
from django.db import DatabaseError, connection

from core.errors import NotPermitted
from tests.validations.factories import audit_events, make_site_validation, reload
from traders.models import Application
from validations import services
from validations.models import SiteValidation

pytestmark = pytest.mark.django_db

VS = SiteValidation.State
AS = Application.State


def test_withdrawing_cancels_the_scheduled_visit(company, trader, officer):
    validation = make_site_validation(company=company, officer=officer)
    application = reload(validation.application)
    assert application.state == AS.VALIDATION_SCHEDULED

    withdrawn = services.application_withdraw(
        application=application, actor=trader, note="We will apply next year."
    )

    assert withdrawn.state == AS.WITHDRAWN
    assert reload(application).state == AS.WITHDRAWN  # not sent back to eligible
    fresh = reload(validation)
    assert fresh.state == VS.CANCELLED
    assert application.reference in fresh.cancel_reason
    assert "withdrew" in fresh.cancel_reason
    cancel = audit_events(validation)[-1]
    assert (cancel.action, cancel.from_state, cancel.to_state, cancel.actor) == (
        "cancel",
        VS.SCHEDULED,
        VS.CANCELLED,
        None,  # the system: a trader may not cancel a visit
    )
    assert cancel.note == fresh.cancel_reason
    withdraw = audit_events(application)[-1]
    assert (withdraw.action, withdraw.actor, withdraw.note) == (
        "withdraw",
        trader,
        "We will apply next year.",
    )


def test_an_earlier_cancelled_visit_keeps_its_reason(company, trader, officer):
    earlier = make_site_validation(state=VS.CANCELLED, company=company, officer=officer)
    application = reload(earlier.application)
    assert reload(application).state == AS.ELIGIBLE
    current = services.site_validation_schedule(
        company=company,
        actor=officer,
        kind=SiteValidation.Kind.INITIAL,
        scheduled_for=earlier.scheduled_for,
        application=application,
    )
    events_before = len(audit_events(earlier))

    services.application_withdraw(application=application, actor=trader)

    assert reload(current).state == VS.CANCELLED
    old = reload(earlier)
    assert (old.state, old.cancel_reason) == (VS.CANCELLED, "The site is closed for renovation.")
    assert len(audit_events(earlier)) == events_before


def test_a_visit_under_way_is_left_to_its_officer(company, trader, officer):
    validation = make_site_validation(state=VS.IN_PROGRESS, company=company, officer=officer)

    services.application_withdraw(application=validation.application, actor=trader)

    assert reload(validation.application).state == AS.WITHDRAWN
    assert reload(validation).state == VS.IN_PROGRESS
    assert [e.action for e in audit_events(validation)] == ["schedule", "start"]


def test_a_completed_visit_is_left_alone(company, trader, officer):
    validation = make_site_validation(state=VS.COMPLETED, company=company, officer=officer)
    application = reload(validation.application)
    assert application.state == AS.VALIDATED  # a withdrawal is still allowed here

    services.application_withdraw(application=application, actor=trader)

    assert reload(application).state == AS.WITHDRAWN
    fresh = reload(validation)
    assert (fresh.state, fresh.outcome, fresh.cancel_reason) == (VS.COMPLETED, "meets", "")
    assert [e.action for e in audit_events(validation)] == ["schedule", "start", "complete"]


def test_another_companys_trader_cannot_withdraw_nor_cancel(company, other_trader, officer):
    validation = make_site_validation(company=company, officer=officer)

    with pytest.raises(NotPermitted):
        services.application_withdraw(application=validation.application, actor=other_trader)

    assert reload(validation.application).state == AS.VALIDATION_SCHEDULED
    assert reload(validation).state == VS.SCHEDULED


@pytest.fixture
def cancelling_a_visit_fails(db):
    """The database refuses to store a cancelled visit (a failure past every check): the
    trigger lives in the test's transaction and goes with its rollback."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse_visit_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'visit cancellation refused by the test'; END $$;
            CREATE TRIGGER test_refuse_visit_cancel BEFORE UPDATE ON validations_sitevalidation
            FOR EACH ROW WHEN (NEW.state = 'cancelled')
            EXECUTE FUNCTION test_refuse_visit_cancel();
            """
        )


@pytest.mark.postgres("a PL/pgSQL trigger makes the cancellation fail")
def test_nothing_is_half_written_when_the_cancel_fails(company, trader, officer, request):
    validation = make_site_validation(company=company, officer=officer)
    application = reload(validation.application)
    application_events = len(audit_events(application))
    request.getfixturevalue("cancelling_a_visit_fails")

    with pytest.raises(DatabaseError, match="refused by the test"):
        services.application_withdraw(application=application, actor=trader)

    fresh_application = reload(application)
    assert (fresh_application.state, fresh_application.decided_at) == (
        AS.VALIDATION_SCHEDULED,
        None,
    )
    assert len(audit_events(application)) == application_events
    assert reload(validation).state == VS.SCHEDULED
    assert [e.action for e in audit_events(validation)] == ["schedule"]
