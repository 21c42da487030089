"""Company and site corrections, case assignment and the yearly profile confirmation."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import DomainError, NotPermitted
from core.models import AuditEvent
from tests.factories import SiteFactory, UserFactory, make_application, make_membership, trader_of
from traders import services
from traders.models import Application, CompanyUser

pytestmark = pytest.mark.django_db


def test_signing_authority_corrects_the_company_and_it_is_audited(company, trader):
    updated = services.company_update(company=company, actor=trader, city="Gatineau", province="QC")
    assert (updated.city, updated.province) == ("Gatineau", "QC")
    event = AuditEvent.objects.for_object(company).get(action="company_updated")
    assert event.actor == trader and "city" in event.note


def test_business_number_and_unknown_fields_cannot_be_changed(company, trader):
    with pytest.raises(ValidationError) as refused:
        services.company_update(company=company, actor=trader, business_number="999999999")
    assert "business_number" in refused.value.message_dict


def test_contributor_and_other_company_may_not_correct_the_company(company, other_trader):
    contributor = UserFactory()
    CompanyUser.objects.create(company=company, user=contributor, company_role="contributor")
    with pytest.raises(DomainError):
        services.company_update(company=company, actor=contributor, city="Laval")
    with pytest.raises(NotPermitted):
        services.company_update(company=company, actor=other_trader, city="Laval")
    company.refresh_from_db()
    assert company.city != "Laval"


def test_site_update_validates_and_audits(company, trader):
    site = SiteFactory(company=company)
    with pytest.raises(ValidationError):
        services.site_update(site=site, actor=trader, country="Canada")
    services.site_update(site=site, actor=trader, name="North yard")
    site.refresh_from_db()
    assert site.name == "North yard"
    assert AuditEvent.objects.for_object(site).filter(action="site_updated").count() == 1


def test_officer_takes_a_case_and_manager_assigns_one(officer, manager):
    app = make_application(state=Application.State.ELIGIBLE, officer=officer)
    other = UserFactory(role="officer", is_staff=True)
    with pytest.raises(NotPermitted):
        services.application_assign_officer(application=app, officer=other, actor=officer)
    app = services.application_assign_officer(application=app, officer=other, actor=manager)
    assert app.assigned_officer == other
    # Taking it back from the other officer needs a confirmation (issue 14).
    with pytest.raises(DomainError) as asked:
        services.application_assign_officer(application=app, officer=officer, actor=officer)
    assert asked.value.code == "already_assigned"
    app = services.application_assign_officer(
        application=app, officer=officer, actor=officer, confirm=True
    )
    assert app.assigned_officer == officer


def test_drafts_and_decided_cases_are_not_assigned(officer, manager):
    for state in (Application.State.DRAFT, Application.State.CERTIFIED):
        app = make_application(state=state, officer=officer, manager=manager)
        with pytest.raises(DomainError):
            services.application_assign_officer(application=app, officer=officer, actor=officer)


def test_member_confirms_its_profile_yearly():
    membership = make_membership()
    profile = membership.application.profile
    trader = trader_of(membership.company)
    confirmed = services.profile_confirm(profile=profile, actor=trader)
    assert confirmed.confirmed_on is not None
    assert AuditEvent.objects.for_object(profile).filter(action="confirm_profile").exists()
    draft = make_application(company=membership.company)
    with pytest.raises(DomainError):
        services.profile_confirm(profile=draft.profile, actor=trader)
