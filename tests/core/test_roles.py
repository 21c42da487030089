"""Scoping: a trader user sees only their own company's records, agency staff see all,
anyone else sees nothing, for every model that declares SCOPE_COMPANY_FIELD."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models

from core.roles import scope_for
from tests.factories import make_application, pdf_upload, trader_of
from tests.revalidation.factories import make_cycle
from tests.traders.factories import small_catalogue_load
from tests.validations.factories import make_action_plan, make_incident, make_site_validation
from traders import services
from traders.documents import certificate_issue
from traders.models import Application, ChangeNotice, Company, Membership, Requirement
from validations import services as validation_services
from validations.models import SiteValidation

SCOPED_MODELS = sorted(
    (m for m in apps.get_models() if hasattr(m, "SCOPE_COMPANY_FIELD")),
    key=lambda m: m._meta.label,
)
# What the world built below contains, one or more rows per company.
BUILT = {
    "traders.Company",
    "traders.Site",
    "traders.CompanyUser",
    "traders.Application",
    "traders.SecurityProfile",
    "traders.ProfileAnswer",
    "traders.EvidenceFile",
    "traders.InformationRequest",
    "traders.InformationAnswerFile",
    "traders.Membership",
    "traders.ChangeNotice",
    "traders.MembershipCertificate",
    "notifications.Letter",
    "validations.SiteValidation",
    "validations.Finding",
    "validations.FindingEvidence",
    "validations.ActionPlan",
    "validations.ActionPlanItem",
    "validations.ActionPlanItemEvidence",
    "validations.Incident",
    "revalidation.RevalidationCycle",
}


def _build_for(company: Company, officer, manager) -> None:
    # A certified application brings a site, a company user, a profile with answers and a
    # document, and a membership; an information request answered with a file and a change
    # notice complete it.
    make_application(
        state=Application.State.CERTIFIED, company=company, officer=officer, manager=manager
    )
    asked = make_application(
        state=Application.State.INFO_REQUESTED, company=company, officer=officer, manager=manager
    )
    services.application_answer_info(
        application=asked,
        actor=trader_of(company),
        response="The gate log is attached.",
        uploads=[pdf_upload()],
    )
    services.change_notice_submit(
        company=company,
        actor=trader_of(company),
        kind=ChangeNotice.Kind.CONTACTS,
        description="New security contact.",
        effective_on=dt.date(2026, 2, 1),
    )
    # Site validation with a finding and its photo, an action plan with items (one answered
    # with a file), an incident,
    # and a revalidation of the membership.
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    requirement = Requirement.objects.filter(area__catalogue_id=validation.catalogue_id).first()
    finding = validation_services.finding_record(
        validation=validation, requirement=requirement, result="meets", note="", actor=officer
    )
    validation_services.finding_evidence_attach(finding=finding, upload=pdf_upload(), actor=officer)
    plan = make_action_plan(company=company, officer=officer)
    validation_services.action_plan_item_respond(
        item=plan.items.order_by("pk").first(),
        actor=trader_of(company),
        response="New locks fitted.",
        files=[pdf_upload()],
    )
    make_incident(company=company, officer=officer)
    membership = Membership.objects.get(company=company)
    certificate_issue(membership=membership, reason="certification")
    make_cycle(membership=membership, officer=officer)


@pytest.fixture
def world(company, other_company, trader, other_trader, officer, manager):
    small_catalogue_load()
    _build_for(company, officer, manager)
    _build_for(other_company, officer, manager)
    return company, other_company


def _of(model: type[models.Model], company: Company) -> set[int]:
    return set(
        model._default_manager.filter(**{model.SCOPE_COMPANY_FIELD: company.pk}).values_list(
            "pk", flat=True
        )
    )


def _visible(model: type[models.Model], user) -> set[int]:
    return set(scope_for(model, user=user).values_list("pk", flat=True))


def test_every_model_with_a_company_is_covered():
    assert {m._meta.label for m in SCOPED_MODELS} == BUILT


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_scope(model, request, trader, other_trader, officer, manager, administrator, partner):
    company_a, company_b = request.getfixturevalue("world")
    of_a, of_b = _of(model, company_a), _of(model, company_b)
    assert of_a and of_b, "the world has rows of this model for both companies"

    assert _visible(model, other_trader) & of_a == set()
    assert of_b <= _visible(model, other_trader)
    assert _visible(model, trader) & of_b == set()
    assert of_a <= _visible(model, trader)
    for staff in (officer, manager, administrator):
        assert of_a | of_b <= _visible(model, staff)
    for nobody in (partner, AnonymousUser(), None):
        assert _visible(model, nobody) == set()

    trader.is_active = False
    trader.save(update_fields=["is_active"])
    assert _visible(model, trader) == set()


@pytest.mark.django_db
def test_a_trader_of_two_companies_sees_both(world, other_trader):
    company_a, company_b = world
    services.company_user_add(
        company=company_a, user=other_trader, company_role="contributor", actor=trader_of(company_a)
    )
    visible = _visible(Application, other_trader)
    assert _of(Application, company_a) | _of(Application, company_b) == visible
