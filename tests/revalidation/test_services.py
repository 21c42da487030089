"""The revalidation cycle through its services: each transition allowed, refused in a wrong
state, refused for every role that may not take it, and the whole path to a renewal or a
lapse."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from core.dates import agency_today, membership_expiry
from core.errors import DomainError, Incomplete, NotPermitted, TransitionNotAllowed
from core.models import AuditEvent
from revalidation import services
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_window_opens
from tests.factories import make_membership
from tests.revalidation.factories import make_cycle, site_validation_pass
from traders import services as trader_services
from traders.models import ChangeNotice, EvidenceFile, Membership, ProfileAnswer
from traders.selectors import catalogue_current
from validations import services as validation_services
from validations.models import SiteValidation

OTTAWA = ZoneInfo("America/Toronto")

pytestmark = pytest.mark.django_db

S = RevalidationCycle.State
CATALOGUE_2024 = (
    Path(__file__).resolve().parents[2] / "traders" / "catalogue_data" / "pip_2024.json"
)
ALL_ACTORS = ["trader", "other_trader", "officer", "manager", "administrator", "partner", "system"]


def forbidden(*allowed: str) -> list[str]:
    return [name for name in ALL_ACTORS if name not in allowed]


def at(day: dt.date) -> time_machine.travel:
    """Noon in Ottawa on ``day``, clock stopped."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("America/Toronto"))
    return time_machine.travel(noon, tick=False)


def audit_mark() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def events_since(mark: int, obj: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(obj).filter(id__gt=mark))  # type: ignore[arg-type]


def assert_one_event(mark: int, obj: object, *, action: str, from_state: str, to_state: str, actor):
    events = events_since(mark, obj)
    assert len(events) == 1, events
    event = events[0]
    assert (event.action, event.from_state, event.to_state) == (action, from_state, to_state)
    assert event.actor == actor
    assert event.actor_role == (actor.role if actor is not None else "system")
    assert event.company_id == obj.company_id  # type: ignore[attr-defined]


def fresh(cycle: RevalidationCycle) -> RevalidationCycle:
    return RevalidationCycle.objects.get(pk=cycle.pk)


@pytest.fixture
def membership(company, trader):
    """A certified PIP membership of ``company``, whose trader user is ``trader``."""
    return make_membership(company=company)


# --- Open -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["system", "officer", "manager", "trader"])
def test_open_starts_from_the_application_profile(request, actors, membership, actor_name):
    actor = actors[actor_name]
    if actor_name == "trader":  # the member's trader may open it from the first reminder on
        opens = revalidation_window_opens(membership=membership)
        traveller = time_machine.travel(dt.datetime.combine(opens, dt.time(12), OTTAWA), tick=False)
        traveller.start()
        request.addfinalizer(traveller.stop)
    application_profile = membership.application.profile
    mark = audit_mark()

    cycle = services.revalidation_open(membership=membership, actor=actor)

    cycle = fresh(cycle)
    assert cycle.state == S.OPEN
    assert cycle.company_id == membership.company_id
    assert cycle.opened_on == agency_today()
    assert cycle.due_on == membership.expires_on
    assert cycle.opened_by == actor
    assert cycle.early is False
    assert cycle.site_validation is None
    # A new, editable profile against the catalogue in force, pre-filled with the answers.
    profile = cycle.profile
    assert profile.pk != application_profile.pk
    assert profile.submitted_at is None
    assert profile.catalogue == catalogue_current()
    assert profile.answers.count() == application_profile.answers.count() == 50
    answer = profile.answers.select_related("requirement").order_by("requirement__code")[0]
    assert answer.description == f"We meet {answer.requirement.code} with a written procedure."
    assert EvidenceFile.objects.filter(answer__profile=profile).count() == 26
    assert_one_event(mark, cycle, action="open", from_state="", to_state=S.OPEN, actor=actor)


