"""Who may call which endpoint. What an object allows is decided by the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.models import Role
from core.roles import MANAGERS, OFFICERS, STAFF_ROLES


class NotPartner(BasePermission):
    """Partner administrations are read-only service accounts limited to MRA verification."""

    message = _("Partner administrations may only verify a member's status.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return getattr(request.user, "role", None) != Role.PARTNER


class MraVerifier(BasePermission):
    """Partner administrations, and agency staff checking what partners see."""

    message = _("Only partner administrations and agency staff may verify a member's status.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return getattr(request.user, "role", None) in (
            Role.PARTNER,
            Role.OFFICER,
            Role.MANAGER,
            Role.ADMINISTRATOR,
        )


class RoleRequired(BasePermission):
    """Only the roles of ``roles`` (set on a subclass); others are refused (403)."""

    roles: frozenset[str] = frozenset()

    def has_permission(self, request: Any, view: Any) -> bool:
        return str(getattr(request.user, "role", "")) in {str(role) for role in self.roles}


class ManagersOnly(RoleRequired):
    """The manager's dashboard: its figures and the lists behind them."""

    message = _("Only managers may read the dashboard.")
    roles = MANAGERS


class OfficersOnly(RoleRequired):
    """The officer's work queue (managers may do an officer's work)."""

    message = _("Only officers and managers may read the work queue.")
    roles = OFFICERS


class StaffOnly(RoleRequired):
    """The reminders' ledger (what the scheduler sent and what failed): agency staff."""

    message = _("Only agency staff may read the reminders.")
    roles = STAFF_ROLES
