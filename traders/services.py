"""Writes for companies, applications, security profiles and memberships.

Each lifecycle transition has one service here; it runs through
:func:`core.transitions.transition_run` (lock, permission, state check, save, audit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today, membership_expiry
from core.errors import DomainError, Incomplete, NotPermitted
from core.identifiers import application_reference_next, member_number_next
from core.inputs import require_text
from core.models import Role
from core.roles import MANAGERS, OFFICERS, SYSTEM, TRADER_ONLY, permission_check
from core.transitions import transition_run

from .models import (
    Application,
    BusinessType,
    CatalogueVersion,
    ChangeNotice,
    Company,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
    InformationRequest,
    Membership,
    ProfileAnswer,
    Programme,
    Requirement,
    RequirementArea,
    SecurityProfile,
    Site,
)
from .selectors import catalogue_current, profile_missing_items

if TYPE_CHECKING:
    from core.models import User


# --- Companies --------------------------------------------------------------------------


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
        if changed:
            audit_record(actor=actor, obj=locked, action="company_updated", note=", ".join(changed))
    return locked


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


# --- Catalogues -------------------------------------------------------------------------


def catalogue_load(*, data: dict[str, Any]) -> CatalogueVersion:
    """Load one catalogue version from its data file. Loading the same version twice is a
    no-op: a published version is never rewritten."""
    existing = CatalogueVersion.objects.filter(
        programme=data["programme"], version=data["version"]
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        catalogue = CatalogueVersion.objects.create(
            programme=data["programme"],
            version=data["version"],
            title_en=data["title_en"],
            title_fr=data["title_fr"],
            effective_from=dt.date.fromisoformat(data["effective_from"]),
        )
        for area_order, area_data in enumerate(data["areas"], start=1):
            area = RequirementArea.objects.create(
                catalogue=catalogue,
                code=area_data["code"],
                name_en=area_data["name_en"],
                name_fr=area_data["name_fr"],
                order=area_order,
            )
            Requirement.objects.bulk_create(
                Requirement(
                    area=area,
                    code=req["code"],
                    text_en=req["text_en"],
                    text_fr=req["text_fr"],
                    level=req["level"],
                    evidence_required=req["evidence_required"],
                    ctpat_category=req["ctpat_category"],
                    wco_condition=req["wco_condition"],
                    order=order,
                )
                for order, req in enumerate(area_data["requirements"], start=1)
            )
    return catalogue


# --- Security profiles ------------------------------------------------------------------


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


EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
EVIDENCE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}


def evidence_check(*, upload: UploadedFile, field: str = "file") -> str:
    """Refuse a file whose extension is not allowed, that is too large or empty, or whose
    content does not match its extension. Returns the extension."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            {
                field: _(
                    "Files of this type are not accepted. Upload a PDF, an image (PNG, JPEG, "
                    "GIF, WebP) or an office document (Word, Excel, PowerPoint, OpenDocument)."
                )
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {
                    "size": round(size / 1_048_576, 1),
                    "limit": round(settings.EVIDENCE_MAX_BYTES / 1_048_576, 1),
                }
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES[ext]):
        raise ValidationError(
            {
                field: _("The file's content is not a .%(ext)s file; it may be damaged or renamed.")
                % {"ext": ext}
            }
        )
    return ext


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


def profile_rebase(*, profile: SecurityProfile, catalogue: CatalogueVersion) -> None:
    """Move a draft profile onto a newer catalogue version, keeping answers by code."""
    _profile_editable(profile)
    if profile.catalogue_id == catalogue.pk:
        return
    with transaction.atomic():
        _profile_rebase(profile=profile, catalogue=catalogue)


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


# --- Applications -----------------------------------------------------------------------


