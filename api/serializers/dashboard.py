"""The manager's dashboard (reporting.dashboard): its filters, its figures and the rows
of the list behind each figure."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.models import AuditEvent, User
from revalidation.models import RevalidationCycle
from traders.models import Application, BusinessType, Membership, Programme
from validations.models import ActionPlan

from ..schema import ConstantField, NamedChoiceField
from .base import ScopedPrimaryKeyField, staff_officers


class DashboardQuerySerializer(serializers.Serializer):
    """The dashboard's filters, as on the page; an unknown value is refused (400)."""

    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices, required=False)
    business_type = serializers.CharField(
        required=False, max_length=20, help_text=_("A business type's code, such as HWY.")
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text=_("Two-letter code, such as CA or US.")
    )
    province = serializers.CharField(
        required=False, max_length=40, help_text=_("Code, such as ON or MI.")
    )
    officer = ScopedPrimaryKeyField(
        model=User,
        selector=staff_officers,
        required=False,
        help_text=_("Only cases of this officer (user id)."),
    )

    def validate_business_type(self, value: str) -> str:
        if not BusinessType.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("No business type has this code."))
        return value


class DashboardListQuerySerializer(DashboardQuerySerializer):
    """A list's filters, plus the list's own parameters (month; action for decisions)."""

    month = serializers.RegexField(
        r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("YYYY-MM: the month of the expiring-month and decisions lists."),
    )
    action = serializers.ChoiceField(
        choices=["certify", "deny", "suspend"],
        required=False,
        help_text=_("The decision counted (decisions list)."),
    )


class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The list behind the figure."))
    count = serializers.IntegerField()
    list = serializers.CharField(help_text=_("Where the list is, with the same filters."))


class DashboardExpiringSerializer(DashboardFigureSerializer):
    days = serializers.IntegerField()


class DashboardStageSerializer(DashboardFigureSerializer):
    state = NamedChoiceField(enum_name="ApplicationState", choices=Application.State.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    oldest_days = serializers.IntegerField(allow_null=True)
    median_days = serializers.IntegerField(allow_null=True)


class DashboardWorkloadSerializer(serializers.Serializer):
    officer = serializers.IntegerField(source="officer.pk")
    officer_name = serializers.SerializerMethodField()
    cells = DashboardFigureSerializer(many=True)
    total = serializers.IntegerField()

    def get_officer_name(self, row: dict[str, Any]) -> str:
        return row["officer"].full_name or row["officer"].email


class DashboardMonthSerializer(DashboardFigureSerializer):
    month = serializers.DateField()


class DashboardSeriesSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, see above
    values = DashboardMonthSerializer(many=True)


class DashboardDecisionsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.DateField())
    series = DashboardSeriesSerializer(many=True)


@extend_schema_serializer(many=False)  # the figures: one object, not a page of them
class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    expiring = DashboardExpiringSerializer(many=True)
    lapsed = DashboardFigureSerializer()
    revalidations_overdue = DashboardFigureSerializer()
    revalidations_not_started = DashboardFigureSerializer()
    plans_overdue = DashboardFigureSerializer()
    plans_due_soon = DashboardFigureSerializer()
    pipeline = DashboardStageSerializer(many=True)
    workload = DashboardWorkloadSerializer(many=True)
    decisions = DashboardDecisionsSerializer()
    expiries = DashboardMonthSerializer(many=True)


def _officer_name(user: User | None) -> str | None:
    return (user.full_name or user.email) if user is not None else None


class _CompanyColumns(serializers.Serializer):
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.legal_name")
    province = serializers.CharField(source="company.province")
    country = serializers.CharField(source="company.country")


class DashboardMembershipRowSerializer(_CompanyColumns):
    kind = ConstantField(value="memberships", enum_name="DashboardMembershipRowKind")
    id = serializers.IntegerField()
    member_number = serializers.CharField()
    programme = NamedChoiceField(enum_name="Programme", choices=Programme.choices)
    state = NamedChoiceField(enum_name="MembershipState", choices=Membership.State.choices)
    expires_on = serializers.DateField()
    assigned_officer = serializers.IntegerField(source="assigned_officer_id", allow_null=True)
    assigned_officer_name = serializers.SerializerMethodField()

    def get_assigned_officer_name(self, row: Membership) -> str | None:
        return _officer_name(row.assigned_officer)