def test_the_member_s_trader_may_not_open_it_before_the_first_reminder(membership, trader):
    opens = revalidation_window_opens(membership=membership)
    the_day_before = dt.datetime.combine(opens - dt.timedelta(days=1), dt.time(12), OTTAWA)
    with time_machine.travel(the_day_before, tick=False), pytest.raises(DomainError) as refused:
        services.revalidation_open(membership=membership, actor=trader)
    assert refused.value.code == "revalidation_not_yet"
    assert opens.isoformat() in refused.value.message
    assert not RevalidationCycle.objects.filter(membership=membership).exists()
    with time_machine.travel(dt.datetime.combine(opens, dt.time(12), OTTAWA), tick=False):
        cycle = services.revalidation_open(membership=membership, actor=trader)
    assert cycle.state == S.OPEN


@pytest.mark.parametrize("actor_name", forbidden("system", "officer", "manager", "trader"))
def test_open_refused_for_role(actors, membership, actor_name):
    mark = audit_mark()
    with pytest.raises(NotPermitted):
        services.revalidation_open(membership=membership, actor=actors[actor_name])
    assert not RevalidationCycle.objects.exists()
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_open_twice_refused(membership):
    first = services.revalidation_open(membership=membership)
    with pytest.raises(DomainError) as refused:
        services.revalidation_open(membership=membership)
    assert refused.value.code == "revalidation_in_progress"
    assert first.opened_on.isoformat() in refused.value.message
    assert RevalidationCycle.objects.filter(membership=membership).count() == 1


def test_one_cycle_in_progress_is_also_a_database_rule(membership):
    """Even past the service, the database refuses a second cycle in progress."""
    cycle = services.revalidation_open(membership=membership)
    with pytest.raises(IntegrityError), transaction.atomic():
        RevalidationCycle.objects.create(
            company_id=cycle.company_id,
            membership=membership,
            profile=trader_services.profile_copy(source=cycle.profile),
            opened_on=cycle.opened_on,
            due_on=cycle.due_on,
        )


def test_open_refused_for_a_suspended_membership(company, trader, manager):
    membership = make_membership(company=company, state=Membership.State.SUSPENDED)
    with pytest.raises(DomainError) as refused:
        services.revalidation_open(membership=membership)
    assert refused.value.code == "membership_not_active"
    assert "Suspended" in refused.value.message
    assert not RevalidationCycle.objects.exists()


def _change_notice(membership: Membership, trader) -> ChangeNotice:
    return trader_services.change_notice_submit(
        company=membership.company,
        actor=trader,
        kind=ChangeNotice.Kind.LOCATIONS,
        description="We moved our main warehouse to Brampton.",
        effective_on=agency_today(),
        membership=membership,
    )


def test_open_early_after_a_change_notice(membership, trader, officer):
    notice = _change_notice(membership, trader)

    cycle = services.revalidation_open(membership=membership, actor=officer, change_notice=notice)

    cycle = fresh(cycle)
    assert cycle.early is True
    assert cycle.change_notice == notice
    assert cycle.due_on == membership.expires_on
    notice.refresh_from_db()
    assert notice.state == ChangeNotice.State.FOLLOW_UP
    assert notice.follow_up == "revalidation"


def test_open_early_is_for_officers_not_the_scheduler(membership, trader):
    notice = _change_notice(membership, trader)
    with pytest.raises(NotPermitted):
        services.revalidation_open(membership=membership, actor=None, change_notice=notice)
    with pytest.raises(NotPermitted):  # nor the member's trader: early is officers only
        services.revalidation_open(membership=membership, actor=trader, change_notice=notice)
    notice.refresh_from_db()
    assert notice.state == ChangeNotice.State.SUBMITTED
    assert not RevalidationCycle.objects.exists()


def test_open_early_refuses_another_company_notice(
    membership, other_company, other_trader, officer
):
    other_membership = make_membership(company=other_company)
    notice = _change_notice(other_membership, other_trader)
    with pytest.raises(ValidationError) as refused:
        services.revalidation_open(membership=membership, actor=officer, change_notice=notice)
    assert "change_notice" in refused.value.message_dict
    assert not RevalidationCycle.objects.exists()


