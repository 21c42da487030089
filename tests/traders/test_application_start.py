"""Starting an application once per start form: the unique start token is the rule, on
every database (the race of two requests at once is in test_concurrency.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CompanyUserFactory, SiteFactory
from traders import services
from traders.models import Application, SecurityProfile

pytestmark = pytest.mark.django_db


def test_the_same_token_twice_gives_the_first_draft(company, trader):
    site = SiteFactory(company=company)
    first, created = services.application_create_once(
        company=company, actor=trader, start_token=f"{trader.pk}.abc", sites=[site]
    )
    again, created_again = services.application_create_once(
        company=company, actor=trader, start_token=f"{trader.pk}.abc", programme="CSA"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.programme == "PIP"
    assert Application.objects.count() == SecurityProfile.objects.count() == 1
    assert list(again.sites.all()) == [site]


def test_a_new_token_starts_a_second_application(company, trader):
    services.application_create_once(company=company, actor=trader, start_token="a")
    _app, created = services.application_create_once(company=company, actor=trader, start_token="b")
    assert created and Application.objects.filter(company=company).count() == 2


def test_another_persons_token_starts_nothing_and_shows_nothing(company, trader):
    services.application_create_once(company=company, actor=trader, start_token="shared")
    colleague = CompanyUserFactory(company=company).user
    with pytest.raises(ValidationError, match="This form has expired"):
        services.application_create_once(company=company, actor=colleague, start_token="shared")
    assert Application.objects.count() == 1


def test_no_token_is_refused_with_nothing_written(company, trader):
    with pytest.raises(ValidationError, match="This form has expired"):
        services.application_create_once(company=company, actor=trader, start_token="")
    assert not Application.objects.exists() and not SecurityProfile.objects.exists()


def test_other_creators_leave_the_token_empty(company, trader):
    first = services.application_create(company=company, actor=trader)
    second = services.application_create(company=company, actor=trader)
    assert first.start_token is None and second.start_token is None
