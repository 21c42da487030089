"""Companies: the profile, its sites and its users (linked or invited)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from core import services as account_services
from core.roles import scope_for
from traders import services as trader_services
from traders.models import CompanyUser, Site
from traders.selectors import company_list_for

from ..serializers.companies import (
    CompanyCreateSerializer,
    CompanySerializer,
    CompanyUpdateSerializer,
    CompanyUserAddSerializer,
    CompanyUserSerializer,
    InvitationSerializer,
    SiteCreateSerializer,
    SiteSerializer,
    SiteUpdateSerializer,
)
from .base import AuthenticatedRequest, ResourceViewSet, link_template, path_id


class CompanyViewSet(ResourceViewSet):
    serializer_class = CompanySerializer

    def scoped(self) -> models.QuerySet[Any]:
        return company_list_for(user=self.request.user).prefetch_related("sites", "business_types")

    @extend_schema(request=CompanyCreateSerializer, responses={201: CompanySerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        company = trader_services.company_create(
            actor=request.user, **self.parse(CompanyCreateSerializer)
        )
        return self.render(company, status_code=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=SiteSerializer(many=True))
    @extend_schema(methods=["POST"], request=SiteCreateSerializer, responses={201: SiteSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def sites(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = self.get_object()
        if request.method == "GET":
            return self.paginated(company.sites.order_by("name", "pk"), SiteSerializer)
        site = trader_services.site_create(
            company=company, actor=request.user, **self.parse(SiteCreateSerializer)
        )
        return Response(SiteSerializer(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CompanyUpdateSerializer,
        responses=CompanySerializer,
        summary="Correct the company profile",
        description="The signing authority (or an officer) changes the fields sent; the "
        "business number identifies the company and cannot be changed (400).",
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = trader_services.company_update(
            company=self.get_object(), actor=request.user, **self.parse(CompanyUpdateSerializer)
        )
        return self.render(company)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=SiteSerializer,
        parameters=[path_id("site_id", "A site of the company.")],
        summary="A site of the company",
        description="One site (404 for a site of another company).",
    )
    @extend_schema(
        methods=["PATCH"],
        request=SiteUpdateSerializer,
        responses=SiteSerializer,
        parameters=[path_id("site_id", "A site of the company.")],
        summary="Change a site",
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"sites/(?P<site_id>[^/]+)",
        url_name="site-detail",
        filter_backends=[],
    )
    def site(
        self, request: AuthenticatedRequest, pk: str | None = None, site_id: str = ""
    ) -> Response:
        site: Site = get_object_or_404(self.get_object().sites.all(), pk=site_id)
        if request.method == "PATCH":
            site = trader_services.site_update(
                site=site, actor=request.user, **self.parse(SiteUpdateSerializer)
            )
        return Response(SiteSerializer(site).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=CompanyUserSerializer(many=True),
        summary="The company's users",
        description="Who acts for the company, and as what (signing authority, contributor).",
    )
    @extend_schema(
        methods=["POST"],
        request=CompanyUserAddSerializer,
        responses={201: CompanyUserSerializer},
        summary="Add an existing trader account to the company",
        description="The signing authority (or an officer) links a person who already has a "
        "trader account, by e-mail. Inviting someone without an account is the portal's.",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def users(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = self.get_object()
        if request.method == "GET":
            links = (
                scope_for(CompanyUser, user=request.user)
                .filter(company=company)
                .select_related("user")
                .order_by("created_at", "pk")
            )
            return self.paginated(links, CompanyUserSerializer)
        link = trader_services.company_user_add(
            company=company, actor=request.user, **self.parse(CompanyUserAddSerializer)
        )
        return Response(CompanyUserSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvitationSerializer,
        responses={201: CompanyUserSerializer},
        summary="Invite a colleague",
        description="The signing authority (or an officer) invites a person by e-mail, with a "
        "company role, as the portal's invitation page does: a new address gets an account "
        "that the e-mailed link activates (the person chooses a password); an existing "
        "trader account is linked and told to sign in. A contributor may not invite (403).",
    )
    @action(detail=True, methods=["post"])
    def invitations(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = self.get_object()
        link = trader_services.company_user_invite(
            company=company, actor=request.user, **self.parse(InvitationSerializer)
        )
        invited, inviter = link.user, request.user
        if invited.is_active:
            accept_url = link_template(request, "core:login")
        else:
            accept_url = link_template(request, "portal:invitation_accept", uidb64="", token="")
        role = CompanyUser.CompanyRole(link.company_role).label
        transaction.on_commit(
            lambda: account_services.invitation_send(
                user=invited,
                company_name=company.legal_name,
                inviter=inviter,
                company_role=role,
                accept_url=accept_url,
            )
        )
        return Response(CompanyUserSerializer(link).data, status=status.HTTP_201_CREATED)
