"""Change notices: the notice, its submission, and its follow-ups (a spot check, an early
revalidation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import User
from traders.models import ChangeNotice, Company, Membership, Site
from traders.selectors import company_list_for, membership_list_for

from ..schema import NamedChoiceField
from .base import ScopedPrimaryKeyField, sites_for, staff_officers


class ChangeNoticeSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        enum_name="ChangeKind", choices=ChangeNotice.Kind.choices, read_only=True
    )
    state = NamedChoiceField(
        enum_name="ChangeNoticeState", choices=ChangeNotice.State.choices, read_only=True
    )

    class Meta:
        model = ChangeNotice
        fields = [
            "id",
            "company",
            "membership",
            "kind",
            "description",
            "effective_on",
            "state",
            "follow_up",
            "officer_note",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ChangeNotice) -> dict[str, Any]:
        data = super().to_representation(instance)
        # For a trader, a follow-up by a spot check not yet started stays unsaid
        # (validations.selectors.change_notice_list_for): the visit is unannounced.
        if getattr(instance, "follow_up_hidden", False):
            data["follow_up"] = ""
            data["officer_note"] = ""
        return data


class ChangeNoticeCreateSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(model=Company, selector=company_list_for)
    kind = NamedChoiceField(enum_name="ChangeKind", choices=ChangeNotice.Kind.choices)
    description = serializers.CharField(allow_blank=True)
    effective_on = serializers.DateField()
    membership = ScopedPrimaryKeyField(
        model=Membership, selector=membership_list_for, required=False, allow_null=True
    )


class NoticeSpotCheckSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField()
    membership = ScopedPrimaryKeyField(
        model=Membership,
        selector=membership_list_for,
        required=False,
        allow_null=True,
        help_text=_("The membership whose sites are checked (default: the notice's)."),
    )
    sites = ScopedPrimaryKeyField(
        model=Site,
        selector=sites_for,
        many=True,
        required=False,
        help_text=_("The sites to visit (default: every active site of the company)."),
    )
    officers = ScopedPrimaryKeyField(model=User, selector=staff_officers, many=True, required=False)
    joint_with_cbp = serializers.BooleanField(required=False, default=False)


class NoticeRevalidationSerializer(serializers.Serializer):
    membership = ScopedPrimaryKeyField(
        model=Membership,
        selector=membership_list_for,
        required=False,
        allow_null=True,
        help_text=_("The membership to revalidate early (default: the notice's)."),
    )
