"""Factories for core and traders. Objects in a given state are built through the services,
so that a factory never writes a state by hand (the state field is protected)."""

from __future__ import annotations

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Role, User
from traders import services
from traders.models import (
    Application,
    Company,
    CompanyUser,
    Membership,
    ProfileAnswer,
    Requirement,
    Site,
)
from validations import services as validation_services


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    role = Role.TRADER
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Faker("company")
    operating_name = factory.LazyAttribute(lambda o: o.legal_name.split(",")[0])
    business_number = factory.Sequence(lambda n: f"{100000000 + n:09d}RM0001")
    country = "CA"
    province = "ON"
    city = "Ottawa"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    kind = Site.Kind.WAREHOUSE
    street_address = "100 Industrial Road"
    city = "Mississauga"
    province = "ON"


class CompanyUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyUser

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory, role=Role.TRADER)
    company_role = CompanyUser.CompanyRole.SIGNING_AUTHORITY


def pdf_upload(name: str = "policy.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test evidence\n%%EOF\n", "application/pdf")


def trader_of(company: Company) -> User:
    link = company.user_links.select_related("user").first()
    if link is None:
        link = CompanyUserFactory(company=company)
    return link.user


def complete_profile(application: Application, actor: User) -> None:
    """Answer every requirement and attach evidence where it is required."""
    requirements = Requirement.objects.filter(area__catalogue=application.profile.catalogue)
    for req in requirements:
        answer = services.profile_answer_save(
            profile=application.profile,
            requirement=req,
            implementation=ProfileAnswer.Implementation.IMPLEMENTED,
            description=f"We meet {req.code} with a written procedure.",
            actor=actor,
        )
        if req.evidence_required:
            services.evidence_attach(
                answer=answer, upload=pdf_upload(f"{req.code}.pdf"), actor=actor
            )


def make_application(
    *,
    state: str = Application.State.DRAFT,
    company: Company | None = None,
    officer: User | None = None,
    manager: User | None = None,
    programme: str = Application.ProgrammeChoice.PIP,
) -> Application:
    """An application driven through the services to ``state``."""
    S = Application.State
    company = company or CompanyFactory()
    trader = trader_of(company)
    officer = officer or UserFactory(role=Role.OFFICER, is_staff=True)
    manager = manager or UserFactory(role=Role.MANAGER, is_staff=True)
    site = SiteFactory(company=company)
    app = services.application_create(
        company=company, actor=trader, programme=programme, sites=[site]
    )
    if state == S.DRAFT:
        return app
    if state == S.WITHDRAWN:
        return validation_services.application_withdraw(application=app, actor=trader)
    complete_profile(app, trader)
    app = services.application_submit(application=app, actor=trader, declared=True)
    if state == S.SUBMITTED:
        return app
    app = services.application_start_review(application=app, actor=officer)
    if state == S.UNDER_REVIEW:
        return app
    if state == S.INFO_REQUESTED:
        return services.application_request_info(
            application=app,
            actor=officer,
            message="Send your fleet list.",
            deadline=dt.date.today() + dt.timedelta(days=30),
        )
    if state == S.INELIGIBLE:
        return services.application_mark_ineligible(
            application=app, actor=officer, reasons="Not an eligible business."
        )
    app = services.application_mark_eligible(application=app, actor=officer)
    if state == S.ELIGIBLE:
        return app
    app = services.application_schedule_validation(application=app, actor=officer)
    if state == S.VALIDATION_SCHEDULED:
        return app
    app = services.application_record_validation(application=app, actor=officer)
    if state == S.VALIDATED:
        return app
    if state == S.DENIED:
        return services.application_deny(application=app, actor=manager, reasons="Does not meet.")
    if state == S.CERTIFIED:
        return services.application_certify(application=app, actor=manager)
    raise ValueError(state)


def make_membership(
    *,
    company: Company | None = None,
    state: str = Membership.State.ACTIVE,
    manager: User | None = None,
    programme: str = "PIP",
) -> Membership:
    """A membership certified through the services, then driven to ``state``."""
    S = Membership.State
    manager = manager or UserFactory(role=Role.MANAGER, is_staff=True)
    app = make_application(
        state=Application.State.CERTIFIED, company=company, manager=manager, programme=programme
    )
    membership = Membership.objects.get(application=app)
    if state == S.ACTIVE:
        return membership
    if state == S.SUSPENDED:
        return services.membership_suspend(membership=membership, actor=manager, reason="Audit.")
    if state == S.LAPSED:
        raise ValueError("lapse needs the clock past expiry: use time_machine in the test")
    membership = services.membership_cancel(membership=membership, actor=manager, reason="Breach.")
    if state == S.CANCELLED:
        return membership
    trader = trader_of(membership.company)
    membership = services.membership_appeal(membership=membership, actor=trader, grounds="Unfair.")
    if state == S.APPEALED:
        return membership
    if state == S.UPHELD:
        return services.membership_uphold_cancellation(
            membership=membership, actor=manager, reason="Confirmed."
        )
    raise ValueError(state)
