"""Companies, their sites and their users: registration, corrections, invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import NotPermitted
from core.inputs import require_text
from core.models import Role
from core.roles import OFFICERS, TRADER_ONLY, permission_check

from ..models import BusinessType, Company, CompanyUser, Site
from ..reporting import company_copies_write

if TYPE_CHECKING:
    from core.models import User


def company_create(
    *,
    actor: User,
    legal_name: str,
    business_number: str,
    country: str = "CA",
    operating_name: str = "",
    business_types: Iterable[BusinessType] = (),
    **details: Any,
) -> Company:
    """A trader registers their company and becomes its signing authority."""
    if actor.role != Role.TRADER:
        permission_check(actor=actor, roles=OFFICERS, action="create_company", company_id=None)
    company = Company(
        legal_name=legal_name,
        operating_name=operating_name,
        business_number=business_number.replace(" ", "").upper(),
        country=country.upper(),
        **details,
    )
    company.full_clean()
    with transaction.atomic():
        company.save()
        company.business_types.set(list(business_types))
        if actor.role == Role.TRADER:
            CompanyUser.objects.create(
                company=company, user=actor, company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
            )
        audit_record(actor=actor, obj=company, action="company_created", company_id=company.pk)
    return company


def company_user_add(
    *, company: Company, user: User, company_role: str, actor: User
) -> CompanyUser:
    _require_signing_authority(company=company, actor=actor, action="add_company_user")
    link = CompanyUser(company=company, user=user, company_role=company_role)
    link.full_clean()
    with transaction.atomic():
        link.save()
        audit_record(actor=actor, obj=link, action="company_user_added", note=company_role)
    return link


def _require_signing_authority(*, company: Company, actor: User, action: str) -> None:
    permission_check(
        actor=actor, roles=TRADER_ONLY | OFFICERS, action=action, company_id=company.pk
    )
    if (
        actor.role == Role.TRADER
        and not CompanyUser.objects.filter(
            company=company, user=actor, company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
        ).exists()
    ):
        raise NotPermitted(
            action=action,
            role=str(Role(actor.role).label),
            message=_("Only the company's signing authority may do this."),
        )


def site_create(
    *, company: Company, actor: User, name: str, street_address: str, city: str, **details: Any
) -> Site:
    permission_check(
        actor=actor, roles=TRADER_ONLY | OFFICERS, action="add_site", company_id=company.pk
    )
    site = Site(company=company, name=name, street_address=street_address, city=city, **details)
    site.full_clean()
    with transaction.atomic():
        site.save()
        audit_record(actor=actor, obj=site, action="site_added")
    return site


COMPANY_EDITABLE_FIELDS = frozenset(
    {
        "legal_name",
        "operating_name",
        "country",
        "province",
        "city",
        "street_address",
        "postal_code",
        "phone",
        "contact_email",
        "mra_sharing_consent",
    }
)


SITE_EDITABLE_FIELDS = frozenset(
    {"name", "kind", "street_address", "city", "province", "country", "postal_code", "is_active"}
)


def _changes_apply(obj: Any, *, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    changed = [f for f, value in changes.items() if getattr(obj, f) != value]
    for field in changed:
        setattr(obj, field, changes[field])
    obj.full_clean()
    return changed


def company_update(
    *,
    company: Company,
    actor: User,
    business_types: Iterable[BusinessType] | None = None,
    **changes: Any,
) -> Company:
    """The signing authority (or an officer) corrects the company profile. The business
    number identifies the company and is not changed here. Each change is audited."""
    _require_signing_authority(company=company, actor=actor, action="update_company")
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        changed = _changes_apply(locked, changes=changes, allowed=COMPANY_EDITABLE_FIELDS)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if business_types is not None:
            locked.business_types.set(list(business_types))
            changed.append("business_types")
        if {"business_types", "country", "province"} & set(changed):
            company_copies_write(company_ids=[locked.pk])
        if changed:
            audit_record(actor=actor, obj=locked, action="company_updated", note=", ".join(changed))
    return locked


def business_type_delete(*, business_type: BusinessType, actor: User) -> None:
    """An administrator removes a business type from the list. Its companies lose it, and
    their applications' and memberships' copies of their types are rewritten with them,
    under their row locks, in one transaction (audited per company)."""
    permission_check(
        actor=actor,
        roles=frozenset({Role.ADMINISTRATOR}),
        action="delete_business_type",
        company_id=None,
    )
    with transaction.atomic():
        locked = BusinessType.objects.select_for_update().get(pk=business_type.pk)
        company_ids = list(
            Company.objects.select_for_update()
            .filter(business_types=locked)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for company in Company.objects.filter(pk__in=company_ids):
            audit_record(
                actor=actor,
                obj=company,
                action="company_updated",
                note=f"business_types: {locked.code} removed from the list",
            )
        locked.delete()  # the companies' links go with it
        company_copies_write(company_ids=company_ids)


def site_update(*, site: Site, actor: User, **changes: Any) -> Site:
    permission_check(
        actor=actor, roles=TRADER_ONLY | OFFICERS, action="update_site", company_id=site.company_id
    )
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        changed = _changes_apply(locked, changes=changes, allowed=SITE_EDITABLE_FIELDS)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(actor=actor, obj=locked, action="site_updated", note=", ".join(changed))
    return locked


def company_user_invite(
    *,
    company: Company,
    email: str,
    full_name: str,
    company_role: str,
    actor: User,
    preferred_language: str = "",
) -> CompanyUser:
    """The signing authority invites a colleague by e-mail with a company role.

    A new address gets an inactive trader account with no usable password (the invitation
    link lets the person choose one, which activates the account) and the preferred
    language chosen for them (default: the inviter's); a trader account that already exists
    is linked as it is, its language included. The link follows :func:`company_user_add`'s
    rules; the interface sends the invitation e-mail."""
    from django.core.validators import validate_email

    from core.models import User as UserModel

    _require_signing_authority(company=company, actor=actor, action="invite_company_user")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    full_name = require_text(full_name, "full_name", _("Enter the person's full name."))
    if company_role not in CompanyUser.CompanyRole.values:
        raise ValidationError({"company_role": _("Choose signing authority or contributor.")})
    preferred_language = preferred_language or actor.preferred_language or settings.LANGUAGE_CODE
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose English or French.")})
    with transaction.atomic():
        user = UserModel.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.role != Role.TRADER:
            raise ValidationError(
                {"email": _("This address belongs to an account that cannot join a company.")}
            )
        if user is not None and CompanyUser.objects.filter(company=company, user=user).exists():
            raise ValidationError({"email": _("This person is already a user of the company.")})
        if user is None:
            user = UserModel(
                email=email,
                full_name=full_name,
                role=Role.TRADER,
                is_active=False,
                preferred_language=preferred_language,
            )
            user.set_unusable_password()
            user.save()
            audit_record(actor=actor, obj=user, action="invite", note=company_role)
        link = company_user_add(company=company, user=user, company_role=company_role, actor=actor)
    return link
