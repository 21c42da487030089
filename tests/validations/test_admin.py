import pytest
from django.urls import reverse

from tests.validations.factories import make_action_plan, make_incident, make_site_validation
from validations.models import ActionPlan, Incident, SiteValidation

pytestmark = pytest.mark.django_db

MODELS = [
    "sitevalidation",
    "finding",
    "findingevidence",
    "actionplan",
    "actionplanitem",
    "incident",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_an_admin_list(model, client, administrator):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:validations_{model}_changelist"))
    assert response.status_code == 200


def test_state_is_read_only_in_the_admin(client, manager, company, officer):
    manager.is_superuser = True
    manager.save()
    validation = make_site_validation(company=company, officer=officer)
    client.force_login(manager)

    response = client.get(reverse("admin:validations_sitevalidation_change", args=[validation.pk]))

    assert response.status_code == 200
    assert 'name="state"' not in response.content.decode()


def _run_action(client, user, model, action, pk):
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client.post(
        reverse(f"admin:validations_{model}_changelist"),
        {"action": action, "_selected_action": [pk]},
        follow=True,
    )


def test_admin_starts_a_validation_through_the_service(client, officer, company):
    validation = make_site_validation(company=company, officer=officer)
    _run_action(client, officer, "sitevalidation", "action_site_validation_start", validation.pk)
    assert SiteValidation.objects.get(pk=validation.pk).state == SiteValidation.State.IN_PROGRESS


def test_admin_starts_an_analysis_through_the_service(client, officer, company):
    incident = make_incident(company=company, officer=officer)
    _run_action(client, officer, "incident", "action_incident_start_analysis", incident.pk)
    assert Incident.objects.get(pk=incident.pk).analyst == officer


def test_admin_reports_a_refusal_by_name(client, officer, company):
    plan = make_action_plan(company=company, officer=officer)  # not yet due
    response = _run_action(
        client, officer, "actionplan", "action_action_plan_mark_overdue", plan.pk
    )
    assert "not overdue" in response.content.decode()
    assert ActionPlan.objects.get(pk=plan.pk).state == ActionPlan.State.ISSUED