def test_open_early_is_all_or_nothing(membership, trader, officer):
    """A notice already acknowledged cannot take the follow-up: no cycle is left behind."""
    notice = _change_notice(membership, trader)
    trader_services.change_notice_acknowledge(notice=notice, actor=officer)
    mark = audit_mark()
    with pytest.raises(TransitionNotAllowed):
        services.revalidation_open(membership=membership, actor=officer, change_notice=notice)
    assert not RevalidationCycle.objects.exists()
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


# --- Submit the updated profile ---------------------------------------------------------


def test_submit_profile(membership, trader):
    cycle = make_cycle(membership=membership)
    mark = audit_mark()

    cycle = services.revalidation_submit_profile(cycle=cycle, actor=trader)

    cycle = fresh(cycle)
    assert cycle.state == S.PROFILE_SUBMITTED
    assert cycle.submitted_at is not None
    assert cycle.profile.submitted_at is not None
    assert_one_event(
        mark,
        cycle,
        action="submit_profile",
        from_state=S.OPEN,
        to_state=S.PROFILE_SUBMITTED,
        actor=trader,
    )


@pytest.mark.parametrize("actor_name", forbidden("trader"))
def test_submit_profile_refused_for_role(actors, membership, actor_name):
    cycle = make_cycle(membership=membership)
    mark = audit_mark()
    with pytest.raises(NotPermitted):
        services.revalidation_submit_profile(cycle=cycle, actor=actors[actor_name])
    cycle = fresh(cycle)
    assert cycle.state == S.OPEN
    assert cycle.profile.submitted_at is None
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_submit_profile_refused_in_wrong_state(membership, trader):
    cycle = make_cycle(membership=membership, state=S.PROFILE_SUBMITTED)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.revalidation_submit_profile(cycle=cycle, actor=trader)
    assert refused.value.state == "Security profile submitted"
    assert "Security profile submitted" in refused.value.message


def test_submit_profile_refused_while_incomplete(membership, trader):
    cycle = make_cycle(membership=membership)
    # The trader has cleared an answer (arranged directly: there is no "unanswer" service).
    gone = cycle.profile.answers.filter(requirement__level="must").select_related("requirement")[0]
    ProfileAnswer.objects.filter(pk=gone.pk).delete()
    mark = audit_mark()

    with pytest.raises(Incomplete) as refused:
        services.revalidation_submit_profile(cycle=cycle, actor=trader)

    assert [m["code"] for m in refused.value.missing] == [gone.requirement.code]
    cycle = fresh(cycle)
    assert cycle.state == S.OPEN
    assert cycle.profile.submitted_at is None
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_submit_moves_the_profile_to_the_catalogue_in_force(membership, trader, officer):
    """As for applications, a profile is assessed against the version in force when it is
    submitted; the answers follow by requirement code."""
    cycle = make_cycle(membership=membership)
    data = json.loads(CATALOGUE_2024.read_text(encoding="utf-8"))
    data.update(version="2026", effective_from=agency_today().isoformat())
    catalogue_2026 = trader_services.catalogue_load(data=data)

    cycle = services.revalidation_submit_profile(cycle=cycle, actor=trader)

    profile = fresh(cycle).profile
    assert profile.catalogue == catalogue_2026
    assert profile.answers.filter(requirement__area__catalogue=catalogue_2026).count() == 50
    assert EvidenceFile.objects.filter(answer__profile=profile).count() == 26
    cycle = services.revalidation_schedule_validation(
        cycle=cycle, actor=officer, scheduled_for=agency_today() + dt.timedelta(days=7)
    )
    assert cycle.site_validation.catalogue == catalogue_2026


