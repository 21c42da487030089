"""Partner verification under a mutual recognition arrangement: the member number asked
about and the status shared."""

from __future__ import annotations

from rest_framework import serializers

from traders.models import Membership, Programme

from ..schema import NamedChoiceField


class MraQuerySerializer(serializers.Serializer):
    member_number = serializers.CharField(max_length=20)


class MraStatusSerializer(serializers.Serializer):
    member_number = serializers.CharField()
    company_name = serializers.CharField(source="company.legal_name")
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices)
    status = NamedChoiceField(
        enum_name="MembershipState", source="state", choices=Membership.State.choices
    )
    certified_on = serializers.DateField()
    expires_on = serializers.DateField()
