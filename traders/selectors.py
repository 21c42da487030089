"""Reads for companies, catalogues, applications and memberships, scoped by role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import AuditEvent
from core.roles import scope_for

from .models import (
    Application,
    CatalogueVersion,
    ChangeNotice,
    Company,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
    Membership,
    Programme,
    Requirement,
    RequirementArea,
    SecurityProfile,
)


def catalogue_current(*, programme: str = Programme.PIP) -> CatalogueVersion:
    """The version in force: the latest whose effective date has come."""
    from core.dates import agency_today

    catalogue = (
        CatalogueVersion.objects.filter(programme=programme, effective_from__lte=agency_today())
        .order_by("-effective_from", "-id")
        .first()
    )
    if catalogue is None:
        raise DomainError(
            _("No requirements catalogue is in force for %(programme)s.")
            % {"programme": programme},
            code="no_catalogue",
        )
    return catalogue


def _profile_items(*, profile: SecurityProfile) -> list[dict[str, Any]]:
    """Each requirement of the profile's catalogue in order, with whether it is answered and,
    when it stops the profile from being complete, why (two queries)."""
    requirements = (
        Requirement.objects.filter(area__catalogue_id=profile.catalogue_id)
        .select_related("area")
        .order_by("area__order", "order")
    )
    answers = {
        a["requirement_id"]: a
        for a in profile.answers.annotate(n_evidence=models.Count("evidence")).values(
            "requirement_id", "implementation", "n_evidence"
        )
    }
    items: list[dict[str, Any]] = []
    for req in requirements:
        answer = answers.get(req.pk)
        reason = ""
        if answer is None:
            if req.is_mandatory:
                reason = str(_("Not answered."))
        elif (
            req.evidence_required
            and answer["implementation"] != "not_applicable"
            and answer["n_evidence"] == 0
        ):
            reason = str(_("A supporting document is required."))
        items.append({"requirement": req, "answered": answer is not None, "reason": reason})
    return items


def _missing(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "code": item["requirement"].code,
            "area": item["requirement"].area.code,
            "title": item["requirement"].text,
            "reason": item["reason"],
        }
        for item in items
        if item["reason"]
    ]


def profile_missing_items(*, profile: SecurityProfile) -> list[dict[str, str]]:
    """What stops the profile from being complete: each mandatory requirement without an
    answer, and each requirement needing evidence whose answer has none attached; each with
    its requirement's code, area, title and the reason."""
    return _missing(_profile_items(profile=profile))


def profile_completeness(*, profile: SecurityProfile) -> dict[str, Any]:
    """Per area and overall: of the required items (every "must" requirement, and a
    "should" one once answered, since an answer given must be complete), how many are
    answered, with their document when one is required. An unanswered item never counts as
    complete. ``missing`` is :func:`profile_missing_items`, from the same two queries."""
    items = _profile_items(profile=profile)
    areas: dict[str, dict[str, Any]] = {}
    for item in items:
        req = item["requirement"]
        entry = areas.setdefault(req.area.code, {"area": req.area, "total": 0, "complete": 0})
        if req.is_mandatory or item["answered"]:
            entry["total"] += 1
            entry["complete"] += item["answered"] and not item["reason"]
    total = sum(a["total"] for a in areas.values())
    complete = sum(a["complete"] for a in areas.values())
    return {
        "areas": list(areas.values()),
        "total": total,
        "complete": complete,
        "percent": round(100 * complete / total) if total else 100,
        "missing": _missing(items),
    }


def profile_answers_by_area(*, profile: SecurityProfile) -> list[dict[str, Any]]:
    """Every answer of the profile, by requirement area in the catalogue's order, each with
    its requirement and its evidence files: what the signer declares true (three queries,
    however many answers)."""
    answers = (
        profile.answers.select_related("requirement__area")
        .prefetch_related(
            models.Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk"))
        )
        .order_by("requirement__area__order", "requirement__order")
    )
    areas = list(
        RequirementArea.objects.filter(catalogue_id=profile.catalogue_id).order_by("order")
    )
    by_area: dict[int, list[Any]] = {area.pk: [] for area in areas}
    for answer in answers:
        by_area.setdefault(answer.requirement.area_id, []).append(answer)
    return [{"area": area, "answers": by_area[area.pk]} for area in areas]


