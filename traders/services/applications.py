"""Applications, from the draft to the decision.

Each transition has one service here; it runs through
:func:`core.transitions.transition_run` (lock, permission, state check, save, audit). The
steps of the initial site validation are driven by the validations services, and so is the
withdrawal as a whole (:func:`validations.services.application_withdraw`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.dates import agency_today, membership_expiry
from core.errors import DomainError, Incomplete, SigningAuthorityRequired
from core.identifiers import application_reference_next, member_number_next
from core.inputs import require_text
from core.roles import MANAGERS, OFFICERS, TRADER_ONLY, permission_check
from core.transitions import transition_run

from .. import notices
from ..declarations import SUBMIT_DECLARATION_VERSION, submit_declaration_text
from ..models import (
    Application,
    Company,
    CompanyUser,
    InformationAnswerFile,
    InformationRequest,
    Membership,
    Programme,
    SecurityProfile,
    Site,
)
from ..reporting import company_copy_values
from ..selectors import catalogue_current, company_signing_authorities, profile_missing_items
from ._common import _certificate_enqueue
from .evidence import EVIDENCE_CONTENT_TYPES, evidence_check
from .profiles import profile_catalogue_refresh

if TYPE_CHECKING:
    from core.models import User


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
        # The company's row lock, as company_update takes it: its business types and place
        # are copied onto the application (traders.reporting) as they are now.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        profile = SecurityProfile.objects.create(company=company, catalogue=catalogue)
        application = Application.objects.create(
            **company_copy_values(company_id=company.pk),
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
            0,
            {
                "code": "sites",
                "area": "",
                "title": str(_("Sites in scope")),
                "reason": str(_("List at least one site in scope.")),
            },
        )
    return missing


def _signing_authority_check(*, application: Application, actor: User) -> None:
    """Only a signing authority of the company submits; a contributor prepares."""
    if CompanyUser.objects.filter(
        company_id=application.company_id,
        user=actor,
        company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY,
    ).exists():
        return
    names = [str(u) for u in company_signing_authorities(company_id=application.company_id)]
    raise SigningAuthorityRequired(
        action="submit",
        message=_(
            "Only a signing authority of %(company)s can submit the application; you can "
            "prepare it. Signing authorities: %(names)s."
        )
        % {"company": application.company.legal_name, "names": ", ".join(names) or "-"},
        signing_authorities=names,
    )


def application_submit(*, application: Application, actor: User, declared: bool) -> Application:
    """Submit a complete application, with the declaration of a signing authority of the
    company (``declared``: they ticked it); the catalogue version is fixed from here on. The
    application records who declared, when, and the declaration's version; the audit event
    keeps its text as the signer read it."""

    permission_check(
        actor=actor, roles=TRADER_ONLY, action="submit", company_id=application.company_id
    )
    _signing_authority_check(application=application, actor=actor)
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
        if not declared:
            raise ValidationError(
                {"declaration": _("Tick the declaration to submit the application.")}
            )

    def after(app: Application) -> None:
        SecurityProfile.objects.filter(pk=app.profile_id).update(submitted_at=app.submitted_at)
        notices.member_notify(obj=app, kind=notices.Kind.APPLICATION_RECEIVED, action="submit")

    return transition_run(
        obj=application,
        action="submit",
        actor=actor,
        roles=TRADER_ONLY,
        note=_("Declaration %(version)s: %(text)s")
        % {
            "version": SUBMIT_DECLARATION_VERSION,
            "text": submit_declaration_text(company=application.company),
        },
        kwargs={
            "when": timezone.now(),
            "declared_by": actor,
            "declaration_version": SUBMIT_DECLARATION_VERSION,
        },
        fields=["submitted_at", "declared_by", "declared_at", "declaration_version"],
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
        notices.member_notify(
            obj=app,
            kind=notices.Kind.INFORMATION_REQUESTED,
            action="request_info",
            due_on=deadline,
            details={"message": message, "deadline": deadline.isoformat()},
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
        obj=application,
        action="mark_eligible",
        actor=actor,
        roles=OFFICERS,
        note=note,
        after=lambda a: notices.member_notify(
            obj=a, kind=notices.Kind.APPLICATION_ELIGIBLE, action="mark_eligible"
        ),
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
        after=lambda a: notices.member_notify(
            obj=a,
            kind=notices.Kind.APPLICATION_INELIGIBLE,
            action="mark_ineligible",
            reasons=reasons,
        ),
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


def application_certify(
    *,
    application: Application,
    actor: User,
    note: str = "",
    check: Callable[[Application], None] | None = None,
) -> Application:
    """Certify: one membership per programme applied for, each with a member number,
    today's certification date and an expiry four years later. ``check`` may refuse once the
    permission and the state are checked (the validations app weighs the evidence there:
    interfaces call :func:`validations.services.application_certify`)."""

    def after(app: Application) -> None:
        certified_on = agency_today()
        Company.objects.select_for_update().filter(pk=app.company_id).first()  # as above
        copy = company_copy_values(company_id=app.company_id)
        for programme in app.programmes:
            membership = Membership.objects.create(
                **copy,
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
        notices.member_notify(obj=app, kind=notices.Kind.CERTIFIED, action="certify", reasons=note)

    return transition_run(
        obj=application,
        action="certify",
        actor=actor,
        roles=MANAGERS,
        note=note,
        kwargs={"when": timezone.now()},
        fields=["decided_at"],
        check=check,
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
        after=lambda a: notices.member_notify(
            obj=a, kind=notices.Kind.APPLICATION_DENIED, action="deny", reasons=reasons
        ),
    )


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    """The trader withdraws the application before a decision: the application's side only.
    Interfaces call :func:`validations.services.application_withdraw`, which runs this and,
    in the same transaction, cancels the application's site validations still scheduled."""
    return transition_run(
        obj=application,
        action="withdraw",
        actor=actor,
        roles=TRADER_ONLY,
        note=note,
        kwargs={"when": timezone.now()},
        fields=["decided_at"],
    )