# --- Schedule the site validation -------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["officer", "manager"])
def test_schedule_validation(actors, membership, actor_name):
    actor = actors[actor_name]
    cycle = make_cycle(membership=membership, state=S.PROFILE_SUBMITTED)
    site = membership.application.sites.get()
    visit_on = agency_today() + dt.timedelta(days=21)
    mark = audit_mark()

    cycle = services.revalidation_schedule_validation(
        cycle=cycle, actor=actor, scheduled_for=visit_on, sites=[site], joint_with_cbp=True
    )

    cycle = fresh(cycle)
    assert cycle.state == S.VALIDATION_SCHEDULED
    validation = cycle.site_validation
    assert validation is not None
    assert validation.kind == SiteValidation.Kind.REVALIDATION
    assert validation.state == SiteValidation.State.SCHEDULED
    assert validation.membership_id == membership.pk
    assert validation.catalogue_id == cycle.profile.catalogue_id
    assert validation.scheduled_for == visit_on
    assert validation.joint_with_cbp is True
    assert list(validation.sites.all()) == [site]
    assert_one_event(
        mark,
        cycle,
        action="schedule_validation",
        from_state=S.PROFILE_SUBMITTED,
        to_state=S.VALIDATION_SCHEDULED,
        actor=actor,
    )


@pytest.mark.parametrize("actor_name", forbidden("officer", "manager"))
def test_schedule_validation_refused_for_role(actors, membership, actor_name):
    cycle = make_cycle(membership=membership, state=S.PROFILE_SUBMITTED)
    mark = audit_mark()
    with pytest.raises(NotPermitted):
        services.revalidation_schedule_validation(
            cycle=cycle,
            actor=actors[actor_name],
            scheduled_for=agency_today() + dt.timedelta(days=7),
        )
    assert fresh(cycle).state == S.PROFILE_SUBMITTED
    assert not SiteValidation.objects.exists()
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_schedule_validation_refused_in_wrong_state(membership, officer):
    cycle = make_cycle(membership=membership)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.revalidation_schedule_validation(
            cycle=cycle, actor=officer, scheduled_for=agency_today() + dt.timedelta(days=7)
        )
    assert refused.value.state == "Open"
    assert not SiteValidation.objects.exists()


def test_schedule_validation_bad_date_leaves_nothing(membership, officer):
    cycle = make_cycle(membership=membership, state=S.PROFILE_SUBMITTED)
    mark = audit_mark()
    with pytest.raises(ValidationError) as refused:
        services.revalidation_schedule_validation(
            cycle=cycle, actor=officer, scheduled_for=agency_today() - dt.timedelta(days=1)
        )
    assert "scheduled_for" in refused.value.message_dict
    assert fresh(cycle).state == S.PROFILE_SUBMITTED
    assert not SiteValidation.objects.exists()
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_schedule_again_only_after_the_visit_was_cancelled(membership, officer):
    cycle = make_cycle(membership=membership, state=S.VALIDATION_SCHEDULED, officer=officer)
    first = cycle.site_validation
    later = agency_today() + dt.timedelta(days=30)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.revalidation_schedule_validation(cycle=cycle, actor=officer, scheduled_for=later)
    assert refused.value.state == "Site validation scheduled"

    validation_services.site_validation_cancel(
        validation=first, actor=officer, reason="The site was closed by a flood."
    )
    cycle = services.revalidation_schedule_validation(
        cycle=cycle, actor=officer, scheduled_for=later
    )
    cycle = fresh(cycle)
    assert cycle.state == S.VALIDATION_SCHEDULED
    assert cycle.site_validation != first
    assert cycle.site_validation.scheduled_for == later