def application_create(
    *,
    company: Company,
    actor: User,
    programme: str = Application.ProgrammeChoice.PIP,
    harmonized_ctpat: bool = False,
    sites: Sequence[Site] = (),
    start_token: str | None = None,
) -> Application:
    permission_check(
        actor=actor, roles=TRADER_ONLY, action="start_application", company_id=company.pk
    )
    if programme not in Application.ProgrammeChoice.values:
        raise ValidationError({"programme": _("Choose PIP, CSA or both.")})
    if any(site.company_id != company.pk for site in sites):
        raise ValidationError({"sites": _("Choose sites of your own company.")})
    catalogue = catalogue_current(programme=Programme.PIP)
    now = timezone.now()
    with transaction.atomic():
        profile = SecurityProfile.objects.create(company=company, catalogue=catalogue)
        application = Application.objects.create(
            reference=application_reference_next(year=agency_today().year),
            company=company,
            programme=programme,
            harmonized_ctpat=harmonized_ctpat,
            profile=profile,
            created_by=actor,
            state_changed_at=now,
            start_token=start_token or None,
        )
        application.sites.set(sites)
        audit_record(
            actor=actor, obj=application, action="create", to_state=Application.State.DRAFT
        )
    return application


def _application_of_start_token(*, start_token: str, actor: User) -> Application | None:
    application = Application.objects.filter(start_token=start_token).first()
    if application is not None and application.created_by_id != actor.pk:
        # Another person's token: it starts nothing and tells nothing about their draft.
        raise ValidationError(
            _("This form has expired. Check your choices and start the application again.")
        )
    return application


def application_create_once(
    *,
    company: Company,
    actor: User,
    start_token: str,
    programme: str = Application.ProgrammeChoice.PIP,
    harmonized_ctpat: bool = False,
    sites: Sequence[Site] = (),
) -> tuple[Application, bool]:
    """Start an application once per start form: a second call with the same token (a double
    click, back and resubmit, two requests at the same moment) returns the draft the first one
    created, and ``False``. A rule of the data, the unique ``Application.start_token``, so it
    holds on SQLite and, under concurrency, on PostgreSQL (the second insert waits for the
    first transaction and then fails on the key; the draft it finds is then committed)."""
    if not start_token:
        raise ValidationError(
            _("This form has expired. Check your choices and start the application again.")
        )
    existing = _application_of_start_token(start_token=start_token, actor=actor)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            application = application_create(
                company=company,
                actor=actor,
                programme=programme,
                harmonized_ctpat=harmonized_ctpat,
                sites=sites,
                start_token=start_token,
            )
    except IntegrityError:
        existing = _application_of_start_token(start_token=start_token, actor=actor)
        if existing is None:
            raise
        return existing, False
    return application, True


def application_sites_set(*, application: Application, sites: Sequence[Site], actor: User) -> None:
    permission_check(
        actor=actor, roles=TRADER_ONLY, action="change_sites", company_id=application.company_id
    )
    if application.state != Application.State.DRAFT:
        raise DomainError(_("Sites can only be changed while the application is a draft."))
    if any(site.company_id != application.company_id for site in sites):
        raise ValidationError({"sites": _("Choose sites of your own company.")})
    application.sites.set(sites)


