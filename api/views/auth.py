"""Authentication and registration: a token for an e-mail address and password, and the
portal's registration page for machine clients."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import services as account_services
from core.errors import DomainError

from ..schema import ApiAutoSchema
from ..serializers.auth import (
    MessageSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenSerializer,
    VerifyEmailSerializer,
)
from ..throttling import AnonRateThrottle, ScopedRateThrottle
from .base import link_template


class CredentialFreeView(APIView):
    """A call made before the caller has credentials (a token, an account): open to anyone,
    and any credentials sent are ignored rather than checked."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    schema = ApiAutoSchema()


class TokenObtainView(CredentialFreeView):
    """Exchange an e-mail address and password for the API token of that user."""

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer, auth=[])
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
        request=RegisterSerializer,
        responses={201: RegisteredSerializer},
        auth=[],
        summary="Register a trader account",
        description="As the portal's registration page: the account stays inactive until "
        "the link e-mailed to the address is opened (or its uid and token are posted to "
        "verify-email/). An address already in use is refused (400), as on the page.",
    )
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        verify_url = link_template(request, "portal:verify_email", uidb64="", token="")
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
        request=VerifyEmailSerializer,
        responses=MessageSerializer,
        auth=[],
        summary="Confirm an e-mail address",
        description="The uid and token of the e-mailed link (its last two parts). A link "
        "that is wrong, expired or already used is refused (400, code "
        "`verification_invalid`).",
    )
    def post(self, request: Request) -> Response:
        data = VerifyEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            account_services.user_verify_email(
                uidb64=data.validated_data["uid"], token=data.validated_data["token"]
            )
        except DomainError as error:
            raise InvalidLink(detail=error.message, code=error.code) from None
        return Response({"message": _("Your e-mail address is confirmed. You can now sign in.")})
