"""Query filters of the lists.

Every list of objects that belong to a company takes ``?company=<id>``: a trader's token
sees all of the trader's companies at once (a token has no session to remember a chosen
company), and a client narrows a list to one of them with this filter. It filters the
caller's scoped list, so another company's id gives an empty list, never its rows."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from traders.models import Application, Membership, Programme
from traders.selectors import membership_expiring_within


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a count of days): ``1.5`` and ``acme`` are 400."""

    field_class = forms.IntegerField


class CompanyFilter(django_filters.FilterSet):
    """``?company=<id>``: only the objects of that company (within the caller's scope).
    No model of its own: it serves every list whose model has a ``company``."""

    # Through the key to the company's id (no join: Django compares company_id), so that
    # the schema knows it is an integer.
    company = IntegerFilter(field_name="company__id", label=_("Company (id)"))


class ApplicationFilter(CompanyFilter):
    state = django_filters.ChoiceFilter(choices=Application.State.choices)
    assigned_officer = IntegerFilter(
        field_name="assigned_officer_id", label=_("Assigned officer (user id)")
    )

    class Meta:
        model = Application
        fields = ["company", "state", "assigned_officer"]


class MembershipFilter(CompanyFilter):
    state = django_filters.ChoiceFilter(choices=Membership.State.choices)
    programme = django_filters.ChoiceFilter(choices=Programme.choices)
    expiring_within_days = IntegerFilter(
        method="filter_expiring",
        min_value=0,
        max_value=3650,
        label=_("Active memberships expiring between today and today plus this many days"),
    )

    class Meta:
        model = Membership
        fields = ["company", "state", "programme", "expiring_within_days"]

    def filter_expiring(
        self, queryset: models.QuerySet[Membership], name: str, value: Any
    ) -> models.QuerySet[Membership]:
        return membership_expiring_within(queryset=queryset, within_days=int(value))
