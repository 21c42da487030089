"""Authentication and registration: the token, the account registered, the e-mail address
confirmed (the portal's registration page, for machine clients)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class RegisterSerializer(serializers.Serializer):
    """The shape of the input only: the account service checks the rest (the address is
    free, the password passes the validators) exactly as for the portal's page."""

    email = serializers.EmailField(
        max_length=254, help_text=_("You will sign in with this address.")
    )
    full_name = serializers.CharField(max_length=200)
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        help_text=_("At least 8 characters; not a common password, not only digits."),
    )
    preferred_language = serializers.ChoiceField(
        choices=["en", "fr"],
        required=False,
        help_text=_(
            "The language of the e-mails we send (default: the request's language, from "
            "Accept-Language)."
        ),
    )


class RegisteredSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text=_("The address the verification link was sent to."))
    message = serializers.CharField()


class VerifyEmailSerializer(serializers.Serializer):
    uid = serializers.CharField(
        max_length=64, help_text=_("The first part of the e-mailed link (after verify/).")
    )
    token = serializers.CharField(max_length=128, help_text=_("The second part of the link."))


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()
