"""Who may call which endpoint. What an object allows is decided by the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.models import Role


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