class DashboardRevalidationRowSerializer(_CompanyColumns):
    kind = ConstantField(value="revalidations", enum_name="DashboardRevalidationRowKind")
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    member_number = serializers.CharField(source="membership.member_number")
    programme = NamedChoiceField(
        enum_name="Programme", source="membership.programme", choices=Programme.choices
    )
    state = NamedChoiceField(enum_name="RevalidationState", choices=RevalidationCycle.State.choices)
    opened_on = serializers.DateField()
    due_on = serializers.DateField()
    assigned_officer = serializers.IntegerField(
        source="membership.assigned_officer_id", allow_null=True
    )
    assigned_officer_name = serializers.SerializerMethodField()

    def get_assigned_officer_name(self, row: RevalidationCycle) -> str | None:
        return _officer_name(row.membership.assigned_officer)


class DashboardPlanRowSerializer(_CompanyColumns):
    kind = ConstantField(value="plans", enum_name="DashboardPlanRowKind")
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id", allow_null=True)
    member_number = serializers.SerializerMethodField()
    state = NamedChoiceField(enum_name="ActionPlanState", choices=ActionPlan.State.choices)
    issued_on = serializers.DateField()
    deadline = serializers.DateField()
    assigned_officer = serializers.SerializerMethodField()
    assigned_officer_name = serializers.SerializerMethodField()

    def get_member_number(self, row: ActionPlan) -> str | None:
        return row.membership.member_number if row.membership else None

    def get_assigned_officer(self, row: ActionPlan) -> int | None:
        return row.membership.assigned_officer_id if row.membership else None

    def get_assigned_officer_name(self, row: ActionPlan) -> str | None:
        return _officer_name(row.membership.assigned_officer) if row.membership else None


class DashboardApplicationRowSerializer(_CompanyColumns):
    kind = ConstantField(value="applications", enum_name="DashboardApplicationRowKind")
    id = serializers.IntegerField()
    reference = serializers.CharField()
    programme = NamedChoiceField(
        enum_name="ApplicationProgramme", choices=Application.ProgrammeChoice.choices
    )
    state = NamedChoiceField(enum_name="ApplicationState", choices=Application.State.choices)
    # None on an application added in the admin (the services always set it).
    state_changed_at = serializers.DateTimeField(allow_null=True)
    days_in_state = serializers.SerializerMethodField()
    assigned_officer = serializers.IntegerField(source="assigned_officer_id", allow_null=True)
    assigned_officer_name = serializers.SerializerMethodField()

    def get_days_in_state(self, row: Application) -> int | None:
        if row.state_changed_at is None:
            return None
        return (timezone.now() - row.state_changed_at).days

    def get_assigned_officer_name(self, row: Application) -> str | None:
        return _officer_name(row.assigned_officer)


class DashboardDecisionRowSerializer(serializers.Serializer):
    kind = ConstantField(value="decisions", enum_name="DashboardDecisionRowKind")
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    action = serializers.CharField()
    object_type = serializers.SerializerMethodField()
    object_id = serializers.IntegerField()
    object_repr = serializers.CharField()
    actor = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_object_type(self, row: AuditEvent) -> str:
        return ContentType.objects.get_for_id(row.content_type_id).model

    def get_actor(self, row: AuditEvent) -> str:
        return _officer_name(row.actor) or str(_("System"))


DASHBOARD_ROWS: dict[str, type[serializers.Serializer]] = {
    "memberships": DashboardMembershipRowSerializer,
    "revalidations": DashboardRevalidationRowSerializer,
    "plans": DashboardPlanRowSerializer,
    "applications": DashboardApplicationRowSerializer,
    "decisions": DashboardDecisionRowSerializer,
}
