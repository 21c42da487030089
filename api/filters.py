"""Query filters of the lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from traders.models import Application, Membership, Programme
from traders.selectors import membership_expiring_within


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Application.State.choices)
    assigned_officer = IntegerFilter(
        field_name="assigned_officer_id", label=_("Assigned officer (user id)")
    )

    class Meta:
        model = Application
        fields = ["state", "assigned_officer"]


class MembershipFilter(django_filters.FilterSet):
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
        fields = ["state", "programme", "expiring_within_days"]

    def filter_expiring(
        self, queryset: models.QuerySet[Membership], name: str, value: Any
    ) -> models.QuerySet[Membership]:
        return membership_expiring_within(queryset=queryset, within_days=int(value))
