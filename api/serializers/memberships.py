"""Memberships: the membership, and the inputs of its transitions and of opening its
revalidation."""

from __future__ import annotations

from rest_framework import serializers

from core.models import User
from traders.models import ChangeNotice, Membership, Programme
from traders.selectors import change_notice_list_for

from ..schema import NamedChoiceField
from .base import ScopedPrimaryKeyField, staff_officers


class MembershipSerializer(serializers.ModelSerializer):
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices, read_only=True)
    state = NamedChoiceField(
        enum_name="MembershipState", choices=Membership.State.choices, read_only=True
    )
    company_name = serializers.CharField(source="company.__str__", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "member_number",
            "company",
            "company_name",
            "application",
            "programme",
            "state",
            "state_changed_at",
            "certified_on",
            "expires_on",
            "last_renewed_on",
            "cancelled_on",
            "assigned_officer",
        ]
        read_only_fields = fields


class GroundsSerializer(serializers.Serializer):
    grounds = serializers.CharField(allow_blank=True)


class AssignOfficerSerializer(serializers.Serializer):
    officer = ScopedPrimaryKeyField(model=User, selector=staff_officers)


class OpenRevalidationSerializer(serializers.Serializer):
    change_notice = ScopedPrimaryKeyField(
        model=ChangeNotice, selector=change_notice_list_for, required=False, allow_null=True
    )
