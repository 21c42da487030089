"""The copy of a company's business types on the rows the dashboard counts
(``CompanyCopy``) follows the company, whatever changes its types, so that the
dashboard filtered by a business type never counts a company under a type it has left."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import AuditEvent
from demo.services import demo_seed
from reporting import dashboard as selectors
from reporting.dashboard import Filters
from revalidation.models import RevalidationCycle
from tests.factories import (
    CompanyFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from tests.revalidation.factories import make_cycle
from tests.validations.factories import make_action_plan
from traders import services
from traders.models import Application, BusinessType, Company, Membership, business_types_key
from traders.signals import company_copies
from validations.models import ActionPlan

pytestmark = pytest.mark.django_db


def _types(*codes: str) -> list[BusinessType]:
    return list(BusinessType.objects.filter(code__in=codes))


def _key(*codes: str) -> str:
    return business_types_key(t.pk for t in _types(*codes))


def _copies(company: Company) -> set[str]:
    """The copies on every row of the company, of every model that keeps one."""
    return {
        value
        for model in company_copies()
        for value in model._default_manager.filter(company=company).values_list(
            "company_business_types", flat=True
        )
    }


def _company_with_rows(*codes: str) -> Company:
    company = CompanyFactory()
    company.business_types.set(_types(*codes))
    membership = make_membership(company=company)
    make_cycle(membership=membership)
    make_action_plan(company=company)
    make_application(company=company, state=Application.State.SUBMITTED)
    return company


def test_every_counted_model_keeps_a_copy():
    assert set(company_copies()) == {Application, Membership, RevalidationCycle, ActionPlan}


def test_rows_created_copy_the_company_types():
    company = _company_with_rows("highway_carrier", "importer")
    assert _copies(company) == {_key("highway_carrier", "importer")}
    assert _key("highway_carrier", "importer").count("|") == 3  # "|a|b|"


def test_company_update_moves_every_row_and_the_filtered_figures():
    company = _company_with_rows("highway_carrier")
    signer = trader_of(company)
    highway = Filters(business_type="highway_carrier")
    rail = Filters(business_type="rail_carrier")
    before_highway = selectors.dashboard_list(key="plans-open", filters=highway)[1].count()
    assert before_highway == 1

    services.company_update(company=company, actor=signer, business_types=_types("rail_carrier"))

    assert _copies(company) == {_key("rail_carrier")}
    assert selectors.dashboard_list(key="plans-open", filters=highway)[1].count() == 0
    assert selectors.dashboard_list(key="plans-open", filters=rail)[1].count() == 1
    assert selectors.dashboard_list(key="applications-open", filters=rail)[1].count() == 1
    assert selectors.dashboard_list(key="revalidations-open", filters=rail)[1].count() == 1


def test_changes_from_the_business_type_side_and_clearing():
    company = _company_with_rows("importer")
    other = _company_with_rows("importer")
    marine = BusinessType.objects.get(code="marine_carrier")

    marine.companies.add(company)
    assert _copies(company) == {_key("importer", "marine_carrier")}
    assert _copies(other) == {_key("importer")}

    marine.companies.remove(company)
    assert _copies(company) == {_key("importer")}

    importer = BusinessType.objects.get(code="importer")
    importer.companies.clear()
    assert _copies(company) == {""}
    assert _copies(other) == {""}

    company.business_types.add(marine)
    assert _copies(company) == {_key("marine_carrier")}
    company.business_types.clear()
    assert _copies(company) == {""}


def test_a_row_loaded_before_a_change_does_not_put_the_old_types_back():
    company = _company_with_rows("highway_carrier")
    membership = Membership.objects.get(company=company)  # loaded with the old copy
    company.business_types.set(_types("air_carrier"))

    membership.save()

    membership.refresh_from_db()
    assert membership.company_business_types == _key("air_carrier")


def test_the_seeded_demo_rows_carry_their_company_types():
    """seed_demo writes in bulk (no save()); it copies the types itself."""
    demo_seed(companies=30, full_profiles=2)
    expected = {
        company.pk: business_types_key(t.pk for t in company.business_types.all())
        for company in Company.objects.prefetch_related("business_types")
    }
    checked = 0
    for model in company_copies():
        for company_id, copy in model._default_manager.values_list(
            "company_id", "company_business_types"
        ):
            assert copy == expected[company_id], (model.__name__, company_id)
            checked += 1
    assert checked > 30


def test_decisions_record_the_types_the_company_had(manager):
    """The audit trail keeps the types of the moment: a later change leaves them."""
    company = CompanyFactory()
    company.business_types.set(_types("exporter"))
    membership = make_membership(company=company)
    certified = AuditEvent.objects.get(
        action="certify", content_type=ContentType.objects.get_for_model(Application)
    )
    assert certified.company_business_types == _key("exporter")

    company.business_types.set(_types("customs_broker"))
    services.membership_suspend(membership=membership, actor=manager, reason="Audit.")

    certified.refresh_from_db()
    assert certified.company_business_types == _key("exporter")
    suspended = AuditEvent.objects.get(action="suspend")
    assert suspended.company_business_types == _key("customs_broker")


def test_the_seeded_decisions_carry_their_company_types():
    demo_seed(companies=30, full_profiles=0)
    expected = {
        company.pk: business_types_key(t.pk for t in company.business_types.all())
        for company in Company.objects.prefetch_related("business_types")
    }
    kinds = [ContentType.objects.get_for_model(model) for model in company_copies()]
    events = AuditEvent.objects.filter(content_type__in=kinds, company_id__isnull=False)
    checked = 0
    for company_id, copy in events.values_list("company_id", "company_business_types"):
        assert copy == expected[company_id]
        checked += 1
    assert checked > 30


def test_the_place_follows_the_company_and_decisions_keep_theirs(manager):
    company = _company_with_rows("importer")
    signer = trader_of(company)
    assert {(m.company_country, m.company_province) for m in Membership.objects.all()} == {
        ("CA", "ON")
    }
    quebec = Filters(province="QC")
    ontario = Filters(province="ON")
    assert selectors.dashboard_list(key="plans-open", filters=ontario)[1].count() == 1

    services.company_update(company=company, actor=signer, province="QC")

    for model in company_copies():
        assert set(
            model._default_manager.filter(company=company).values_list(
                "company_country", "company_province"
            )
        ) == {("CA", "QC")}, model.__name__
    assert selectors.dashboard_list(key="plans-open", filters=ontario)[1].count() == 0
    assert selectors.dashboard_list(key="plans-open", filters=quebec)[1].count() == 1
    certified = AuditEvent.objects.get(
        action="certify", content_type=ContentType.objects.get_for_model(Application)
    )
    assert (certified.company_country, certified.company_province) == ("CA", "ON")


def test_cycles_and_plans_follow_their_membership_officer(manager):
    company = _company_with_rows("importer")
    membership = Membership.objects.get(company=company)
    cycle = RevalidationCycle.objects.get(membership=membership)
    assert (cycle.membership_officer_id, cycle.membership_programme) == (
        membership.assigned_officer_id,
        "PIP",
    )
    officer = UserFactory(role="officer", is_staff=True)
    plan = ActionPlan.objects.get(company=company)
    plan.membership = membership
    plan.save(update_fields=["membership"])  # linked later: the copy comes with it
    plan.refresh_from_db()
    assert plan.membership_officer_id == membership.assigned_officer_id

    services.membership_assign_officer(membership=membership, officer=officer, actor=manager)

    for row in (cycle, plan):
        row.refresh_from_db()
        assert row.membership_officer_id == officer.pk
    mine = Filters(officer=officer.pk)
    assert selectors.dashboard_list(key="revalidations-open", filters=mine)[1].count() == 1
    (row,) = [
        r
        for r in selectors.dashboard_figures(filters=Filters())["workload"]
        if r["officer"] == officer
    ]
    assert [cell["count"] for cell in row["cells"]] == [0, 1, 1]


def test_the_seeded_cycles_and_plans_carry_their_membership_officer():
    demo_seed(companies=40, full_profiles=0)
    checked = 0
    for model in (RevalidationCycle, ActionPlan):
        for row in model.objects.filter(membership__isnull=False).select_related("membership"):
            assert row.membership_officer_id == row.membership.assigned_officer_id
            assert row.membership_programme == row.membership.programme
            checked += 1
    assert checked > 5