def application_missing_items(*, application: Application) -> list[dict[str, str]]:
    missing = profile_missing_items(profile=application.profile)
    if not application.sites.exists():
        missing.insert(
            0, {"code": "sites", "area": "", "reason": str(_("List at least one site in scope."))}
        )
    return missing


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a complete application; the catalogue version is fixed from here on."""

    permission_check(
        actor=actor, roles=TRADER_ONLY, action="submit", company_id=application.company_id
    )
    # Its own transaction: the draft moves onto the version in force even when the submit
    # is then refused, so the trader can answer the new requirements.
    profile_catalogue_refresh(profile=application.profile)

    def check(app: Application) -> None:
        missing = application_missing_items(application=app)
        if missing:
            raise Incomplete(
                _("The application cannot be submitted yet: %(count)s item(s) are missing.")
                % {"count": len(missing)},
                missing=missing,
            )

    def after(app: Application) -> None:
        SecurityProfile.objects.filter(pk=app.profile_id).update(submitted_at=app.submitted_at)

    return transition_run(
        obj=application,
        action="submit",
        actor=actor,
        roles=TRADER_ONLY,
        kwargs={"when": timezone.now()},
        fields=["submitted_at"],
        check=check,
        after=after,
    )


def application_start_review(*, application: Application, actor: User) -> Application:
    return transition_run(
        obj=application,
        action="start_review",
        actor=actor,
        roles=OFFICERS,
        kwargs={"officer": actor},
        fields=["assigned_officer"],
    )


def application_request_info(
    *, application: Application, actor: User, message: str, deadline: dt.date
) -> Application:
    message = require_text(message, "message", _("Write the information you need."))
    if deadline <= agency_today():
        raise ValidationError({"deadline": _("The deadline must be a date after today.")})

    def after(app: Application) -> None:
        InformationRequest.objects.create(
            company_id=app.company_id,
            application=app,
            message=message,
            deadline=deadline,
            requested_by=actor,
        )

    return transition_run(
        obj=application,
        action="request_info",
        actor=actor,
        roles=OFFICERS,
        note=message,
        after=after,
    )


INFORMATION_FILES_MAX = 10


def application_answer_info(
    *,
    application: Application,
    actor: User,
    response: str,
    uploads: Sequence[UploadedFile] = (),
) -> Application:
    """The trader answers the open information request, with text and any files (each
    checked as evidence is). Text and files are saved together or not at all: when anything
    fails, the files already written are deleted again."""
    response = require_text(response, "response", _("Write your answer to the request."))
    uploads = list(uploads)
    if len(uploads) > INFORMATION_FILES_MAX:
        raise ValidationError(
            {
                "files": _("Attach at most %(count)s files to one answer.")
                % {"count": INFORMATION_FILES_MAX}
            }
        )
    extensions = [evidence_check(upload=upload, field="files") for upload in uploads]
    stored: list[InformationAnswerFile] = []

    def after(app: Application) -> None:
        open_requests = list(
            InformationRequest.objects.select_for_update()
            .filter(application=app, responded_at__isnull=True)
            .order_by("-created_at", "-pk")
        )
        if not open_requests:
            if uploads:
                raise DomainError(
                    _("This application has no open information request."),
                    code="no_open_request",
                )
            return
        InformationRequest.objects.filter(pk__in=[r.pk for r in open_requests]).update(
            response=response, responded_at=timezone.now(), responded_by=actor
        )
        for upload, ext in zip(uploads, extensions, strict=True):
            attached = InformationAnswerFile(
                information_request=open_requests[0],
                original_name=(upload.name or "")[-255:],
                content_type=EVIDENCE_CONTENT_TYPES[ext],
                size=upload.size or 0,
                uploaded_by=actor,
            )
            attached.file.save(upload.name or f"answer.{ext}", upload, save=False)
            stored.append(attached)
            attached.save()

    try:
        return transition_run(
            obj=application,
            action="answer_info",
            actor=actor,
            roles=TRADER_ONLY,
            note=response,
            after=after,
        )
    except BaseException:
        for attached in stored:  # nothing half-saved: no file left without its row
            attached.file.delete(save=False)
        raise


def application_mark_eligible(
    *, application: Application, actor: User, note: str = ""
) -> Application:
    return transition_run(
        obj=application, action="mark_eligible", actor=actor, roles=OFFICERS, note=note
    )


def application_mark_ineligible(
    *, application: Application, actor: User, reasons: str
) -> Application:
    reasons = require_text(reasons, "reasons", _("Give the reasons the applicant is ineligible."))
    return transition_run(
        obj=application,
        action="mark_ineligible",
        actor=actor,
        roles=OFFICERS,
        note=reasons,
        kwargs={"reasons": reasons, "when": timezone.now()},
        fields=["decision_reason", "decided_at"],
    )


def application_schedule_validation(
    *, application: Application, actor: User, note: str = ""
) -> Application:
    """Called by the validations app when the initial site validation is scheduled."""
    return transition_run(
        obj=application, action="schedule_validation", actor=actor, roles=OFFICERS, note=note
    )


def application_unschedule_validation(
    *, application: Application, actor: User, note: str = ""
) -> Application:
    """Called by the validations app when the initial site validation is cancelled."""
    return transition_run(
        obj=application, action="unschedule_validation", actor=actor, roles=OFFICERS, note=note
    )


def application_record_validation(
    *, application: Application, actor: User, note: str = ""
) -> Application:
    """Called by the validations app when the initial site validation is completed."""
    return transition_run(
        obj=application, action="record_validation", actor=actor, roles=OFFICERS, note=note
    )


def application_certify(*, application: Application, actor: User, note: str = "") -> Application:
    """Certify: one membership per programme applied for, each with a member number,
    today's certification date and an expiry four years later."""

    def after(app: Application) -> None:
        certified_on = agency_today()
        for programme in app.programmes:
            membership = Membership.objects.create(
                company_id=app.company_id,
                application=app,
                programme=programme,
                member_number=member_number_next(programme=programme),
                certified_on=certified_on,
                expires_on=membership_expiry(certified_on),
                assigned_officer_id=app.assigned_officer_id,
                state_changed_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                obj=membership,
                action="certify",
                to_state=Membership.State.ACTIVE,
                note=note,
            )
            _certificate_enqueue(membership_id=membership.pk, reason="certification")

    return transition_run(
        obj=application,
        action="certify",
        actor=actor,
        roles=MANAGERS,
        note=note,
        kwargs={"when": timezone.now()},
        fields=["decided_at"],
        after=after,
    )


