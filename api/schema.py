"""The OpenAPI description: every operation documents the one error shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """``{"code", "message", "details"}``, as ``core.api.exception_handler`` writes it."""

    code = serializers.CharField(help_text=_("Stable, machine-readable error code."))
    message = serializers.CharField(help_text=_("What went wrong, for a person."))
    details = serializers.JSONField(
        help_text=_("Field errors (400), the current state and action (409), or missing items.")
    )


ERROR_STATUSES = {
    "400": _("Invalid input; `details` maps each field to its messages."),
    "401": _("Not authenticated."),
    "403": _("The caller's role may not take this action."),
    "404": _("Not found, or outside the caller's scope."),
    "429": _("Too many requests."),
}
CONFLICT = {"409": _("Not allowed in the object's current state (named in the message).")}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        statuses = dict(ERROR_STATUSES)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            statuses.update(CONFLICT)
        for code, description in statuses.items():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = str(description)
                responses[code] = body
        return responses


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is one named component of the schema. Several
    models have a ``state`` (or ``kind``, ``programme``) with different choices; naming each
    set keeps the schema's enums unambiguous."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        schema = build_choice_field(field)
        schema.pop("nullable", None)
        schema["enum"] = [value for value in schema["enum"] if value not in ("", None)]
        component = ResolvedComponent(
            name=f"{field.enum_name}Enum",
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ConstantField(NamedChoiceField):
    """A read-only field that is always ``value``: it tells the variants of a polymorphic
    list apart (each variant's enum has this one value, so a row matches one variant)."""

    def __init__(self, *, value: str, enum_name: str, **kwargs: Any) -> None:
        self.value = value
        super().__init__(
            enum_name=enum_name, choices=[(value, value)], read_only=True, source="*", **kwargs
        )

    def to_representation(self, value: Any) -> str:
        return self.value
