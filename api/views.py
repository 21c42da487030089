"""The resources of /api/v1/: list and retrieve through the scoped selectors, create and
transition through the services. Interfaces only: parse, call, render."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from core import services as account_services
from core.errors import DomainError
from core.roles import OFFICERS, scope_for
from revalidation import services as revalidation_services
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from traders import services as trader_services
from traders.documents import certificate_current
from traders.models import (
    Application,
    ChangeNotice,
    CompanyUser,
    ProfileAnswer,
    SecurityProfile,
    Site,
)
from traders.selectors import (
    application_list_for,
    change_notice_list_for,
    company_list_for,
    evidence_list_for,
    information_file_list_for,
    membership_list_for,
    membership_mra_verify,
    profile_overview,
)
from validations import services as validation_services
from validations.documents import site_validation_report_filename, site_validation_report_render
from validations.models import ActionPlanItem, Finding, SiteValidation
from validations.selectors import (
    action_plan_item_evidence_list_for,
    action_plan_list_for,
    finding_evidence_list_for,
    incident_list_for,
    site_validation_list_for,
)

from . import serializers as s
from .base import AUTHENTICATION, AuthenticatedRequest, ResourceViewSet, transition
from .filters import ApplicationFilter, CompanyFilter, MembershipFilter
from .permissions import MraVerifier
from .schema import CONFLICT, ERROR_STATUSES, ApiAutoSchema, ErrorSerializer

# --- Authentication ---------------------------------------------------------------------


class CredentialFreeView(APIView):
    """A call made before the caller has credentials (a token, an account): open to anyone,
    and any credentials sent are ignored rather than checked."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    schema = ApiAutoSchema()


class TokenObtainView(CredentialFreeView):
    """Exchange an e-mail address and password for the API token of that user."""

    @extend_schema(request=AuthTokenSerializer, responses=s.TokenSerializer, auth=[])
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


# --- Registration -----------------------------------------------------------------------
#
# The portal's registration page for machine clients: the same account service, so the
# same checks and the same answers (the page, too, says that an address is taken). The
# e-mailed link opens the portal's verification page; a client that has the link's uid and
# token may instead post them to verify-email/.


class InvalidLink(exceptions.APIException):
    """A verification link that is wrong, expired or used: bad input (400), not a state
    conflict, whatever the service's error says."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "verification_invalid"


class RegisterView(CredentialFreeView):
    """Create an inactive trader account and e-mail the link that activates it."""

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "register"

    # The service names the password field as the page does.
    SERVICE_FIELDS = {"password1": "password"}

    @extend_schema(
        request=s.RegisterSerializer,
        responses={201: s.RegisteredSerializer},
        auth=[],
        summary="Register a trader account",
        description="As the portal's registration page: the account stays inactive until "
        "the link e-mailed to the address is opened (or its uid and token are posted to "
        "verify-email/). An address already in use is refused (400), as on the page.",
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        verify_url = _link_template(request, "portal:verify_email", uidb64="", token="")
        try:
            user = account_services.user_register(
                email=fields["email"],
                full_name=fields["full_name"],
                password=fields["password"],
                preferred_language=fields.get("preferred_language")
                or translation.get_language()
                or "en",
                verify_url=verify_url,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                {
                    self.SERVICE_FIELDS.get(name, name): list(messages)
                    for name, messages in error.message_dict.items()
                }
            ) from None
        message = _(
            "We sent a link to %(email)s. Open the link in the e-mail to confirm your "
            "address and activate your account."
        ) % {"email": user.email}
        return Response({"email": user.email, "message": message}, status=status.HTTP_201_CREATED)


class VerifyEmailView(CredentialFreeView):
    """Activate the account a verification link was sent for."""

    @extend_schema(
        request=s.VerifyEmailSerializer,
        responses=s.MessageSerializer,
        auth=[],
        summary="Confirm an e-mail address",
        description="The uid and token of the e-mailed link (its last two parts). A link "
        "that is wrong, expired or already used is refused (400, code "
        "`verification_invalid`).",
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            account_services.user_verify_email(
                uidb64=data.validated_data["uid"], token=data.validated_data["token"]
            )
        except DomainError as error:
            raise InvalidLink(detail=error.message, code=error.code) from None
        return Response({"message": _("Your e-mail address is confirmed. You can now sign in.")})


# --- Partner verification ---------------------------------------------------------------


class MraQuerySerializer(serializers.Serializer):
    member_number = serializers.CharField(max_length=20)


class MraVerifyView(APIView):
    """A member's status for a partner administration under a mutual recognition
    arrangement; unknown and not shared are both 404."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated, MraVerifier]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "partner"
    schema = ApiAutoSchema()

    @extend_schema(parameters=[MraQuerySerializer], responses=s.MraStatusSerializer)
    def get(self, request: Request) -> Response:
        query = MraQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        membership = membership_mra_verify(member_number=query.validated_data["member_number"])
        if membership is None:
            raise exceptions.NotFound()
        return Response(s.MraStatusSerializer(membership).data)


