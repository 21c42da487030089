"""Findings: the result on each requirement, recorded while the visit is in progress, and
the files attached to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import TransitionNotAllowed
from core.roles import OFFICERS, permission_check
from core.transitions import state_label
from traders import services as trader_services
from traders.models import Requirement

from ..models import Finding, FindingEvidence, SiteValidation

if TYPE_CHECKING:
    from core.models import User


def _validation_in_progress(*, validation: SiteValidation, action: str) -> SiteValidation:
    """Lock the validation and refuse unless its report is being written."""
    locked = SiteValidation.objects.select_for_update().get(pk=validation.pk)
    if locked.state != SiteValidation.State.IN_PROGRESS:
        raise TransitionNotAllowed(
            obj=locked,
            action=action,
            state=state_label(locked),
            reason=_("Findings are recorded while the validation is in progress."),
        )
    return locked


def finding_record(
    *,
    validation: SiteValidation,
    requirement: Requirement,
    result: str,
    note: str,
    actor: User,
) -> Finding:
    """Record (or correct) the finding on one requirement while the visit is in progress."""
    permission_check(
        actor=actor, roles=OFFICERS, action="record_finding", company_id=validation.company_id
    )
    if result not in Finding.Result.values:
        raise ValidationError({"result": _("Choose the result for this requirement.")})
    note = (note or "").strip()
    if result in (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET) and not note:
        raise ValidationError(
            {"note": _("Explain what falls short of the requirement.")},
        )
    if requirement.area.catalogue_id != validation.catalogue_id:
        raise ValidationError(
            {"requirement": _("This requirement is not part of the validation's catalogue.")}
        )
    with transaction.atomic():
        locked = _validation_in_progress(validation=validation, action="record_finding")
        finding, _created = Finding.objects.update_or_create(
            validation=locked,
            requirement=requirement,
            defaults={"result": result, "note": note, "recorded_by": actor},
        )
        audit_record(
            actor=actor,
            obj=finding,
            action="record_finding",
            note=f"{requirement.code}: {finding.get_result_display()}",
            company_id=locked.company_id,
        )
    return finding


def finding_evidence_attach(
    *, finding: Finding, upload: UploadedFile, actor: User
) -> FindingEvidence:
    """Attach a picture or document to a finding, with the same checks as a trader's
    evidence. On any failure neither the row nor the stored file remains."""
    validation = finding.validation
    permission_check(
        actor=actor,
        roles=OFFICERS,
        action="attach_finding_evidence",
        company_id=validation.company_id,
    )
    ext = trader_services.evidence_check(upload=upload)
    with transaction.atomic():
        locked = _validation_in_progress(validation=validation, action="attach_finding_evidence")
        evidence = FindingEvidence(
            finding=finding,
            original_name=(upload.name or "")[-255:],
            content_type=trader_services.EVIDENCE_CONTENT_TYPES[ext],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        evidence.file.save(upload.name or f"evidence.{ext}", upload, save=False)
        try:
            evidence.save()
            audit_record(
                actor=actor,
                obj=finding,
                action="attach_finding_evidence",
                note=evidence.original_name,
                company_id=locked.company_id,
            )
        except Exception:
            evidence.file.delete(save=False)  # nothing half-saved: no orphan file
            raise
    return evidence
