"""The Django admin covers every model; state fields are shown, never edited there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_fsm import FSMFieldMixin

from tests.factories import make_membership
from traders.models import Application, Membership

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"core", "traders", "validations", "revalidation", "notifications"}
PROJECT_MODELS = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_registered():
    missing = [m._meta.label for m in PROJECT_MODELS if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_changelist_opens(client, administrator, model):
    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", [Application, Membership], ids=lambda m: m._meta.label)
def test_state_is_read_only_on_the_change_form(client, administrator, model):
    membership = make_membership()
    obj = membership.application if model is Application else membership
    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = client.get(url).content.decode()
    assert 'name="state"' not in page
    assert str(obj.get_state_display()) in page


def test_every_state_field_is_read_only_in_its_admin(rf, administrator):
    request = rf.get("/")
    request.user = administrator
    for model in PROJECT_MODELS:
        fsm_fields = [f.name for f in model._meta.fields if isinstance(f, FSMFieldMixin)]
        if not fsm_fields:
            continue
        model_admin = admin.site._registry[model]
        readonly = set(model_admin.get_readonly_fields(request, None))
        assert set(fsm_fields) <= readonly, model._meta.label