# --- Complete ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["officer", "manager"])
@pytest.mark.parametrize(
    "outcome", [SiteValidation.Outcome.MEETS, SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN]
)
def test_complete_renews_the_membership(actors, membership, actor_name, outcome):
    actor = actors[actor_name]
    cycle = make_cycle(
        membership=membership, state=S.VALIDATION_SCHEDULED, validation_outcome=outcome
    )
    certified_on = membership.certified_on
    mark = audit_mark()

    cycle = services.revalidation_complete(cycle=cycle, actor=actor, note="All good.")

    cycle = fresh(cycle)
    assert cycle.state == S.COMPLETED
    assert cycle.completed_on == agency_today()
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert membership.certified_on == certified_on
    # Four years from today's decision (the visit was reported today too), however far
    # away the old expiry was: terms do not stack.
    assert membership.expires_on == membership_expiry(agency_today())
    assert membership.last_renewed_on == agency_today()
    assert_one_event(
        mark,
        cycle,
        action="complete",
        from_state=S.VALIDATION_SCHEDULED,
        to_state=S.COMPLETED,
        actor=actor,
    )
    assert_one_event(
        mark, membership, action="renew", from_state="active", to_state="active", actor=actor
    )


def test_renewal_runs_four_years_from_the_visit_not_from_the_old_expiry(membership, officer):
    """The visit is reported on 10 March 2027; the officer completes the revalidation a month
    later. The membership, which expired in 2030, now runs until 10 March 2031: four years
    after the last validation, not 2034."""
    assert membership.expires_on.year == 2030
    with at(dt.date(2027, 3, 1)):
        cycle = make_cycle(membership=membership, state=S.VALIDATION_SCHEDULED)
    with at(dt.date(2027, 3, 10)):
        site_validation_pass(validation=cycle.site_validation, officer=officer)
    with at(dt.date(2027, 4, 12)):
        services.revalidation_complete(cycle=cycle, actor=officer)

    membership.refresh_from_db()
    assert membership.last_renewed_on == dt.date(2027, 4, 12)
    assert membership.expires_on == dt.date(2031, 3, 10)
    assert AuditEvent.objects.for_object(membership).last().note == "Renewed until 2031-03-10."


def test_renewal_counts_the_visit_on_its_ottawa_date(membership, officer):
    """A report closed at 22:30 in Ottawa on 28 February 2028 is 29 February in UTC: the
    agency's date is the one that counts, so the membership runs until 28 February 2032,
    not 29 February."""
    with at(dt.date(2028, 2, 20)):
        cycle = make_cycle(membership=membership, state=S.VALIDATION_SCHEDULED)
    late = dt.datetime(2028, 2, 28, 22, 30, tzinfo=OTTAWA)
    with time_machine.travel(late, tick=False):
        site_validation_pass(validation=cycle.site_validation, officer=officer)
    with at(dt.date(2028, 3, 2)):
        services.revalidation_complete(cycle=cycle, actor=officer)

    membership.refresh_from_db()
    assert membership.expires_on == dt.date(2032, 2, 28)


@pytest.mark.parametrize("actor_name", forbidden("officer", "manager"))
def test_complete_refused_for_role(actors, membership, actor_name):
    cycle = make_cycle(
        membership=membership,
        state=S.VALIDATION_SCHEDULED,
        validation_outcome=SiteValidation.Outcome.MEETS,
    )
    expires_on = membership.expires_on
    mark = audit_mark()
    with pytest.raises(NotPermitted):
        services.revalidation_complete(cycle=cycle, actor=actors[actor_name])
    assert fresh(cycle).state == S.VALIDATION_SCHEDULED
    membership.refresh_from_db()
    assert membership.expires_on == expires_on
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_complete_refused_in_wrong_state(membership, officer):
    cycle = make_cycle(membership=membership, state=S.PROFILE_SUBMITTED)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.revalidation_complete(cycle=cycle, actor=officer)
    assert refused.value.state == "Security profile submitted"


def test_complete_refused_before_the_visit_is_reported(membership, officer):
    cycle = make_cycle(membership=membership, state=S.VALIDATION_SCHEDULED)
    expires_on = membership.expires_on
    with pytest.raises(DomainError) as refused:
        services.revalidation_complete(cycle=cycle, actor=officer)
    assert refused.value.code == "validation_not_completed"
    assert "Scheduled" in refused.value.message
    assert fresh(cycle).state == S.VALIDATION_SCHEDULED
    membership.refresh_from_db()
    assert membership.expires_on == expires_on


