"""Withdrawing an application: the one act that spans both apps, so it is driven from here,
the side that knows both (validations may call traders, never the reverse)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from traders import services as trader_services
from traders.models import Application

from .site_validations import site_validations_cancel_for_withdrawal

if TYPE_CHECKING:
    from core.models import User


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    """The trader withdraws the application before a decision (the traders service: lock,
    permission, state, audit). A site validation of it that is still scheduled will never
    take place: it is cancelled in the same transaction (by the system, audited on the
    visit), so no officer has to cancel it by hand. A visit already under way or completed
    is left as it is. Both happen, or neither."""
    with transaction.atomic():
        withdrawn = trader_services.application_withdraw(
            application=application, actor=actor, note=note
        )
        site_validations_cancel_for_withdrawal(application=withdrawn)
    return withdrawn
