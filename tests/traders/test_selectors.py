import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.audit import audit_record
from tests.factories import make_membership, trader_of
from traders import selectors, services
from traders.models import SecurityProfile

pytestmark = pytest.mark.django_db


def _profile_of(membership):
    return SecurityProfile.objects.get(application__pk=membership.application_id)


def test_membership_history_is_its_events_and_the_company_confirmations_oldest_first(
    company, other_company, manager, django_assert_num_queries
):
    ours = make_membership(company=company, manager=manager)
    theirs = make_membership(company=other_company, manager=manager)
    trader = trader_of(company)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        services.profile_confirm(profile=_profile_of(ours), actor=trader)
        # Not part of our history: another company's confirmation, another event on our
        # profile, and the other membership's own events.
        services.profile_confirm(profile=_profile_of(theirs), actor=trader_of(other_company))
        audit_record(actor=trader, obj=_profile_of(ours), action="note", note="A note.")
        services.membership_suspend(membership=theirs, actor=manager, reason="Their audit.")
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        services.membership_suspend(membership=ours, actor=manager, reason="Our audit.")

    with django_assert_num_queries(1):  # the events and their actors
        history = [
            (e.action, e.note, str(e.actor))
            for e in selectors.membership_history_for(membership=ours)
        ]

    *certification, confirmed, suspended = history
    assert certification and all(action != "confirm_profile" for action, *_ in certification)
    assert confirmed == ("confirm_profile", "", str(trader))
    assert suspended[0] == "suspend" and "Our audit." in suspended[1]
    assert "Their audit." not in str(history)
