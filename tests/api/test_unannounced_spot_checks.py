"""An unannounced spot check is hidden from the trader until the officers start the visit:
404 on its page and its report, absent from the list, nothing sent to the trader when it is
scheduled. Staff see it all along; once started, the trader sees it too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from core.dates import agency_today
from notifications.models import Notification, Reminder
from tests.factories import make_membership
from traders import services as trader_services
from validations import services as validation_services
from validations.models import SiteValidation

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture
def spot_check(company, officer, django_capture_on_commit_callbacks):
    membership = make_membership(company=company)
    notifications, reminders = Notification.objects.count(), Reminder.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        validation = validation_services.site_validation_schedule(
            company=company,
            actor=officer,
            kind=SiteValidation.Kind.SPOT_CHECK,
            scheduled_for=agency_today() + dt.timedelta(days=7),
            membership=membership,
        )
    # Nothing tells the trader a visit is coming.
    assert Notification.objects.count() == notifications
    assert Reminder.objects.count() == reminders
    assert mail.outbox == []
    return validation


def _urls(validation: SiteValidation) -> list[str]:
    detail = f"{V1}/site-validations/{validation.pk}/"
    return [detail, f"{detail}audit-events/", f"{detail}report/"]


def _listed(client, validation: SiteValidation) -> bool:
    body = client.get(f"{V1}/site-validations/").json()
    return validation.pk in [row["id"] for row in body["results"]]


def test_hidden_from_the_trader_until_it_starts(api, spot_check, trader, officer):
    client = api(trader)
    assert not _listed(client, spot_check)
    for url in _urls(spot_check):
        assert client.get(url).status_code == 404, url

    validation_services.site_validation_start(validation=spot_check, actor=officer)

    assert _listed(client, spot_check)
    detail = client.get(_urls(spot_check)[0])
    assert detail.status_code == 200
    assert detail.json()["kind"] == "spot_check" and detail.json()["state"] == "in_progress"
    assert client.get(_urls(spot_check)[1]).status_code == 200


@pytest.mark.parametrize("actor_name", ["officer", "manager"])
def test_staff_see_it_before_it_starts(api, actors, spot_check, actor_name):
    client = api(actors[actor_name])
    assert _listed(client, spot_check)
    detail, history, report = _urls(spot_check)
    assert client.get(detail).status_code == 200
    assert client.get(history).status_code == 200
    assert client.get(report).status_code == 409  # there, but not written yet


def test_cancelled_before_it_started_stays_hidden(api, spot_check, trader, officer):
    validation_services.site_validation_cancel(
        validation=spot_check, actor=officer, reason="Officer unavailable."
    )
    client = api(trader)
    assert not _listed(client, spot_check)
    assert client.get(_urls(spot_check)[0]).status_code == 404


def test_other_visits_of_the_member_stay_visible_before_they_start(api, company, officer, trader):
    membership = make_membership(company=company)
    revisit = validation_services.site_validation_schedule(
        company=company,
        actor=officer,
        kind=SiteValidation.Kind.REVALIDATION,
        scheduled_for=agency_today() + dt.timedelta(days=7),
        membership=membership,
    )
    client = api(trader)
    assert _listed(client, revisit)
    assert client.get(_urls(revisit)[0]).status_code == 200


def test_a_notice_followed_up_by_a_spot_check_does_not_tell_the_trader(
    api, company, trader, officer
):
    """The trader's own change notice, followed up with a spot check: until the visit
    starts, the notice shows neither the kind of follow-up nor the officer's note, and its
    trail names no date."""
    membership = make_membership(company=company)
    notice = trader_services.change_notice_submit(
        actor=trader,
        company=company,
        membership=membership,
        kind="locations",
        description="A new cross-dock in Sarnia.",
        effective_on=agency_today(),
    )
    visit_on = agency_today() + dt.timedelta(days=5)
    spot_check = validation_services.site_validation_schedule(
        company=company,
        actor=officer,
        kind=SiteValidation.Kind.SPOT_CHECK,
        scheduled_for=visit_on,
        membership=membership,
        change_notice=notice,
    )
    url = f"{V1}/change-notices/{notice.pk}/"
    client = api(trader)

    for body in (
        client.get(url).json(),
        *client.get(f"{V1}/change-notices/").json()["results"],
    ):
        assert (body["follow_up"], body["officer_note"]) == ("", "")
    trail = client.get(f"{url}audit-events/").content.decode()
    assert visit_on.isoformat() not in trail and "spot" not in trail.lower()
    assert api(officer).get(url).json()["follow_up"] == "spot_check"

    validation_services.site_validation_start(validation=spot_check, actor=officer)

    assert client.get(url).json()["follow_up"] == "spot_check"
