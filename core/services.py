"""Account services: a trader registers, proves the e-mail address is theirs, and only then
may sign in.

The verification link carries a token from Django's token generator (no new model): it is
bound to the account's state (active or not, e-mail, password hash), so it works once, and
expires after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import DomainError
from .models import Role, User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "core.services.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # Activation changes is_active: the link stops working once used.
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()

VERIFICATION_SUBJECT = "registration/verify_email_subject.txt"
VERIFICATION_BODY = "registration/verify_email.txt"


def user_register(
    *,
    email: str,
    full_name: str,
    password: str,
    preferred_language: str = "en",
    verify_url: str,
) -> User:
    """Create an inactive trader account and e-mail the verification link (after commit).

    ``verify_url`` is the absolute address of the verification page with ``{lang}``,
    ``{uidb64}`` and ``{token}`` placeholders (the interface knows its own host)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter your full name.")})
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose English or French.")})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and (
        existing.is_active or existing.last_login is not None or existing.role != Role.TRADER
    ):
        raise ValidationError(
            {
                "email": _(
                    "An account with this e-mail address already exists. Sign in, or reset "
                    "your password if you forgot it."
                )
            }
        )
    # An account never verified is registered again: new details, a new link.
    user = existing or User(email=email, role=Role.TRADER, is_active=False)
    user.full_name = full_name
    user.preferred_language = preferred_language
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(actor=user, obj=user, action="register")
        transaction.on_commit(lambda: verification_send(user=user, verify_url=verify_url))
    return user


def verification_send(*, user: User, verify_url: str) -> None:
    """The bilingual e-mail with the link that activates the account."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    context = {
        "email": user.email,
        "name": user.full_name or user.email,
        "link_en": verify_url.format(uidb64=uidb64, token=token, lang="en"),
        "link_fr": verify_url.format(uidb64=uidb64, token=token, lang="fr"),
    }
    subject = " ".join(render_to_string(VERIFICATION_SUBJECT, context).split())
    send_mail(
        subject=subject,
        message=render_to_string(VERIFICATION_BODY, context),
        from_email=None,
        recipient_list=[user.email],
    )


def user_verify_email(*, uidb64: str, token: str) -> User:
    """Activate the account the link was sent for. Refuses a link that is wrong, expired or
    already used."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not email_verification_token.check_token(user, token):
        raise DomainError(
            _(
                "This verification link is not valid: it may have expired or been used "
                "already. If your account is not active yet, register again or contact the "
                "programme."
            ),
            code="verification_invalid",
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise DomainError(_("This account is already active."), code="already_active")
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit_record(actor=locked, obj=locked, action="verify_email")
    return locked


# --- Invitations ------------------------------------------------------------------------
#
# A colleague invited by the company's signing authority (traders.services.
# company_user_invite) receives a link to choose a password; choosing it activates the
# account. The token is Django's password-reset token, salted apart and bound to the
# password hash and the active flag: it works once and expires after PASSWORD_RESET_TIMEOUT.


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "core.services.InvitationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


invitation_token = InvitationTokenGenerator()

INVITATION_SUBJECT = "email/company_invitation.subject.txt"
INVITATION_BODY = "email/company_invitation.txt"


def invitation_send(
    *, user: User, company_name: str, inviter: User, company_role: Any, accept_url: str
) -> None:
    """The invitation e-mail, in the invited person's preferred language (the link leads to
    the pages in that language). An account waiting for its password gets the link to
    choose it (``accept_url`` with ``{lang}``, ``{uidb64}`` and ``{token}`` placeholders);
    an active account is told to sign in (``accept_url`` is then the sign-in address with a
    ``{lang}`` placeholder). ``company_role`` may be a lazy label: it is rendered in the
    person's language too."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    needs_password = not user.is_active
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token.make_token(user) if needs_password else ""
    with translation.override(language):
        context = {
            "email": user.email,
            "name": user.full_name or user.email,
            "inviter": inviter.full_name or inviter.email,
            "company": company_name,
            "company_role": str(company_role),
            "needs_password": needs_password,
            "link": accept_url.format(uidb64=uidb64, token=token, lang=language),
        }
        subject = " ".join(render_to_string(INVITATION_SUBJECT, context).split())
        body = render_to_string(INVITATION_BODY, context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])


def invitation_user(*, uidb64: str, token: str) -> User:
    """The invited account the link was sent for; refuses a wrong, expired or used link."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not invitation_token.check_token(user, token):
        raise DomainError(
            _(
                "This invitation link is not valid: it may have expired or been used already. "
                "Ask your company's signing authority to invite you again."
            ),
            code="invitation_invalid",
        )
    return user


def invitation_accept(*, uidb64: str, token: str, password: str) -> User:
    """Set the invited person's password and activate the account (once)."""
    user = invitation_user(uidb64=uidb64, token=token)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active or locked.password != user.password:
            raise DomainError(
                _("This invitation was already accepted. Sign in."), code="already_active"
            )
        locked.set_password(password)
        locked.is_active = True
        locked.save(update_fields=["password", "is_active"])
        audit_record(actor=locked, obj=locked, action="accept_invitation")
    return locked
