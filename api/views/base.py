"""What every API view shares: authentication, the partner restriction, the error shape in
the schema, scoped lookups (404 outside the caller's scope), transitions as actions, a path
id in the schema and the address of a page for an e-mail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.audit import audit_history

from ..permissions import NotPartner
from ..schema import ApiAutoSchema
from ..serializers.base import AuditEventSerializer

if TYPE_CHECKING:
    from rest_framework.authentication import BaseAuthentication
    from rest_framework.parsers import BaseParser
    from rest_framework.permissions import _PermissionClass
    from rest_framework.schemas.inspectors import ViewInspector

    from core.models import User

# Token first: an anonymous client is told to authenticate (401 with WWW-Authenticate).
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class AuthenticatedRequest(Request):
    """Only for type checking: the request an API view receives once ``IsAuthenticated``
    let it through, so ``user`` is a signed-in ``User``. Annotate the actions with it."""

    user: User


class ApiMixin:
    authentication_classes: Sequence[type[BaseAuthentication]] = AUTHENTICATION
    permission_classes: Sequence[_PermissionClass] = [IsAuthenticated, NotPartner]
    # Uploads declare their own (multipart).
    parser_classes: Sequence[type[BaseParser]] = [JSONParser]
    schema: ViewInspector | None = ApiAutoSchema()


class ResourceViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and retrieve through a ``*_list_for(user=...)`` selector; subclasses add the
    service calls (create, transitions) as actions."""

    # Any id reaches the view (and is a JSON 404 if it is not one of the caller's objects).
    lookup_value_regex = "[^/]+"

    def scoped(self) -> models.QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.scoped()

    def filter_queryset(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # Query filters select what a list shows; they never hide the object of an action.
        if self.action == "list":
            return super().filter_queryset(queryset)
        return queryset

    def parse(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def render(self, obj: models.Model, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def run_transition(
        self,
        service: Callable[..., models.Model],
        kwarg: str,
        input_class: type[serializers.Serializer] | None,
    ) -> Response:
        obj = self.get_object()
        data = self.parse(input_class) if input_class is not None else {}
        return self.render(service(**{kwarg: obj}, actor=self.request.user, **data))

    def paginated(self, queryset: Any, serializer_class: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(
        request=None,
        responses=AuditEventSerializer(many=True),
        summary="Audit trail",
        description="Every change of this object: who, when, from which state to which, why.",
    )
    @action(detail=True, methods=["get"], url_path="audit-events", filter_backends=[])
    def audit_events(self, request: Request, pk: str | None = None) -> Response:
        return self.paginated(audit_history(obj=self.get_object()), AuditEventSerializer)


def transition(
    url_path: str,
    service: Callable[..., models.Model],
    kwarg: str,
    input_class: type[serializers.Serializer] | None = None,
    *,
    summary: str,
    name: str = "",
) -> Callable[..., Response]:
    """``POST <resource>/{id}/<url_path>/``: parse ``input_class``, call ``service`` with the
    object as ``kwarg`` and the caller as actor, return the updated resource."""

    def view(self: ResourceViewSet, request: Request, pk: str | None = None) -> Response:
        return self.run_transition(service, kwarg, input_class)

    view.__name__ = name or url_path.replace("-", "_")
    view.__doc__ = summary
    routed = action(detail=True, methods=["post"], url_path=url_path)(view)
    return extend_schema(request=input_class, summary=summary)(routed)


def link_template(request: Request, view_name: str, **kwargs: str) -> str:
    """The absolute address of a page for an e-mail in both languages: ``{lang}`` for the
    language prefix and ``{name}`` for each keyword (as the portal builds it)."""
    with translation.override("en"):
        path = reverse(view_name, kwargs={name: name.upper() for name in kwargs} or None)
    template = request.build_absolute_uri("/") + "{lang}/" + path.removeprefix("/en/")
    for name in kwargs:
        template = template.replace(name.upper(), "{" + name + "}")
    return template


def path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)
