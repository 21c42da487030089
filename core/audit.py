"""Writing the audit trail. Called inside the transaction of the change it records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    from .models import User


def audit_record(
    *,
    actor: User | None,
    obj: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    company_id: int | None = None,
) -> AuditEvent:
    own_company = getattr(obj, "company_id", None)
    if company_id is None:
        company_id = own_company
    # The object's copy of its company's business types and place, when it keeps one
    # (applications, memberships, revalidation cycles, action plans) and the event is its
    # company's.
    copied = company_id == own_company
    copy = {
        name: (getattr(obj, name, "") if copied else "") or ""
        for name in ("company_business_types", "company_country", "company_province")
    }
    return AuditEvent.objects.create(
        actor=actor,
        actor_role=actor.role if actor is not None else "system",
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        company_id=company_id,
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        **copy,
    )


def audit_history(*, obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.for_object(obj).select_related("actor")
