"""Companies, their sites and their users: the profile as read, the company and site
created or corrected, a person linked or invited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Role, User
from traders.models import BusinessType, Company, CompanyUser, Site

from ..schema import NamedChoiceField


class SiteSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(enum_name="SiteKind", choices=Site.Kind.choices, read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "street_address",
            "city",
            "province",
            "country",
            "postal_code",
            "is_active",
        ]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    business_types: serializers.SlugRelatedField[BusinessType] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    sites = SiteSerializer(many=True, read_only=True)
    contact_email = serializers.CharField(read_only=True)  # may be blank: no "email" format

    class Meta:
        model = Company
        fields = [
            "id",
            "legal_name",
            "operating_name",
            "business_number",
            "country",
            "province",
            "city",
            "street_address",
            "postal_code",
            "phone",
            "contact_email",
            "business_types",
            "mra_sharing_consent",
            "sites",
            "created_at",
        ]
        read_only_fields = fields


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that refuses a NUL character before it reaches the database
    (PostgreSQL cannot compare such a string: it would be a 500, not a 400)."""

    def to_internal_value(self, data: Any) -> Any:  # noqa: ANN401  # DRF's signature
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class CompanyCreateSerializer(serializers.Serializer):
    legal_name = serializers.CharField()
    business_number = serializers.CharField()
    operating_name = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, default="CA")
    province = serializers.CharField(required=False, allow_blank=True, default="")
    city = serializers.CharField(required=False, allow_blank=True, default="")
    street_address = serializers.CharField(required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    business_types = CodeRelatedField(
        many=True, slug_field="code", queryset=BusinessType.objects.all(), required=False
    )
    mra_sharing_consent = serializers.BooleanField(required=False, default=False)


class SiteCreateSerializer(serializers.Serializer):
    name = serializers.CharField()
    street_address = serializers.CharField()
    city = serializers.CharField()
    kind = NamedChoiceField(
        enum_name="SiteKind", choices=Site.Kind.choices, required=False, default="office"
    )
    province = serializers.CharField(required=False, allow_blank=True, default="")
    country = serializers.CharField(required=False, default="CA")
    postal_code = serializers.CharField(required=False, allow_blank=True, default="")


class StrictInputSerializer(serializers.Serializer):
    """A partial update: only the fields sent are changed, and a field that cannot be
    changed here (the business number, say) is refused rather than silently ignored."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {field: [_("This field cannot be changed here.")] for field in unknown}
                )
        return attrs


class CompanyUpdateSerializer(StrictInputSerializer):
    legal_name = serializers.CharField(required=False)
    operating_name = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False)
    province = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    street_address = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    business_types = CodeRelatedField(
        many=True, slug_field="code", queryset=BusinessType.objects.all(), required=False
    )
    mra_sharing_consent = serializers.BooleanField(required=False)


class SiteUpdateSerializer(StrictInputSerializer):
    name = serializers.CharField(required=False)
    kind = NamedChoiceField(enum_name="SiteKind", choices=Site.Kind.choices, required=False)
    street_address = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    province = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class CompanyUserSerializer(serializers.ModelSerializer):
    email = serializers.CharField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    company_role = NamedChoiceField(
        enum_name="CompanyRole", choices=CompanyUser.CompanyRole.choices, read_only=True
    )

    class Meta:
        model = CompanyUser
        fields = ["id", "user", "email", "full_name", "company_role", "created_at"]
        read_only_fields = fields


class CompanyUserAddSerializer(serializers.Serializer):
    email = serializers.EmailField(
        help_text=_("The e-mail address of an existing trader account (people register first).")
    )
    company_role = NamedChoiceField(
        enum_name="CompanyRole",
        choices=CompanyUser.CompanyRole.choices,
        required=False,
        default=CompanyUser.CompanyRole.CONTRIBUTOR,
    )

    def validate_email(self, value: str) -> User:
        user = User.objects.filter(email__iexact=value, role=Role.TRADER, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(
                _(
                    "No active trader account uses this e-mail address: the person registers "
                    "on the portal first."
                )
            )
        return user

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {"user": attrs["email"], "company_role": attrs["company_role"]}


class InvitationSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200)
    company_role = NamedChoiceField(
        enum_name="CompanyRole",
        choices=CompanyUser.CompanyRole.choices,
        required=False,
        default=CompanyUser.CompanyRole.CONTRIBUTOR,
    )
    preferred_language = serializers.ChoiceField(
        choices=["en", "fr"],
        required=False,
        help_text=_(
            "The language of the invitation and of the new account's pages (default: the "
            "inviter's). An existing account keeps its own."
        ),
    )
