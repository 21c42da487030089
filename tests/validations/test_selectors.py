import pytest

from tests.factories import CompanyUserFactory, pdf_upload
from tests.validations.factories import (
    make_action_plan,
    make_incident,
    make_site_validation,
    plan_items,
    record_findings,
)
from traders.models import Requirement
from validations import selectors, services
from validations.models import ActionPlan, SiteValidation

pytestmark = pytest.mark.django_db

LISTS = {
    "site_validation": selectors.site_validation_list_for,
    "finding": selectors.finding_list_for,
    "finding_evidence": selectors.finding_evidence_list_for,
    "action_plan": selectors.action_plan_list_for,
    "action_plan_item": selectors.action_plan_item_list_for,
    "action_plan_item_evidence": selectors.action_plan_item_evidence_list_for,
    "incident": selectors.incident_list_for,
}


@pytest.fixture
def records_of_company_a(company, officer, trader):
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    finding = services.finding_record(
        validation=validation,
        requirement=Requirement.objects.filter(area__catalogue=validation.catalogue).first(),
        result="meets",
        note="",
        actor=officer,
    )
    services.finding_evidence_attach(finding=finding, upload=pdf_upload(), actor=officer)
    plan = make_action_plan(company=company, officer=officer)
    services.action_plan_item_respond(
        item=plan.items.order_by("id").first(),
        actor=trader,
        response="A lock is on gate 1.",
        files=[pdf_upload("lock.pdf")],
    )
    make_incident(company=company, officer=officer)


@pytest.mark.parametrize("name", LISTS)
def test_trader_of_company_b_sees_nothing_of_company_a(
    name, records_of_company_a, trader, other_trader
):
    assert LISTS[name](user=trader).exists()
    assert not LISTS[name](user=other_trader).exists()


@pytest.mark.parametrize("name", LISTS)
def test_staff_see_everything_partners_nothing(name, records_of_company_a, officer, partner):
    assert LISTS[name](user=officer).exists()
    assert not LISTS[name](user=partner).exists()


def test_a_user_of_both_companies_sees_both(company, other_company, trader, officer):
    make_action_plan(company=company, officer=officer)
    make_action_plan(company=other_company, officer=officer)
    CompanyUserFactory(company=other_company, user=trader)

    assert selectors.action_plan_list_for(user=trader).count() == 2


def test_missing_findings_in_catalogue_order(company, officer):
    validation = make_site_validation(
        state=SiteValidation.State.IN_PROGRESS, company=company, officer=officer
    )
    all_missing = selectors.validation_missing_findings(validation=validation)
    codes = [m["code"] for m in all_missing]

    record_findings(validation, officer, skip=codes[1:3])

    assert [m["code"] for m in selectors.validation_missing_findings(validation=validation)] == (
        codes[1:3]
    )


def test_action_plan_list_in_constant_queries(
    company, other_company, officer, django_assert_max_num_queries
):
    for c in (company, other_company, company):
        make_action_plan(company=c, officer=officer)
    with django_assert_max_num_queries(1):
        names = [str(p.company) for p in selectors.action_plan_list_for(user=officer)]
    assert len(names) == 3


def test_past_deadline_list_is_what_the_sweep_marks_overdue(company, officer):
    due = make_action_plan(company=company, officer=officer, past_due=True)
    make_action_plan(company=company, officer=officer)  # not yet due
    make_action_plan(state=ActionPlan.State.OVERDUE, company=company, officer=officer)

    assert list(selectors.action_plan_past_deadline_list()) == [due]


def test_action_plan_page_shows_each_measure_with_its_files_in_three_queries(
    company, officer, trader, django_assert_num_queries
):
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(days=(30, 60, 90, 120))
    )
    items = list(plan.items.order_by("id"))
    for number, item in enumerate(items, start=1):
        services.action_plan_item_respond(
            item=item,
            actor=trader,
            response=f"Measure {number} done.",
            files=[pdf_upload(f"proof-{number}-{n}.pdf") for n in range(number)],
        )

    with django_assert_num_queries(3):  # the plan, its items, their files
        page = selectors.action_plan_for_page(user=trader, pk=plan.pk)
        files = [[e.original_name for e in i.evidence.all()] for i in page.items.all()]

    assert [len(names) for names in files] == [1, 2, 3, 4]  # in the order issued
    assert files[1] == ["proof-2-0.pdf", "proof-2-1.pdf"]
