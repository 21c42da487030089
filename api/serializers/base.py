"""What the serializers of several resources share: primary keys looked up within the
caller's scope, the audit trail, and the small inputs of many transitions (a note, a
reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import AuditEvent, Role, User
from core.roles import scope_for
from traders.models import Site


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key resolved through a ``*_list_for(user=...)`` selector."""

    def __init__(self, *, model: type[models.Model], selector: Callable[..., Any], **kwargs: Any):
        self.selector = selector
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        request = self.context.get("request")
        return self.selector(user=getattr(request, "user", None))


def sites_for(*, user: Any) -> models.QuerySet[Site]:
    return scope_for(Site, user=user)


def staff_officers(*, user: Any) -> models.QuerySet[User]:
    return User.objects.filter(role__in=[Role.OFFICER, Role.MANAGER], is_active=True)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor", "actor_role", "action", "from_state", "to_state"]
        fields += ["note"]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str:
        return str(event.actor) if event.actor is not None else str(_("System"))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