# --- Documents (PDF) -------------------------------------------------------------------


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the documents themselves are sent
    as they are (an HttpResponse). An error is still sent as JSON, in the one error shape."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


DOCUMENT_RENDERERS = [JSONRenderer, PdfRenderer]
# Errors keep the one JSON shape whatever the client accepts.
PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    **{
        (int(code), "application/json"): OpenApiResponse(ErrorSerializer, description=str(text))
        for code, text in {**ERROR_STATUSES, **CONFLICT}.items()
    },
}


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FileNegotiation(BaseContentNegotiation):
    """A stored file is sent as it is, whatever the client accepts; an error is JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))  # the view's renderers: never empty
        return renderer, renderer.media_type


FILE_RESPONSES = {
    **{
        (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
        for content_type in sorted(set(trader_services.EVIDENCE_CONTENT_TYPES.values()))
    },
    **{
        (int(code), "application/json"): OpenApiResponse(ErrorSerializer, description=str(text))
        for code, text in ERROR_STATUSES.items()
    },
}


def file_response(stored: Any) -> FileResponse:
    """An uploaded file (evidence), as an attachment under its original name."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _link_template(request: Request, view_name: str, **kwargs: str) -> str:
    """The absolute address of a page for an e-mail in both languages: ``{lang}`` for the
    language prefix and ``{name}`` for each keyword (as the portal builds it)."""
    with translation.override("en"):
        path = reverse(view_name, kwargs={name: name.upper() for name in kwargs} or None)
    template = request.build_absolute_uri("/") + "{lang}/" + path.removeprefix("/en/")
    for name in kwargs:
        template = template.replace(name.upper(), "{" + name + "}")
    return template


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


_F = TypeVar("_F", bound=Callable[..., Any])


def file_download_action(
    path: str, *, url_name: str, ids: Mapping[str, str], summary: str, description: str
) -> Callable[[_F], _F]:
    """``GET <resource>/{id}/<path>/``: a stored file sent as it is (``file_response``).
    ``path`` names its ids in braces (``items/{item_id}/evidence/{evidence_id}``); ``ids``
    describes each for the schema. One place for the route, the negotiation that lets any
    ``Accept`` through and the schema's file and error responses."""
    url_path = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)

    def decorate(view: _F) -> _F:
        routed = action(
            detail=True,
            methods=["get"],
            url_path=url_path,
            url_name=url_name,
            filter_backends=[],
            content_negotiation_class=FileNegotiation,
        )(view)
        described = extend_schema(
            request=None,
            responses=FILE_RESPONSES,
            parameters=[path_id(name, text) for name, text in ids.items()],
            summary=summary,
            description=description,
        )(routed)
        return cast(_F, described)

    return decorate


# --- Companies --------------------------------------------------------------------------


