"""``manage.py seed_demo``: the demo users, every state of every lifecycle, consistent dates,
identifiers that later services continue, audit timelines, and ``--skip-if-seeded``."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from core.dates import add_years, agency_today, membership_expiry
from core.identifiers import application_reference_next, member_number_next
from core.models import AuditEvent, Role, User
from demo.accounts import DEMO_PASSWORD
from revalidation.models import RevalidationCycle
from revalidation.selectors import membership_term_breaches
from traders.models import (
    Application,
    ChangeNotice,
    Company,
    CompanyUser,
    InformationAnswerFile,
    Membership,
    ProfileAnswer,
    SecurityProfile,
    Site,
)
from traders.selectors import profile_missing_items
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    Incident,
    SiteValidation,
)
from validations.selectors import action_plan_past_deadline_list, validation_outcome_conflicts

MACHINES = [
    Application,
    Membership,
    SiteValidation,
    ActionPlan,
    Incident,
    ChangeNotice,
    RevalidationCycle,
]
COUNTED = [
    User,
    Company,
    CompanyUser,
    Site,
    SecurityProfile,
    ProfileAnswer,
    Finding,
    AuditEvent,
    *MACHINES,
]


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path  # the demo's files go with the test
    return seed(companies=40, seed=2026)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_demo_users_with_their_roles(seeded):
    expected = {
        "trader@demo.test": (Role.TRADER, False, False),
        "officer@demo.test": (Role.OFFICER, True, False),
        "manager@demo.test": (Role.MANAGER, True, False),
        "admin@demo.test": (Role.ADMINISTRATOR, True, True),
        "partner@demo.test": (Role.PARTNER, False, False),
    }
    for email, (role, is_staff, is_superuser) in expected.items():
        user = User.objects.get(email=email)
        assert (user.role, user.is_staff, user.is_superuser) == (role, is_staff, is_superuser)
        assert user.check_password(DEMO_PASSWORD)
        assert email in seeded and DEMO_PASSWORD in seeded
    assert User.objects.filter(role=Role.OFFICER, is_staff=True).count() >= 9


def test_demo_trader_signs_for_a_pip_member_with_a_draft_application(seeded):
    link = CompanyUser.objects.get(user__email="trader@demo.test")
    assert link.company_role == CompanyUser.CompanyRole.SIGNING_AUTHORITY
    company = link.company
    assert company.memberships.filter(programme="PIP", state=Membership.State.ACTIVE).exists()
    assert company.applications.filter(state=Application.State.DRAFT).exists()


def test_every_state_of_every_machine_is_present(seeded):
    for model in MACHINES:
        present = set(model.objects.values_list("state", flat=True).distinct())
        assert present == set(model.State.values), model.__name__
    outcomes = set(
        SiteValidation.objects.filter(state=SiteValidation.State.COMPLETED)
        .values_list("outcome", flat=True)
        .distinct()
    )
    assert outcomes == set(SiteValidation.Outcome.values)
    completed = SiteValidation.objects.filter(state=SiteValidation.State.COMPLETED)
    assert not completed.filter(findings__isnull=True).exclude(outcome="meets").exists()
    assert not ActionPlan.objects.filter(items__isnull=True).exists()


def test_membership_dates(seeded):
    today = agency_today()
    memberships = list(Membership.objects.all())
    assert len(memberships) >= 12
    for m in memberships:
        if m.last_renewed_on is None:
            assert m.expires_on == membership_expiry(m.certified_on), m.member_number
        else:
            # Four years from the renewal's visit, a little before the renewal itself.
            assert m.expires_on <= membership_expiry(m.last_renewed_on), m.member_number
            assert m.expires_on > membership_expiry(m.certified_on), m.member_number
        if m.state == Membership.State.ACTIVE:
            assert m.expires_on >= today
        if m.state == Membership.State.LAPSED:
            assert m.expires_on < today
    assert membership_term_breaches() == []
    # Certified over the past four years (renewed and lapsed ones before that).
    first = Membership.objects.filter(last_renewed_on__isnull=True).exclude(
        state=Membership.State.LAPSED
    )
    assert all(m.certified_on >= add_years(today, -4) for m in first)
    assert first.filter(expires_on__lte=today + dt.timedelta(days=90)).exists()


def test_identifiers_are_unique_and_continue(seeded):
    numbers = list(Membership.objects.values_list("member_number", flat=True))
    assert len(numbers) == len(set(numbers))
    for programme in ("PIP", "CSA"):
        assert member_number_next(programme=programme) not in numbers
    references = set(Application.objects.values_list("reference", flat=True))
    assert application_reference_next(year=agency_today().year) not in references
    business_numbers = list(Company.objects.values_list("business_number", flat=True))
    assert len(business_numbers) == len(set(business_numbers))
    for company in Company.objects.all():
        company.full_clean()


def test_audit_timelines_lead_to_each_current_state(seeded):
    for model in MACHINES:
        content_type = ContentType.objects.get_for_model(model)
        last_event = (
            AuditEvent.objects.filter(content_type=content_type, object_id=models.OuterRef("pk"))
            .order_by("-occurred_at", "-id")
            .values("to_state")[:1]
        )
        objects = model.objects.annotate(last_to=models.Subquery(last_event))
        for obj in objects:
            assert obj.last_to == obj.state, f"{model.__name__} {obj.pk}"
    applications = Application.objects.all()
    app_type = ContentType.objects.get_for_model(Application)
    for app in applications:
        events = AuditEvent.objects.filter(content_type=app_type, object_id=app.pk)
        assert events.filter(action="create").exists()
        assert set(events.values_list("company_id", flat=True)) == {app.company_id}


def test_the_sweeps_find_nothing_to_do_and_profiles_are_complete(seeded):
    today = agency_today()
    assert not action_plan_past_deadline_list().exists()
    assert not RevalidationCycle.objects.filter(
        state__in=RevalidationCycle.IN_PROGRESS, due_on__lt=today
    ).exists()
    assert not SiteValidation.objects.filter(
        state=SiteValidation.State.SCHEDULED, scheduled_for__lt=today
    ).exists()
    assert not AuditEvent.objects.filter(occurred_at__gt=timezone.now()).exists()
    certified = Application.objects.filter(state=Application.State.CERTIFIED).first()
    assert profile_missing_items(profile=certified.profile) == []


def test_every_outcome_agrees_with_its_findings(seeded):
    """As the services require: "meets" with no must requirement short, "meets with an
    action plan" with a measure for each one that is, unless the officer justified it."""
    completed = SiteValidation.objects.filter(state=SiteValidation.State.COMPLETED)
    outcomes = set(completed.values_list("outcome", flat=True))
    assert outcomes == set(SiteValidation.Outcome.values)
    contradicted = [
        (v.pk, v.outcome, validation_outcome_conflicts(validation=v, outcome=v.outcome))
        for v in completed.filter(outcome_override_reason="")
    ]
    assert [c for c in contradicted if c[2]] == []


