"""Security profiles: answers and evidence while a profile is editable, the move onto the
catalogue version in force, the copy a revalidation starts from, the freeze at submit and
the member's yearly confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today
from core.errors import DomainError, Incomplete
from core.inputs import require_text
from core.roles import TRADER_ONLY, permission_check

from ..models import CatalogueVersion, EvidenceFile, ProfileAnswer, Requirement, SecurityProfile
from ..selectors import catalogue_current, profile_missing_items
from .evidence import EVIDENCE_CONTENT_TYPES, evidence_check

if TYPE_CHECKING:
    from core.models import User


def _profile_editable(profile: SecurityProfile) -> None:
    if profile.submitted_at is not None:
        raise DomainError(
            _("This security profile was submitted on %(date)s and can no longer be changed.")
            % {"date": timezone.localdate(profile.submitted_at).isoformat()},
            code="profile_submitted",
        )


def profile_answer_save(
    *,
    profile: SecurityProfile,
    requirement: Requirement,
    implementation: str,
    description: str,
    actor: User,
) -> ProfileAnswer:
    permission_check(
        actor=actor,
        roles=TRADER_ONLY,
        action="answer_security_profile",
        company_id=profile.company_id,
    )
    if requirement.area.catalogue_id != profile.catalogue_id:
        raise ValidationError(
            {"requirement": _("This requirement is not part of the profile's catalogue.")}
        )
    if implementation not in ProfileAnswer.Implementation.values:
        raise ValidationError({"implementation": _("Choose how the requirement is implemented.")})
    if implementation != ProfileAnswer.Implementation.NOT_APPLICABLE:
        description = require_text(
            description, "description", _("Describe how the company meets this requirement.")
        )
    with transaction.atomic():
        locked = SecurityProfile.objects.select_for_update().get(pk=profile.pk)
        _profile_editable(locked)
        answer, _created = ProfileAnswer.objects.update_or_create(
            profile=locked,
            requirement=requirement,
            defaults={
                "implementation": implementation,
                "description": description,
                "updated_by": actor,
            },
        )
    return answer


def profile_answers_save(
    *, profile: SecurityProfile, answers: Sequence[dict[str, Any]], actor: User
) -> list[ProfileAnswer]:
    """Save several answers at once: all of them, or none (each as profile_answer_save)."""
    with transaction.atomic():
        return [profile_answer_save(profile=profile, actor=actor, **answer) for answer in answers]


def evidence_attach(*, answer: ProfileAnswer, upload: UploadedFile, actor: User) -> EvidenceFile:
    permission_check(
        actor=actor,
        roles=TRADER_ONLY,
        action="attach_evidence",
        company_id=answer.profile.company_id,
    )
    ext = evidence_check(upload=upload)
    with transaction.atomic():
        profile = SecurityProfile.objects.select_for_update().get(pk=answer.profile_id)
        _profile_editable(profile)
        evidence = EvidenceFile(
            answer=answer,
            original_name=(upload.name or "")[-255:],
            content_type=EVIDENCE_CONTENT_TYPES[ext],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        evidence.file.save(upload.name or f"evidence.{ext}", upload, save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)  # nothing half-saved: no orphan file
            raise
    return evidence


def profile_copy(
    *, source: SecurityProfile, catalogue: CatalogueVersion | None = None
) -> SecurityProfile:
    """A new, editable profile pre-filled from ``source`` (answers matched by requirement
    code, evidence files shared), against ``catalogue`` (default: the same version)."""
    catalogue = catalogue or source.catalogue
    with transaction.atomic():
        profile = SecurityProfile.objects.create(company_id=source.company_id, catalogue=catalogue)
        _answers_carry_over(source=source, target=profile)
    return profile


def _answers_carry_over(*, source: SecurityProfile, target: SecurityProfile) -> None:
    requirements = {
        r.code: r for r in Requirement.objects.filter(area__catalogue_id=target.catalogue_id)
    }
    old = list(source.answers.select_related("requirement").prefetch_related("evidence"))
    new_answers = [
        ProfileAnswer(
            profile=target,
            requirement=requirements[a.requirement.code],
            implementation=a.implementation,
            description=a.description,
            updated_by_id=a.updated_by_id,
        )
        for a in old
        if a.requirement.code in requirements
    ]
    ProfileAnswer.objects.bulk_create(new_answers)
    by_code = {a.requirement.code: a for a in target.answers.select_related("requirement")}
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            answer=by_code[a.requirement.code],
            file=e.file.name,
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            uploaded_by_id=e.uploaded_by_id,
        )
        for a in old
        if a.requirement.code in by_code
        for e in a.evidence.all()
    )


def profile_catalogue_refresh(*, profile: SecurityProfile) -> None:
    """Move a profile not yet submitted onto the catalogue version in force, if a newer one
    came into force since it was started. Runs in its own transaction, so that the move
    stands even when the submit that follows is refused for missing answers."""
    with transaction.atomic():
        locked = (
            SecurityProfile.objects.select_for_update()
            .select_related("catalogue")
            .get(pk=profile.pk)
        )
        if locked.submitted_at is not None:
            return
        current = catalogue_current(programme=locked.catalogue.programme)
        if locked.catalogue_id != current.pk:
            _profile_rebase(profile=locked, catalogue=current)


def _profile_rebase(*, profile: SecurityProfile, catalogue: CatalogueVersion) -> None:
    old = SecurityProfile(
        pk=profile.pk, company_id=profile.company_id, catalogue_id=profile.catalogue_id
    )
    snapshot = SecurityProfile.objects.create(
        company_id=profile.company_id, catalogue_id=profile.catalogue_id
    )
    ProfileAnswer.objects.filter(profile=old).update(profile=snapshot)
    profile.catalogue = catalogue
    profile.save(update_fields=["catalogue", "updated_at"])
    _answers_carry_over(source=snapshot, target=profile)
    EvidenceFile.objects.filter(answer__profile=snapshot).delete()
    snapshot.answers.all().delete()
    snapshot.delete()


def profile_submit(*, profile: SecurityProfile, actor: User) -> SecurityProfile:
    """Freeze a complete profile (used by revalidation; applications freeze theirs on
    submit). Refuses with the list of what is missing."""
    permission_check(
        actor=actor,
        roles=TRADER_ONLY,
        action="submit_security_profile",
        company_id=profile.company_id,
    )
    with transaction.atomic():
        locked = SecurityProfile.objects.select_for_update().get(pk=profile.pk)
        _profile_editable(locked)
        missing = profile_missing_items(profile=locked)
        if missing:
            raise Incomplete(
                _("The security profile is not complete: %(count)s item(s) are missing.")
                % {"count": len(missing)},
                missing=missing,
            )
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at", "updated_at"])
        audit_record(actor=actor, obj=locked, action="submit_security_profile")
    return locked


def profile_confirm(*, profile: SecurityProfile, actor: User) -> SecurityProfile:
    """The member's yearly confirmation that its submitted security profile is still true."""
    permission_check(
        actor=actor, roles=TRADER_ONLY, action="confirm_profile", company_id=profile.company_id
    )
    with transaction.atomic():
        locked = SecurityProfile.objects.select_for_update().get(pk=profile.pk)
        if locked.submitted_at is None:
            raise DomainError(
                _("Only a submitted security profile can be confirmed."), code="not_submitted"
            )
        locked.confirmed_on = agency_today()
        locked.save(update_fields=["confirmed_on", "updated_at"])
        audit_record(actor=actor, obj=locked, action="confirm_profile")
    return locked