def test_complete_refused_when_the_company_does_not_meet(membership, officer):
    cycle = make_cycle(
        membership=membership,
        state=S.VALIDATION_SCHEDULED,
        officer=officer,
        validation_outcome=SiteValidation.Outcome.DOES_NOT_MEET,
    )
    expires_on = membership.expires_on
    with pytest.raises(DomainError) as refused:
        services.revalidation_complete(cycle=cycle, actor=officer)
    assert refused.value.code == "validation_not_passed"
    assert "Does not meet requirements" in refused.value.message
    assert fresh(cycle).state == S.VALIDATION_SCHEDULED
    membership.refresh_from_db()
    assert membership.expires_on == expires_on


def test_complete_is_all_or_nothing(membership, officer, manager):
    """A suspended membership cannot be renewed: the cycle stays where it was, unrecorded."""
    cycle = make_cycle(
        membership=membership,
        state=S.VALIDATION_SCHEDULED,
        officer=officer,
        validation_outcome=SiteValidation.Outcome.MEETS,
    )
    trader_services.membership_suspend(membership=membership, actor=manager, reason="Audit.")
    expires_on = membership.expires_on
    mark = audit_mark()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.revalidation_complete(cycle=cycle, actor=officer)
    assert refused.value.state == "Suspended"
    assert fresh(cycle).state == S.VALIDATION_SCHEDULED
    membership.refresh_from_db()
    assert membership.expires_on == expires_on
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


# --- The whole path ---------------------------------------------------------------------


def test_whole_path_renews_for_four_years(membership, trader, officer):
    certified_on = membership.certified_on
    application_profile = membership.application.profile

    cycle = services.revalidation_open(membership=membership)
    # The trader starts from the application's answers and evidence.
    answer = cycle.profile.answers.select_related("requirement").get(
        requirement__code=application_profile.answers.filter(requirement__evidence_required=True)
        .values_list("requirement__code", flat=True)
        .first()
    )
    assert answer.description == f"We meet {answer.requirement.code} with a written procedure."
    assert answer.evidence.count() == 1
    trader_services.profile_answer_save(
        profile=cycle.profile,
        requirement=answer.requirement,
        implementation=ProfileAnswer.Implementation.IMPLEMENTED,
        description="Procedure revised in 2026 after the move to Brampton.",
        actor=trader,
    )
    cycle = services.revalidation_submit_profile(cycle=cycle, actor=trader)
    cycle = services.revalidation_schedule_validation(
        cycle=cycle, actor=officer, scheduled_for=agency_today() + dt.timedelta(days=10)
    )
    site_validation_pass(validation=cycle.site_validation, officer=officer)
    cycle = services.revalidation_complete(cycle=cycle, actor=officer)

    cycle = fresh(cycle)
    assert cycle.state == S.COMPLETED
    assert [e.action for e in AuditEvent.objects.for_object(cycle)] == [
        "open",
        "submit_profile",
        "schedule_validation",
        "complete",
    ]
    membership.refresh_from_db()
    assert membership.certified_on == certified_on
    assert membership.expires_on == membership_expiry(agency_today())
    # The application's answers are untouched; the next cycle starts from this one's.
    assert application_profile.answers.get(requirement=answer.requirement).description == (
        f"We meet {answer.requirement.code} with a written procedure."
    )
    next_cycle = services.revalidation_open(membership=membership)
    assert next_cycle.due_on == membership.expires_on
    assert next_cycle.profile.answers.get(requirement=answer.requirement).description == (
        "Procedure revised in 2026 after the move to Brampton."
    )