def test_answers_and_measures_have_stored_files(seeded, settings):
    """Some answered information requests and answered measures carry a file, stored as an
    upload is: under the company's folder, readable, of the size and type recorded."""
    answer_files = list(InformationAnswerFile.objects.select_related("information_request"))
    measure_files = list(ActionPlanItemEvidence.objects.select_related("item__plan"))
    assert answer_files and measure_files
    for f in answer_files:
        request = f.information_request
        assert request.responded_at is not None
        assert f.uploaded_at == request.responded_at
        assert f.file.name.startswith(f"information/{request.company_id}/")
        assert (f.content_type, f.original_name[-4:]) == ("application/pdf", ".pdf")
    for f in measure_files:
        assert f.item.responded_at is not None
        assert f.file.name.startswith(f"action-plans/{f.item.plan.company_id}/")
        assert (f.content_type, f.original_name[-4:]) == ("image/png", ".png")
    signatures = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n"}
    for f in answer_files + measure_files:
        assert f.file.path.startswith(str(settings.MEDIA_ROOT))
        with f.file.open("rb") as stored:
            content = stored.read()
        assert len(content) == f.size
        assert content.startswith(signatures[f.content_type])
    # Not every answered measure has a file: only some do.
    assert ActionPlanItem.objects.filter(responded_at__isnull=False).count() > len(measure_files)


def test_skip_if_seeded_changes_nothing(seeded):
    before = counts()
    out = seed(companies=40, skip_if_seeded=True)
    assert counts() == before
    assert "nothing changed" in out and "trader@demo.test" in out


def test_running_again_adds_companies_without_clashes(seeded):
    before = counts()
    seed(companies=5, seed=7)
    after = counts()
    assert after["Company"] == before["Company"] + 5
    assert User.objects.filter(email__endswith="@demo.test").count() == 13  # reused
    numbers = list(Membership.objects.values_list("member_number", flat=True))
    assert len(numbers) == len(set(numbers))
