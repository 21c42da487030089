"""The copies of a company's business types and place on its applications and memberships
(``traders.reporting``) follow the company through every service that changes it, so that
the dashboard filtered by a business type or a place never counts a company under a type or
place it has left; cycles and plans read their membership's. Whatever writes past the
services (``QuerySet.update``, a raw delete, ``loaddata``) is found by ``reporting_check``
and put right by ``reporting_rebuild`` and by the daily task."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from core.errors import NotPermitted
from core.models import AuditEvent
from demo.services import demo_seed
from reporting import dashboard as selectors
from reporting.dashboard import Filters
from tests.factories import (
    CompanyFactory,
    UserFactory,
    make_application,
    make_membership,
    trader_of,
)
from tests.revalidation.factories import make_cycle
from tests.validations.factories import make_action_plan, plan_items
from traders import reporting, services, tasks
from traders.models import Application, BusinessType, Company, Membership, business_types_key
from validations import services as validation_services
from validations.models import ActionPlan

pytestmark = pytest.mark.django_db


def _types(*codes: str) -> list[BusinessType]:
    return list(BusinessType.objects.filter(code__in=codes))


def _key(*codes: str) -> str:
    return business_types_key(t.pk for t in _types(*codes))


def _copies(company: Company) -> set[str]:
    """The copies of the types on every application and membership of the company."""
    return {
        value
        for model in reporting.COPY_MODELS
        for value in model._default_manager.filter(company=company).values_list(
            "company_business_types", flat=True
        )
    }


def _company_with_rows(*codes: str) -> Company:
    company = CompanyFactory()
    company.business_types.set(_types(*codes))
    membership = make_membership(company=company)
    make_cycle(membership=membership)
    make_action_plan(company=company)  # issued before it is linked to a membership
    make_application(company=company, state=Application.State.SUBMITTED)
    return company


def _count(key: str, filters: Filters) -> int:
    return selectors.dashboard_list(key=key, filters=filters)[1].count()


def test_only_the_rows_traders_owns_keep_a_copy():
    assert set(reporting.COPY_MODELS) == {Application, Membership}
    copied = {
        model
        for model in (Application, Membership, ActionPlan)
        if any(f.name == "company_business_types" for f in model._meta.fields)
    }
    assert copied == {Application, Membership}


def test_rows_created_copy_the_company_types_and_place():
    company = _company_with_rows("highway_carrier", "importer")
    assert _copies(company) == {_key("highway_carrier", "importer")}
    assert _key("highway_carrier", "importer").count("|") == 3  # "|a|b|"
    assert reporting.copies_drift(company_ids=[company.pk]) == []


def test_company_update_moves_every_row_and_the_filtered_figures():
    company = _company_with_rows("highway_carrier")
    signer = trader_of(company)
    highway = Filters(business_type="highway_carrier")
    rail = Filters(business_type="rail_carrier")
    assert _count("plans-open", highway) == 1
    assert _count("revalidations-open", highway) == 1

    services.company_update(company=company, actor=signer, business_types=_types("rail_carrier"))

    assert _copies(company) == {_key("rail_carrier")}
    assert _count("plans-open", highway) == 0
    assert _count("plans-open", rail) == 1  # a plan without a membership: its own company
    assert _count("applications-open", rail) == 1
    assert _count("revalidations-open", rail) == 1  # through its membership's copy
    assert _count("revalidations-open", highway) == 0


def test_a_plan_of_a_membership_is_counted_under_the_membership_copy(officer):
    company = _company_with_rows("importer")
    membership = Membership.objects.get(company=company)
    plan = validation_services.action_plan_issue(
        company=company,
        actor=officer,
        membership=membership,
        items=plan_items(days=(30,)),
    )
    importer = Filters(business_type="importer")
    rows = selectors.dashboard_list(key="plans-open", filters=importer)[1]
    assert plan in rows and rows.count() == 2
    services.company_update(
        company=company, actor=trader_of(company), business_types=_types("exporter")
    )
    assert _count("plans-open", importer) == 0
    assert _count("plans-open", Filters(business_type="exporter")) == 2


def test_a_row_loaded_before_a_change_does_not_put_the_old_types_back():
    company = _company_with_rows("highway_carrier")
    membership = Membership.objects.get(company=company)  # loaded with the old copy
    services.company_update(
        company=company, actor=trader_of(company), business_types=_types("air_carrier")
    )

    membership.save()

    membership.refresh_from_db()
    assert membership.company_business_types == _key("air_carrier")


def test_deleting_a_business_type_takes_it_out_of_every_copy(administrator):
    company = _company_with_rows("importer", "marine_carrier")
    marine = BusinessType.objects.get(code="marine_carrier")

    services.business_type_delete(business_type=marine, actor=administrator)

    assert not BusinessType.objects.filter(code="marine_carrier").exists()
    assert _copies(company) == {_key("importer")}
    assert AuditEvent.objects.filter(
        action="company_updated", object_id=company.pk, note__contains="marine_carrier"
    ).exists()


def test_only_an_administrator_deletes_a_business_type(manager):
    marine = BusinessType.objects.get(code="marine_carrier")
    with pytest.raises(NotPermitted):
        services.business_type_delete(business_type=marine, actor=manager)
    assert BusinessType.objects.filter(code="marine_carrier").exists()


def test_the_admin_deletes_a_business_type_through_the_service(client, administrator):
    company = _company_with_rows("importer", "marine_carrier")
    marine = BusinessType.objects.get(code="marine_carrier")
    client.force_login(administrator)

    response = client.post(f"/en/admin/traders/businesstype/{marine.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not BusinessType.objects.filter(pk=marine.pk).exists()
    assert _copies(company) == {_key("importer")}


def test_the_admin_changing_a_company_types_moves_its_copies(administrator):
    company = _company_with_rows("importer")
    company_admin = admin_site._registry[Company]
    request = RequestFactory().post("/admin/")
    request.user = administrator
    form_class = company_admin.get_form(request, obj=company)
    data = {
        field: value
        for field, value in form_class(instance=company).initial.items()
        if value is not None
    }
    data["business_types"] = [t.pk for t in _types("rail_carrier")]
    data["province"] = "QC"
    form = form_class(data, instance=company)
    assert form.is_valid(), form.errors

    company_admin.save_model(request, form.save(commit=False), form, change=True)
    company_admin.save_related(request, form, [], change=True)

    assert _copies(company) == {_key("rail_carrier")}
    assert set(Membership.objects.filter(company=company).values_list("company_province")) == {
        ("QC",)
    }


@pytest.mark.reporting_drift
def test_a_queryset_update_is_found_and_rebuilt(capsys):
    company = _company_with_rows("importer")
    Company.objects.filter(pk=company.pk).update(province="QC")  # no service, no copy
    Company.business_types.through.objects.filter(company_id=company.pk).delete()

    with pytest.raises(CommandError, match="6 copies differ"):
        call_command("reporting_check")
    listed = capsys.readouterr().out
    assert "traders.Membership" in listed and "traders.Application" in listed
    assert "'ON', the company's is 'QC'" in listed

    call_command("reporting_rebuild")

    call_command("reporting_check")
    assert "Every copy matches its company." in capsys.readouterr().out
    assert _copies(company) == {""}
    assert _count("applications-open", Filters(province="QC")) == 1


@pytest.mark.reporting_drift
def test_a_fixture_is_found_and_rebuilt(tmp_path):
    company = _company_with_rows("importer")
    fixture = tmp_path / "company.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "traders.company",
                    "pk": company.pk,
                    "fields": {
                        **{
                            f.attname: getattr(company, f.attname)
                            for f in Company._meta.concrete_fields
                            if not f.primary_key
                        },
                        "business_types": [t.pk for t in _types("exporter")],
                        "created_at": company.created_at.isoformat(),
                        "updated_at": company.updated_at.isoformat(),
                    },
                }
            ]
        )
    )

    call_command("loaddata", str(fixture), verbosity=0)

    assert {d.field for d in reporting.copies_drift()} == {"company_business_types"}
    call_command("reporting_rebuild", company=[company.pk])
    assert reporting.copies_drift() == []
    assert _copies(company) == {_key("exporter")}


@pytest.mark.reporting_drift
def test_the_daily_check_logs_and_rebuilds_what_drifted(caplog):
    company = _company_with_rows("importer")
    Membership.objects.filter(company=company).update(company_country="US")

    with caplog.at_level(logging.ERROR, logger="traders.tasks"):
        assert tasks.reporting_check.apply().get() == 1

    assert "company_country is 'US', the company's is 'CA'" in caplog.text
    assert reporting.copies_drift() == []
    assert tasks.reporting_check.apply().get() == 0


def test_the_daily_check_is_scheduled(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "traders.reporting_check" in tasks_scheduled


def test_the_seeded_demo_rows_carry_their_company_copies():
    """seed_demo writes in bulk (no save()) and writes the copies itself."""
    demo_seed(companies=30, full_profiles=2)
    assert Membership.objects.count() > 10
    assert reporting.copies_drift() == []


def test_decisions_record_the_types_the_company_had(manager):
    """The audit trail keeps the types of the moment: a later change leaves them."""
    company = CompanyFactory()
    company.business_types.set(_types("exporter"))
    membership = make_membership(company=company)
    certified = AuditEvent.objects.get(
        action="certify", content_type=ContentType.objects.get_for_model(Application)
    )
    assert certified.company_business_types == _key("exporter")

    services.company_update(
        company=company, actor=trader_of(company), business_types=_types("customs_broker")
    )
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
    kinds = [ContentType.objects.get_for_model(model) for model in reporting.COPY_MODELS]
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
    assert _count("plans-open", ontario) == 1
    assert _count("revalidations-open", ontario) == 1

    services.company_update(company=company, actor=signer, province="QC")

    for model in reporting.COPY_MODELS:
        assert set(
            model._default_manager.filter(company=company).values_list(
                "company_country", "company_province"
            )
        ) == {("CA", "QC")}, model.__name__
    assert _count("plans-open", ontario) == 0
    assert _count("plans-open", quebec) == 1
    assert _count("revalidations-open", quebec) == 1
    certified = AuditEvent.objects.get(
        action="certify", content_type=ContentType.objects.get_for_model(Application)
    )
    assert (certified.company_country, certified.company_province) == ("CA", "ON")


def test_cycles_and_plans_follow_their_membership_officer(manager):
    company = _company_with_rows("importer")
    membership = Membership.objects.get(company=company)
    plan = ActionPlan.objects.get(company=company)
    plan.membership = membership
    plan.save(update_fields=["membership"])  # linked later: its officer is the membership's
    officer = UserFactory(role="officer", is_staff=True)

    services.membership_assign_officer(membership=membership, officer=officer, actor=manager)

    mine = Filters(officer=officer.pk)
    assert _count("revalidations-open", mine) == 1
    assert _count("plans-open", mine) == 1
    assert _count("plans-open", Filters(programme="PIP")) == 1
    (row,) = [
        r
        for r in selectors.dashboard_figures(filters=Filters())["workload"]
        if r["officer"] == officer
    ]
    assert [cell["count"] for cell in row["cells"]] == [0, 1, 1]