@pytest.mark.parametrize(
    ("certified_on", "renewed_on", "renewed_until"),
    [
        (dt.date(2026, 11, 3), dt.date(2030, 10, 20), dt.date(2034, 10, 20)),
        (dt.date(2024, 3, 5), dt.date(2028, 2, 29), dt.date(2032, 2, 29)),
        # 2100 is not a leap year: the expiry falls back to 28 February.
        (dt.date(2092, 3, 10), dt.date(2096, 2, 29), dt.date(2100, 2, 28)),
    ],
)
def test_renewal_runs_four_years_from_the_renewal(
    company, trader, officer, certified_on, renewed_on, renewed_until
):
    """Visited, reported and renewed on one day, shortly before the expiry: the new term
    runs four years from that day, leap days included."""
    with at(certified_on):
        membership = make_membership(company=company)
    with at(renewed_on):
        make_cycle(membership=membership, officer=officer, state=S.COMPLETED)
    membership.refresh_from_db()
    assert membership.certified_on == certified_on
    assert membership.last_renewed_on == renewed_on
    assert membership.expires_on == renewed_until


# --- Lapse ------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["system", "manager"])
@pytest.mark.parametrize("state", [S.OPEN, S.PROFILE_SUBMITTED, S.VALIDATION_SCHEDULED])
def test_lapse_after_the_due_date(actors, membership, actor_name, state):
    actor = actors[actor_name]
    cycle = make_cycle(membership=membership, state=state)
    expires_on = membership.expires_on

    with at(cycle.due_on + dt.timedelta(days=1)):
        mark = audit_mark()
        cycle = services.revalidation_lapse(cycle=cycle, actor=actor)

    assert fresh(cycle).state == S.LAPSED
    membership.refresh_from_db()
    assert membership.state == Membership.State.LAPSED
    assert membership.expires_on == expires_on
    assert_one_event(mark, cycle, action="lapse", from_state=state, to_state=S.LAPSED, actor=actor)
    assert_one_event(
        mark, membership, action="lapse", from_state="active", to_state="lapsed", actor=actor
    )


@pytest.mark.parametrize("days_before", [0, 1, 180])
def test_lapse_refused_until_the_due_date_has_passed(membership, days_before):
    cycle = make_cycle(membership=membership)
    with at(cycle.due_on - dt.timedelta(days=days_before)):
        with pytest.raises(DomainError) as refused:
            services.revalidation_lapse(cycle=cycle)
    assert refused.value.code == "not_due"
    assert fresh(cycle).state == S.OPEN
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE


@pytest.mark.parametrize("actor_name", forbidden("system", "manager"))
def test_lapse_refused_for_role(actors, membership, actor_name):
    cycle = make_cycle(membership=membership)
    with at(cycle.due_on + dt.timedelta(days=1)):
        mark = audit_mark()
        with pytest.raises(NotPermitted):
            services.revalidation_lapse(cycle=cycle, actor=actors[actor_name])
    assert fresh(cycle).state == S.OPEN
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert not AuditEvent.objects.filter(id__gt=mark).exists()


def test_lapse_refused_once_completed(membership, officer):
    cycle = make_cycle(membership=membership, state=S.COMPLETED, officer=officer)
    with at(cycle.due_on + dt.timedelta(days=1)):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.revalidation_lapse(cycle=cycle)
    assert refused.value.state == "Completed"
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE


def test_lapse_closes_the_cycle_of_a_cancelled_membership(membership, manager):
    cycle = make_cycle(membership=membership)
    trader_services.membership_cancel(membership=membership, actor=manager, reason="Breach.")
    with at(cycle.due_on + dt.timedelta(days=1)):
        services.revalidation_lapse(cycle=cycle)
    assert fresh(cycle).state == S.LAPSED
    membership.refresh_from_db()
    assert membership.state == Membership.State.CANCELLED


def test_a_new_cycle_can_open_once_the_last_one_lapsed_or_completed(membership, officer):
    make_cycle(membership=membership, state=S.COMPLETED, officer=officer)
    second = services.revalidation_open(membership=membership)
    assert second.state == S.OPEN
    assert RevalidationCycle.objects.filter(membership=membership).count() == 2
