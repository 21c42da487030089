"""The membership certificate: render it, issue it (file and row), find the latest one.

A certificate is issued after certification and after each renewal (``traders.tasks``,
enqueued on commit by the services); the download endpoint issues one on the spot when the
current validity has none yet (seeded data, a task still in the queue). Issuing is
idempotent: one certificate per (membership, reason, expires_on), a unique constraint.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.errors import DomainError
from core.pdf import date_in_both_languages, in_both_languages, pdf_render

from .models import Membership, MembershipCertificate, Programme

CERTIFICATE_TEMPLATE = "pdf/certificate.html"


def certificate_render(*, membership: Membership) -> bytes:
    """The bilingual one-page certificate of ``membership``, as PDF bytes."""
    company = membership.company
    return pdf_render(
        template=CERTIFICATE_TEMPLATE,
        context={
            "programme": in_both_languages(Programme(membership.programme).label),
            "company_name": company.legal_name,
            "member_number": membership.member_number,
            "certified_on": date_in_both_languages(membership.certified_on),
            "expires_on": date_in_both_languages(membership.expires_on),
            "issued_on": date_in_both_languages(agency_today()),
        },
        language="en",
        stylesheets=["pdf/certificate.css"],
    )


def certificate_latest_for(*, membership: Membership) -> MembershipCertificate | None:
    """The certificate of the latest validity (the newest one if several share it)."""
    return (
        MembershipCertificate.objects.filter(membership_id=membership.pk)
        .select_related("membership")
        .order_by("-expires_on", "-created_at", "-pk")
        .first()
    )


def certificate_issue(*, membership: Membership, reason: str) -> MembershipCertificate:
    """Render and store the certificate of the membership's current validity. If one was
    already issued for this reason and validity, return it and store nothing."""
    if reason not in MembershipCertificate.Reason.values:
        raise ValidationError({"reason": _("Choose certification or renewal.")})
    fresh = Membership.objects.select_related("company").get(pk=membership.pk)
    key = {"membership": fresh, "reason": reason, "expires_on": fresh.expires_on}
    existing = MembershipCertificate.objects.filter(**key).first()
    if existing is not None:
        return existing
    certificate = MembershipCertificate(generated_on=agency_today(), **key)
    certificate.file.save(
        "certificate.pdf", ContentFile(certificate_render(membership=fresh)), save=False
    )
    try:
        with transaction.atomic():
            certificate.save()
            audit_record(
                actor=None,
                obj=certificate,
                action="issue_certificate",
                note=reason,
                company_id=fresh.company_id,
            )
    except IntegrityError:
        # Issued meanwhile by another worker or request: keep theirs, leave no orphan file.
        certificate.file.delete(save=False)
        return MembershipCertificate.objects.get(**key)
    return certificate


def certificate_current(*, membership: Membership) -> MembershipCertificate:
    """The certificate to hand out for an active membership: the stored one of its current
    validity, issued now if there is none yet."""
    if membership.state != Membership.State.ACTIVE:
        raise DomainError(
            _("A certificate is available only for an active membership; this one is %(state)s.")
            % {"state": membership.get_state_display()},
            code="membership_not_active",
            details={"state": membership.state},
        )
    latest = certificate_latest_for(membership=membership)
    if latest is not None and latest.expires_on == membership.expires_on:
        return latest
    reason = (
        MembershipCertificate.Reason.RENEWAL
        if membership.last_renewed_on
        else MembershipCertificate.Reason.CERTIFICATION
    )
    return certificate_issue(membership=membership, reason=reason)