def application_deny(*, application: Application, actor: User, reasons: str) -> Application:
    reasons = require_text(reasons, "reasons", _("Give the reasons for the denial."))
    return transition_run(
        obj=application,
        action="deny",
        actor=actor,
        roles=MANAGERS,
        note=reasons,
        kwargs={"reasons": reasons, "when": timezone.now()},
        fields=["decision_reason", "decided_at"],
    )


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    """The trader withdraws the application before a decision. A site validation of it that
    is still scheduled will never take place: it is cancelled in the same transaction (by
    the system, audited on the visit), so no officer has to cancel it by hand. A visit
    already under way or completed is left as it is."""

    def after(app: Application) -> None:
        # traders → validations, against the usual direction: withdrawing is the trader's
        # act and must end its visits atomically. Imported here because validations.services
        # imports this module.
        from validations.services import site_validations_cancel_for_withdrawal

        site_validations_cancel_for_withdrawal(application=app)

    return transition_run(
        obj=application,
        action="withdraw",
        actor=actor,
        roles=TRADER_ONLY,
        note=note,
        kwargs={"when": timezone.now()},
        fields=["decided_at"],
        after=after,
    )


# --- Memberships ------------------------------------------------------------------------


def membership_suspend(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the suspension."))
    return transition_run(
        obj=membership, action="suspend", actor=actor, roles=MANAGERS, note=reason
    )


def membership_reinstate(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the reinstatement."))
    return transition_run(
        obj=membership, action="reinstate", actor=actor, roles=MANAGERS, note=reason
    )


def membership_cancel(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the cancellation."))
    return transition_run(
        obj=membership,
        action="cancel",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        kwargs={"on": agency_today()},
        fields=["cancelled_on"],
    )


def membership_lapse(
    *, membership: Membership, actor: User | None = None, note: str = ""
) -> Membership:
    """A membership whose revalidation was not completed by its expiry lapses (the sweep
    acts as the system, with actor=None)."""

    def check(m: Membership) -> None:
        if m.expires_on >= agency_today():
            raise DomainError(
                _("This membership is valid until %(date)s; it cannot lapse before then.")
                % {"date": m.expires_on.isoformat()},
                code="not_expired",
            )

    return transition_run(
        obj=membership,
        action="lapse",
        actor=actor,
        roles=MANAGERS | {SYSTEM},
        note=note,
        check=check,
    )


def membership_appeal(*, membership: Membership, actor: User, grounds: str) -> Membership:
    grounds = require_text(grounds, "grounds", _("Give the grounds of the appeal."))
    return transition_run(
        obj=membership, action="appeal", actor=actor, roles=TRADER_ONLY, note=grounds
    )


def membership_allow_appeal(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the decision."))
    return transition_run(
        obj=membership,
        action="allow_appeal",
        actor=actor,
        roles=MANAGERS,
        note=reason,
        fields=["cancelled_on"],
    )


def membership_uphold_cancellation(
    *, membership: Membership, actor: User, reason: str
) -> Membership:
    reason = require_text(reason, "reason", _("Give the reason for the decision."))
    return transition_run(
        obj=membership, action="uphold_cancellation", actor=actor, roles=MANAGERS, note=reason
    )


def membership_renew(*, membership: Membership, actor: User, note: str = "") -> Membership:
    """Renewal after a completed revalidation: four more years from the previous expiry.
    Called by the revalidation app."""
    fresh = Membership.objects.get(pk=membership.pk)
    new_expiry = membership_expiry(fresh.expires_on)
    return transition_run(
        obj=membership,
        action="renew",
        actor=actor,
        roles=OFFICERS,
        note=note or _("Renewed until %(date)s.") % {"date": new_expiry.isoformat()},
        kwargs={"on": agency_today(), "new_expiry": new_expiry},
        fields=["expires_on", "last_renewed_on"],
        after=lambda m: _certificate_enqueue(membership_id=m.pk, reason="renewal"),
    )


def _certificate_enqueue(*, membership_id: int, reason: str) -> None:
    """Issue the membership's certificate once the transaction commits. ``robust``: a broker
    outage must not fail a committed decision (the download endpoint issues a missing
    certificate on the spot)."""
    from .tasks import issue_certificate  # lazy: keeps WeasyPrint out of the services' import

    transaction.on_commit(lambda: issue_certificate.delay(membership_id, reason), robust=True)


def membership_assign_officer(*, membership: Membership, officer: User, actor: User) -> Membership:
    permission_check(
        actor=actor, roles=MANAGERS, action="assign_officer", company_id=membership.company_id
    )
    if officer.role not in (Role.OFFICER, Role.MANAGER):
        raise ValidationError({"officer": _("Choose an officer.")})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        locked.assigned_officer = officer
        locked.save(update_fields=["assigned_officer", "updated_at"])
        audit_record(actor=actor, obj=locked, action="assign_officer", note=str(officer))
    return locked


# --- Change notices ---------------------------------------------------------------------


def application_assign_officer(
    *, application: Application, officer: User, actor: User
) -> Application:
    """An officer takes a case (officer = themselves), or a manager assigns it to an
    officer, in any state before the decision."""
    permission_check(
        actor=actor, roles=OFFICERS, action="assign_officer", company_id=application.company_id
    )
    if officer.role not in (Role.OFFICER, Role.MANAGER) or not officer.is_active:
        raise ValidationError({"officer": _("Choose an active officer.")})
    if actor.role != Role.MANAGER and officer.pk != actor.pk:
        raise NotPermitted(action="assign_officer", role=str(Role(actor.role).label))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if (
            locked.state not in Application.BEFORE_DECISION
            or locked.state == Application.State.DRAFT
        ):
            raise DomainError(
                _(
                    "A case can be assigned between its submission and the decision; this one is %(state)s."
                )
                % {"state": locked.get_state_display()},
                code="not_assignable",
            )
        if locked.assigned_officer_id != officer.pk:
            locked.assigned_officer = officer
            locked.save(update_fields=["assigned_officer", "updated_at"])
            audit_record(actor=actor, obj=locked, action="assign_officer", note=str(officer))
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


def change_notice_submit(
    *,
    company: Company,
    actor: User,
    kind: str,
    description: str,
    effective_on: dt.date,
    membership: Membership | None = None,
) -> ChangeNotice:
    permission_check(actor=actor, roles=TRADER_ONLY, action="report_change", company_id=company.pk)
    if kind not in ChangeNotice.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of change.")})
    description = require_text(description, "description", _("Describe the change."))
    if membership is not None and membership.company_id != company.pk:
        raise ValidationError({"membership": _("Choose one of your company's memberships.")})
    with transaction.atomic():
        notice = ChangeNotice.objects.create(
            company=company,
            membership=membership,
            kind=kind,
            description=description,
            effective_on=effective_on,
            reported_by=actor,
        )
        audit_record(
            actor=actor, obj=notice, action="report", to_state=notice.state, note=description
        )
    return notice


def change_notice_acknowledge(*, notice: ChangeNotice, actor: User, note: str = "") -> ChangeNotice:
    return transition_run(
        obj=notice,
        action="acknowledge",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"note": note},
        fields=["officer_note"],
    )


def change_notice_open_follow_up(
    *, notice: ChangeNotice, actor: User, follow_up: str, note: str = ""
) -> ChangeNotice:
    """Record that a spot check or an early revalidation was opened for the notice (called
    by the service that opens it, in its transaction)."""
    if follow_up not in ("spot_check", "revalidation"):
        raise ValidationError({"follow_up": _("Choose a spot check or an early revalidation.")})
    return transition_run(
        obj=notice,
        action="open_follow_up",
        actor=actor,
        roles=OFFICERS,
        note=note,
        kwargs={"follow_up": follow_up, "note": note},
        fields=["follow_up", "officer_note"],
    )


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