class CompanyViewSet(ResourceViewSet):
    serializer_class = s.CompanySerializer

    def scoped(self) -> models.QuerySet[Any]:
        return company_list_for(user=self.request.user).prefetch_related("sites", "business_types")

    @extend_schema(request=s.CompanyCreateSerializer, responses={201: s.CompanySerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        company = trader_services.company_create(
            actor=request.user, **self.parse(s.CompanyCreateSerializer)
        )
        return self.render(company, status_code=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=s.SiteSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.SiteCreateSerializer, responses={201: s.SiteSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def sites(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = self.get_object()
        if request.method == "GET":
            return self.paginated(company.sites.order_by("name", "pk"), s.SiteSerializer)
        site = trader_services.site_create(
            company=company, actor=request.user, **self.parse(s.SiteCreateSerializer)
        )
        return Response(s.SiteSerializer(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CompanyUpdateSerializer,
        responses=s.CompanySerializer,
        summary="Correct the company profile",
        description="The signing authority (or an officer) changes the fields sent; the "
        "business number identifies the company and cannot be changed (400).",
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        company = trader_services.company_update(
            company=self.get_object(), actor=request.user, **self.parse(s.CompanyUpdateSerializer)
        )
        return self.render(company)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=s.SiteSerializer,
        parameters=[path_id("site_id", "A site of the company.")],
        summary="A site of the company",
        description="One site (404 for a site of another company).",
    )
    @extend_schema(
        methods=["PATCH"],
        request=s.SiteUpdateSerializer,
        responses=s.SiteSerializer,
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
                site=site, actor=request.user, **self.parse(s.SiteUpdateSerializer)
            )
        return Response(s.SiteSerializer(site).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=s.CompanyUserSerializer(many=True),
        summary="The company's users",
        description="Who acts for the company, and as what (signing authority, contributor).",
    )
    @extend_schema(
        methods=["POST"],
        request=s.CompanyUserAddSerializer,
        responses={201: s.CompanyUserSerializer},
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
            return self.paginated(links, s.CompanyUserSerializer)
        link = trader_services.company_user_add(
            company=company, actor=request.user, **self.parse(s.CompanyUserAddSerializer)
        )
        return Response(s.CompanyUserSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.InvitationSerializer,
        responses={201: s.CompanyUserSerializer},
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
            company=company, actor=request.user, **self.parse(s.InvitationSerializer)
        )
        invited, inviter = link.user, request.user
        if invited.is_active:
            accept_url = _link_template(request, "core:login")
        else:
            accept_url = _link_template(request, "portal:invitation_accept", uidb64="", token="")
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
        return Response(s.CompanyUserSerializer(link).data, status=status.HTTP_201_CREATED)


# --- Security profiles (of applications and revalidations) ------------------------------


# The mixin's methods run on a ResourceViewSet (get_object, parse): its type for mypy.
if TYPE_CHECKING:
    _ProfileActionsBase = ResourceViewSet
else:
    _ProfileActionsBase = object


class SecurityProfileActions(_ProfileActionsBase):
    """``GET/PUT {id}/security-profile/`` and ``POST {id}/security-profile/evidence/`` for a
    resource that has a ``profile``. Mixed into a ResourceViewSet (get_object, parse)."""

    @extend_schema(methods=["GET"], request=None, responses=s.SecurityProfileSerializer)
    @extend_schema(
        methods=["PUT"],
        request=s.ProfileAnswersSerializer,
        responses=s.SecurityProfileSerializer,
        description="Save answers; all of them are saved, or none.",
    )
    @action(detail=True, methods=["get", "put"], url_path="security-profile")
    def security_profile(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        profile: SecurityProfile = self.get_object().profile
        if request.method == "PUT":
            answers = self.parse(s.ProfileAnswersSerializer)["answers"]
            trader_services.profile_answers_save(
                profile=profile, answers=answers, actor=request.user
            )
        return Response(s.SecurityProfileSerializer(profile_overview(profile=profile)).data)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer},
        description="Attach a document to the answer of one requirement (answer it first).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="security-profile/evidence",
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        profile: SecurityProfile = self.get_object().profile
        data = self.parse(s.EvidenceUploadSerializer)
        answer = (
            scope_for(ProfileAnswer, user=request.user)
            .filter(profile=profile, requirement=data["requirement"])
            .select_related("profile")
            .first()
        )
        if answer is None:
            raise exceptions.ValidationError(
                {"requirement": [_("Answer this requirement before attaching evidence to it.")]}
            )
        evidence = trader_services.evidence_attach(
            answer=answer, upload=data["file"], actor=request.user
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @file_download_action(
        "security-profile/evidence/{evidence_id}",
        url_name="evidence-download",
        ids={"evidence_id": "An evidence file of this security profile."},
        summary="Download an evidence file",
        description="The file as uploaded, under its original name (404 for a file of "
        "another profile, or outside the caller's scope).",
    )
    def evidence_download(
        self, request: Request, pk: str | None = None, evidence_id: str = ""
    ) -> FileResponse:
        profile: SecurityProfile = self.get_object().profile
        evidence = get_object_or_404(
            evidence_list_for(user=request.user).filter(answer__profile=profile), pk=evidence_id
        )
        return file_response(evidence)


# --- Applications -----------------------------------------------------------------------


class ApplicationViewSet(SecurityProfileActions, ResourceViewSet):
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter

    def scoped(self) -> models.QuerySet[Any]:
        return application_list_for(user=self.request.user).prefetch_related(
            "sites", "information_requests__files"
        )

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        application = trader_services.application_create(
            actor=request.user, **self.parse(s.ApplicationCreateSerializer)
        )
        return self.render(application, status_code=status.HTTP_201_CREATED)

    _app = "application"
    submit = transition(
        "submit", trader_services.application_submit, _app, summary="Submit the application"
    )
    start_review = transition(
        "start-review",
        trader_services.application_start_review,
        _app,
        summary="Start the eligibility review",
    )
    request_info = transition(
        "request-info",
        trader_services.application_request_info,
        _app,
        s.RequestInfoSerializer,
        summary="Request information, with a deadline",
    )

    @extend_schema(
        request={
            "application/json": s.AnswerInfoSerializer,
            "multipart/form-data": s.AnswerInfoSerializer,
        },
        responses=s.ApplicationSerializer,
        summary="Answer the information request",
        description="The text, and any files (multipart): saved together or not at all.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="answer-info",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def answer_info(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        application = self.get_object()
        data = self.parse(s.AnswerInfoSerializer)
        return self.render(
            trader_services.application_answer_info(
                application=application,
                actor=request.user,
                response=data["response"],
                uploads=data["files"],
            )
        )

    @file_download_action(
        "information-requests/{request_id}/files/{file_id}",
        url_name="information-file-download",
        ids={
            "request_id": "An information request of this application.",
            "file_id": "A file attached to its answer.",
        },
        summary="Download a file attached to an answer",
        description="The file as uploaded, under its original name (404 for a file of "
        "another request, or outside the caller's scope).",
    )
    def information_file_download(
        self, request: Request, pk: str | None = None, request_id: str = "", file_id: str = ""
    ) -> FileResponse:
        application = self.get_object()
        files = information_file_list_for(user=request.user).filter(
            information_request__application=application,
            information_request_id=_int_or_404(request_id),
        )
        return file_response(get_object_or_404(files, pk=file_id))

    mark_eligible = transition(
        "mark-eligible",
        trader_services.application_mark_eligible,
        _app,
        s.NoteSerializer,
        summary="Mark eligible",
    )
    mark_ineligible = transition(
        "mark-ineligible",
        trader_services.application_mark_ineligible,
        _app,
        s.ReasonsSerializer,
        summary="Mark ineligible, with reasons",
    )
    certify = transition(
        "certify",
        trader_services.application_certify,
        _app,
        s.NoteSerializer,
        summary="Certify (a membership starts per programme)",
    )
    deny = transition(
        "deny",
        trader_services.application_deny,
        _app,
        s.ReasonsSerializer,
        summary="Deny, with reasons",
    )
    withdraw = transition(
        "withdraw",
        trader_services.application_withdraw,
        _app,
        s.NoteSerializer,
        summary="Withdraw the application",
    )
    assign_officer = transition(
        "assign-officer",
        trader_services.application_assign_officer,
        _app,
        s.ApplicationAssignOfficerSerializer,
        summary="Take the case (officer) or assign it to an officer (manager)",
    )


# --- Memberships ------------------------------------------------------------------------


class MembershipViewSet(ResourceViewSet):
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter

    def scoped(self) -> models.QuerySet[Any]:
        return membership_list_for(user=self.request.user).order_by("expires_on", "pk")

    _m = "membership"
    suspend = transition(
        "suspend", trader_services.membership_suspend, _m, s.ReasonSerializer, summary="Suspend"
    )
    reinstate = transition(
        "reinstate",
        trader_services.membership_reinstate,
        _m,
        s.ReasonSerializer,
        summary="Reinstate",
    )
    cancel = transition(
        "cancel", trader_services.membership_cancel, _m, s.ReasonSerializer, summary="Cancel"
    )
    appeal = transition(
        "appeal",
        trader_services.membership_appeal,
        _m,
        s.GroundsSerializer,
        summary="Appeal a cancellation",
    )
    allow_appeal = transition(
        "allow-appeal",
        trader_services.membership_allow_appeal,
        _m,
        s.ReasonSerializer,
        summary="Allow the appeal",
    )
    uphold_cancellation = transition(
        "uphold-cancellation",
        trader_services.membership_uphold_cancellation,
        _m,
        s.ReasonSerializer,
        summary="Uphold the cancellation",
    )
    assign_officer = transition(
        "assign-officer",
        trader_services.membership_assign_officer,
        _m,
        s.AssignOfficerSerializer,
        summary="Assign the member's officer",
    )

    @extend_schema(
        request=None,
        responses=s.ProfileConfirmationSerializer,
        summary="Confirm the security profile is still true",
        description="The member's yearly confirmation of its accepted security profile: the "
        "latest submitted profile of its certified application or of a completed "
        "revalidation (409 if there is none).",
    )
    @action(detail=True, methods=["post"], url_path="confirm-profile")
    def confirm_profile(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        membership = self.get_object()
        profile = (
            scope_for(SecurityProfile, user=request.user)
            .filter(company_id=membership.company_id, submitted_at__isnull=False)
            .filter(
                models.Q(revalidation_cycle__state=RevalidationCycle.State.COMPLETED)
                | models.Q(application__state=Application.State.CERTIFIED)
            )
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if profile is None:
            raise DomainError(
                _("This member has no accepted security profile to confirm."), code="no_profile"
            )
        profile = trader_services.profile_confirm(profile=profile, actor=request.user)
        return Response(s.ProfileConfirmationSerializer(profile).data)

    @extend_schema(
        request=None,
        responses=PDF_RESPONSES,
        summary="Membership certificate (PDF)",
        description="The bilingual certificate of the membership's current validity (issued "
        "now if it has none yet). Only for an active membership (409 otherwise).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=DOCUMENT_RENDERERS)
    def certificate(self, request: Request, pk: str | None = None) -> HttpResponse:
        certificate = certificate_current(membership=self.get_object())
        with certificate.file.open("rb") as stored:
            return pdf_response(stored.read(), filename=certificate.filename)

    @extend_schema(
        request=s.OpenRevalidationSerializer,
        responses={201: s.RevalidationSerializer},
        summary="Open the revalidation",
    )
    @action(detail=True, methods=["post"], url_path="open-revalidation")
    def open_revalidation(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        membership = self.get_object()
        cycle = revalidation_services.revalidation_open(
            membership=membership, actor=request.user, **self.parse(s.OpenRevalidationSerializer)
        )
        fresh = revalidation_list_for(user=request.user).get(pk=cycle.pk)
        return Response(s.RevalidationSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- Change notices ---------------------------------------------------------------------


class ChangeNoticeViewSet(ResourceViewSet):
    serializer_class = s.ChangeNoticeSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return change_notice_list_for(user=self.request.user)

    @extend_schema(
        request=s.ChangeNoticeCreateSerializer, responses={201: s.ChangeNoticeSerializer}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        notice = trader_services.change_notice_submit(
            actor=request.user, **self.parse(s.ChangeNoticeCreateSerializer)
        )
        return self.render(notice, status_code=status.HTTP_201_CREATED)

    acknowledge = transition(
        "acknowledge",
        trader_services.change_notice_acknowledge,
        "notice",
        s.NoteSerializer,
        summary="Acknowledge the change",
    )

    def _notice_membership(self, notice: ChangeNotice, data: dict[str, Any]) -> Any:
        membership = data.pop("membership", None) or notice.membership
        if membership is None:
            raise exceptions.ValidationError(
                {"membership": [_("Choose the membership this notice is followed up on.")]}
            )
        return membership

    @extend_schema(
        request=s.NoticeSpotCheckSerializer,
        responses={201: s.SiteValidationSerializer},
        summary="Follow up with a spot check",
        description="Schedule a spot check of the member's sites; the notice records it as "
        "its follow-up (409 unless the notice is still submitted).",
    )
    @action(detail=True, methods=["post"], url_path="open-spot-check")
    def open_spot_check(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notice: ChangeNotice = self.get_object()
        data = self.parse(s.NoticeSpotCheckSerializer)
        membership = self._notice_membership(notice, data)
        if not data.get("sites"):
            data["sites"] = list(notice.company.sites.filter(is_active=True))
        validation = validation_services.site_validation_schedule(
            company=notice.company,
            actor=request.user,
            kind=SiteValidation.Kind.SPOT_CHECK,
            membership=membership,
            change_notice=notice,
            **data,
        )
        fresh = site_validation_list_for(user=request.user).get(pk=validation.pk)
        return Response(s.SiteValidationSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.NoticeRevalidationSerializer,
        responses={201: s.RevalidationSerializer},
        summary="Follow up with an early revalidation",
        description="Open the membership's revalidation now; the notice records it as its "
        "follow-up (409 unless the notice is still submitted and the membership active).",
    )
    @action(detail=True, methods=["post"], url_path="open-revalidation")
    def open_revalidation(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notice: ChangeNotice = self.get_object()
        data = self.parse(s.NoticeRevalidationSerializer)
        cycle = revalidation_services.revalidation_open(
            membership=self._notice_membership(notice, data),
            actor=request.user,
            change_notice=notice,
        )
        fresh = revalidation_list_for(user=request.user).get(pk=cycle.pk)
        return Response(s.RevalidationSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- Site validations -------------------------------------------------------------------


class SiteValidationViewSet(ResourceViewSet):
    serializer_class = s.SiteValidationSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return site_validation_list_for(user=self.request.user).prefetch_related(
            "sites", "officers", "findings__requirement"
        )

    @extend_schema(
        request=s.SiteValidationScheduleSerializer, responses={201: s.SiteValidationSerializer}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        validation = validation_services.site_validation_schedule(
            actor=request.user, **self.parse(s.SiteValidationScheduleSerializer)
        )
        return self.render(validation, status_code=status.HTTP_201_CREATED)

    _v = "validation"
    start = transition(
        "start", validation_services.site_validation_start, _v, summary="Start the visit"
    )
    complete = transition(
        "complete",
        validation_services.site_validation_complete,
        _v,
        s.SiteValidationCompleteSerializer,
        summary="Complete the report (a finding for every requirement)",
    )
    cancel = transition(
        "cancel",
        validation_services.site_validation_cancel,
        _v,
        s.ReasonSerializer,
        summary="Cancel the visit",
    )

    @extend_schema(
        request=None,
        responses=PDF_RESPONSES,
        summary="Site Validation Report (PDF)",
        description="The bilingual report of a completed validation (409 before then).",
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=DOCUMENT_RENDERERS)
    def report(self, request: Request, pk: str | None = None) -> HttpResponse:
        validation = self.get_object()
        return pdf_response(
            site_validation_report_render(validation=validation),
            filename=site_validation_report_filename(validation=validation),
        )

    @extend_schema(
        request=s.FindingInputSerializer,
        responses={201: s.FindingSerializer},
        summary="Record (or correct) the finding on one requirement",
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        finding = validation_services.finding_record(
            validation=self.get_object(),
            actor=request.user,
            **self.parse(s.FindingInputSerializer),
        )
        return Response(s.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    def _finding(self, finding_id: str) -> Finding:
        validation = self.get_object()
        return get_object_or_404(
            Finding.objects.filter(validation=validation).select_related("validation"),
            pk=finding_id,
        )

    def _finding_evidence(self, finding_id: str) -> models.QuerySet[Any]:
        """A finding's evidence, for staff only, as on the workbench's pages: the trader
        reads the findings and the report, not the officers' working files (403)."""
        finding = self._finding(finding_id)
        if str(getattr(self.request.user, "role", "")) not in OFFICERS:
            raise exceptions.PermissionDenied(
                _("Only officers and managers may read a finding's evidence.")
            )
        return (
            finding_evidence_list_for(user=self.request.user)
            .filter(finding=finding)
            .order_by("uploaded_at", "pk")
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=s.FindingEvidenceSerializer(many=True),
        parameters=[path_id("finding_id", "A finding of this validation.")],
        summary="The pictures and documents of a finding",
        description="Officers and managers only (403 for a trader).",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.FindingEvidenceUploadSerializer},
        responses={201: s.FindingEvidenceSerializer},
        parameters=[path_id("finding_id", "A finding of this validation.")],
        summary="Attach a picture or document to a finding",
        description="While the visit is in progress (409 otherwise).",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path=r"findings/(?P<finding_id>[^/]+)/evidence",
        url_name="finding-evidence",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def finding_evidence(
        self, request: AuthenticatedRequest, pk: str | None = None, finding_id: str = ""
    ) -> Response:
        if request.method == "GET":
            return self.paginated(self._finding_evidence(finding_id), s.FindingEvidenceSerializer)
        finding = self._finding(finding_id)
        evidence = validation_services.finding_evidence_attach(
            finding=finding,
            upload=self.parse(s.FindingEvidenceUploadSerializer)["file"],
            actor=request.user,
        )
        return Response(s.FindingEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @file_download_action(
        "findings/{finding_id}/evidence/{evidence_id}",
        url_name="finding-evidence-download",
        ids={
            "finding_id": "A finding of this validation.",
            "evidence_id": "A picture or document of this finding.",
        },
        summary="Download a finding's picture or document",
        description="The file as uploaded, under its original name; officers and managers "
        "only (403 for a trader, 404 for a file of another finding).",
    )
    def finding_evidence_download(
        self, request: Request, pk: str | None = None, finding_id: str = "", evidence_id: str = ""
    ) -> FileResponse:
        return file_response(get_object_or_404(self._finding_evidence(finding_id), pk=evidence_id))


# --- Action plans -----------------------------------------------------------------------


class ActionPlanViewSet(ResourceViewSet):
    serializer_class = s.ActionPlanSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return action_plan_list_for(user=self.request.user).prefetch_related("items__evidence")

    @extend_schema(request=s.ActionPlanIssueSerializer, responses={201: s.ActionPlanSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        plan = validation_services.action_plan_issue(
            actor=request.user, **self.parse(s.ActionPlanIssueSerializer)
        )
        return self.render(plan, status_code=status.HTTP_201_CREATED)

    _p = "plan"
    respond = transition(
        "respond",
        validation_services.action_plan_respond,
        _p,
        s.ActionPlanRespondSerializer,
        summary="Respond with the corrective action taken",
    )
    accept = transition(
        "accept",
        validation_services.action_plan_accept,
        _p,
        s.NoteSerializer,
        summary="Accept the response",
    )
    return_plan = transition(
        "return",
        validation_services.action_plan_return,
        _p,
        s.NoteSerializer,
        summary="Return the response for more work",
        name="return_plan",
    )
    extend = transition(
        "extend",
        validation_services.action_plan_extend,
        _p,
        s.ActionPlanExtendSerializer,
        summary="Extend the deadline",
    )
    escalate = transition(
        "escalate",
        validation_services.action_plan_escalate,
        _p,
        s.NoteSerializer,
        summary="Escalate an overdue plan to a manager",
    )
    mark_overdue = transition(
        "mark-overdue",
        validation_services.action_plan_mark_overdue,
        _p,
        s.NoteSerializer,
        summary="Mark overdue",
    )

    # Measure by measure: the member answers each one (with files), an officer accepts or
    # returns each answer; the last review of a round closes or returns the plan.

    def _item(self, item_id: str) -> ActionPlanItem:
        plan = self.get_object()
        return get_object_or_404(plan.items.select_related("plan"), pk=item_id)

    def _item_action(self, item_id: str, service: Any, **data: Any) -> Response:
        item = service(item=self._item(item_id), actor=self.request.user, **data)
        return self.render(item.plan)

    @extend_schema(
        request={
            "multipart/form-data": s.ItemRespondSerializer,
            "application/json": s.ItemRespondSerializer,
        },
        responses=s.ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Answer one measure (with files)",
        description="The member answers one measure, or corrects an answer not yet reviewed; "
        "when every measure is answered the plan is responded. 409 once accepted or when the "
        "plan no longer waits for the member.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"items/(?P<item_id>[^/]+)/respond",
        url_name="item-respond",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def item_respond(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        data = self.parse(s.ItemRespondSerializer)
        return self._item_action(
            item_id,
            validation_services.action_plan_item_respond,
            response=data["response"],
            files=data["files"],
        )

    @extend_schema(
        request=s.ItemNoteSerializer,
        responses=s.ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Accept the answer on one measure",
        description="Once the plan is responded (409 otherwise).",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/accept")
    def item_accept(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id, validation_services.action_plan_item_accept, **self.parse(s.ItemNoteSerializer)
        )

    @extend_schema(
        request=s.ItemNoteSerializer,
        responses=s.ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Return the answer on one measure",
        description="The note (required) says what is missing.",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/return")
    def item_return(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id, validation_services.action_plan_item_return, **self.parse(s.ItemNoteSerializer)
        )

    @extend_schema(
        request=s.ActionPlanExtendSerializer,
        responses=s.ActionPlanSerializer,
        parameters=[path_id("item_id", "A measure of this plan.")],
        summary="Extend one measure's deadline",
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[^/]+)/extend")
    def item_extend(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        return self._item_action(
            item_id,
            validation_services.action_plan_item_extend,
            **self.parse(s.ActionPlanExtendSerializer),
        )

    @file_download_action(
        "items/{item_id}/evidence/{evidence_id}",
        url_name="item-evidence-download",
        ids={
            "item_id": "A measure of this plan.",
            "evidence_id": "A file of the member's answer on this measure.",
        },
        summary="Download a file of a measure's answer",
        description="The file as uploaded, under its original name (404 for a file of "
        "another measure, or outside the caller's scope).",
    )
    def item_evidence_download(
        self, request: Request, pk: str | None = None, item_id: str = "", evidence_id: str = ""
    ) -> FileResponse:
        item = self._item(item_id)
        files = action_plan_item_evidence_list_for(user=request.user).filter(item=item)
        return file_response(get_object_or_404(files, pk=evidence_id))


# --- Incidents --------------------------------------------------------------------------


class IncidentViewSet(ResourceViewSet):
    serializer_class = s.IncidentSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return incident_list_for(user=self.request.user)

    @extend_schema(request=s.IncidentReportSerializer, responses={201: s.IncidentSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        incident = validation_services.incident_report(
            actor=request.user, **self.parse(s.IncidentReportSerializer)
        )
        return self.render(incident, status_code=status.HTTP_201_CREATED)

    start_analysis = transition(
        "start-analysis",
        validation_services.incident_start_analysis,
        "incident",
        summary="Start the post-incident analysis",
    )
    conclude = transition(
        "conclude",
        validation_services.incident_conclude,
        "incident",
        s.IncidentConcludeSerializer,
        summary="Conclude the analysis (optionally issuing an action plan)",
    )


# --- Revalidations ----------------------------------------------------------------------


class RevalidationViewSet(SecurityProfileActions, ResourceViewSet):
    serializer_class = s.RevalidationSerializer
    filterset_class = CompanyFilter

    def scoped(self) -> models.QuerySet[Any]:
        return revalidation_list_for(user=self.request.user).select_related("profile")

    _c = "cycle"
    submit_profile = transition(
        "submit-profile",
        revalidation_services.revalidation_submit_profile,
        _c,
        summary="Submit the updated security profile",
    )
    schedule_validation = transition(
        "schedule-validation",
        revalidation_services.revalidation_schedule_validation,
        _c,
        s.RevalidationScheduleSerializer,
        summary="Schedule the revalidation's site validation",
    )
    complete = transition(
        "complete",
        revalidation_services.revalidation_complete,
        _c,
        s.NoteSerializer,
        summary="Complete the revalidation (renews the membership)",
    )
    lapse = transition(
        "lapse",
        revalidation_services.revalidation_lapse,
        _c,
        s.NoteSerializer,
        summary="Let a revalidation past its due date lapse",
    )