def company_signing_authorities(*, company_id: int) -> list[Any]:
    """The users who may sign for the company (submit its application), by name."""
    return [
        link.user
        for link in CompanyUser.objects.filter(
            company_id=company_id,
            company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


def application_review_due_on(*, application: Application) -> dt.date | None:
    """The date by which the service standard (``settings.APPLICATION_REVIEW_STANDARD_DAYS``
    days from submission, agency dates) says the eligibility review is done; None before the
    application is submitted."""
    from core.dates import agency_date

    if application.submitted_at is None:
        return None
    return agency_date(application.submitted_at) + dt.timedelta(
        days=settings.APPLICATION_REVIEW_STANDARD_DAYS
    )


# One scoping function per model: every page and API reaches these objects only through them.


def company_list_for(*, user: Any) -> models.QuerySet[Company]:
    return scope_for(Company, user=user)


def application_list_for(*, user: Any) -> models.QuerySet[Application]:
    return scope_for(Application, user=user).select_related("company", "profile")


def evidence_list_for(*, user: Any) -> models.QuerySet[EvidenceFile]:
    return scope_for(EvidenceFile, user=user)


def information_file_list_for(*, user: Any) -> models.QuerySet[InformationAnswerFile]:
    return scope_for(InformationAnswerFile, user=user)


def membership_list_for(*, user: Any) -> models.QuerySet[Membership]:
    return scope_for(Membership, user=user).select_related("company")


def change_notice_list_for(*, user: Any) -> models.QuerySet[ChangeNotice]:
    return scope_for(ChangeNotice, user=user)


def membership_history_for(*, membership: Membership) -> models.QuerySet[AuditEvent]:
    """The membership's history, oldest first: its own audit events, and the yearly
    confirmations of the company's security profile (company-wide, as the reminder sweep
    counts them), each with its actor. One query."""
    return AuditEvent.objects.filter(
        models.Q(
            content_type=ContentType.objects.get_for_model(Membership), object_id=membership.pk
        )
        | models.Q(
            content_type=ContentType.objects.get_for_model(SecurityProfile),
            company_id=membership.company_id,
            action="confirm_profile",
        )
    ).select_related("actor")


# --- For the REST API (issue 7) ---------------------------------------------------------


def profile_overview(*, profile: SecurityProfile) -> dict[str, Any]:
    """Everything a client needs to fill in a profile: each requirement of its catalogue in
    order with its answer and evidence, the completeness per area and what is missing."""
    requirements = list(
        Requirement.objects.filter(area__catalogue_id=profile.catalogue_id)
        .select_related("area")
        .order_by("area__order", "order")
    )
    answers = {
        a.requirement_id: a
        for a in profile.answers.prefetch_related(
            models.Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk"))
        )
    }
    completeness = profile_completeness(profile=profile)
    return {
        "id": profile.pk,
        "catalogue": str(profile.catalogue),
        "submitted_at": profile.submitted_at,
        "completeness": {
            "total": completeness["total"],
            "complete": completeness["complete"],
            "percent": completeness["percent"],
            "areas": [
                {
                    "code": a["area"].code,
                    "name": a["area"].name,
                    "total": a["total"],
                    "complete": a["complete"],
                }
                for a in completeness["areas"]
            ],
        },
        "missing": completeness["missing"],
        "requirements": [
            {"requirement": req, "answer": answers.get(req.pk)} for req in requirements
        ],
    }


def membership_expiring_within(
    *, queryset: models.QuerySet[Membership], within_days: int
) -> models.QuerySet[Membership]:
    """Active memberships of ``queryset`` whose expiry falls between today and today plus
    ``within_days`` days (agency dates)."""
    import datetime as dt

    from core.dates import agency_today

    today = agency_today()
    return queryset.filter(
        state=Membership.State.ACTIVE,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=within_days),
    )


def membership_mra_verify(*, member_number: str) -> Membership | None:
    """The membership a partner administration may see under a mutual recognition
    arrangement: only when the member's company consented to share its status. ``None``
    when unknown or not shared (the caller cannot tell which)."""
    return (
        Membership.objects.filter(
            member_number=(member_number or "").strip().upper(),
            company__mra_sharing_consent=True,
        )
        .select_related("company")
        .first()
    )


# --- The yearly confirmation of the security profile ------------------------------------
#
# One rule, used by the trader's membership page and by the reminder sweep: a company with
# an active membership confirms its security profile at least once a year; the next
# confirmation is due PROFILE_CONFIRMATION_DUE_MONTHS (12) months after the latest of the
# certification and the last renewal of its active memberships and the last confirmation of
# any of its security profiles (the anchor). The anchor is computed in SQL, grouped by
# company, so that the sweep reads it for every member in one query.


def profile_confirmation_due_on(anchor: dt.date) -> dt.date:
    """The date by which the profile must be confirmed again, counted from the anchor."""
    return anchor + relativedelta(months=settings.PROFILE_CONFIRMATION_DUE_MONTHS)


def profile_confirmation_anchors(
    *, memberships: models.QuerySet[Membership] | None = None
) -> models.QuerySet[Any]:
    """Per company with an active membership (among ``memberships``, default: all): its
    ``company_id``, ``certified`` (latest certification), ``renewed`` (latest renewal, or
    certification), ``confirmed`` (last confirmation, or None), ``anchor`` (the latest of
    the three) and ``officer_id`` (an assigned officer). A grouped values() queryset: filter
    it on ``anchor`` to read a window."""
    queryset = Membership.objects.all() if memberships is None else memberships
    return (
        queryset.filter(state=Membership.State.ACTIVE)
        .order_by()
        .values("company_id")
        .annotate(
            certified=models.Max("certified_on"),
            renewed=models.Max(Coalesce("last_renewed_on", "certified_on")),
            officer_id=models.Max("assigned_officer_id"),
            confirmed=models.Max("company__profiles__confirmed_on"),
        )
        # Coalesce: GREATEST with a NULL is NULL on SQLite (PostgreSQL ignores NULLs).
        .annotate(anchor=Greatest("certified", "renewed", Coalesce("confirmed", "certified")))
    )


def profile_confirmation_for(*, company_id: int) -> dict[str, Any] | None:
    """The company's last confirmation, the date the next is due and whether it is overdue
    (agency dates); None when the company has no active membership (nothing is due)."""
    from core.dates import agency_today

    rows = list(
        profile_confirmation_anchors(memberships=Membership.objects.filter(company_id=company_id))
    )
    if not rows:
        return None
    row = rows[0]
    due = profile_confirmation_due_on(row["anchor"])
    return {"last": row["confirmed"], "due": due, "overdue": due < agency_today()}
