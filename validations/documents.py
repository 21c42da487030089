"""The Site Validation Report: the bilingual PDF of a completed site validation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import agency_tz
from core.errors import DomainError
from core.pdf import in_both_languages, pdf_render

from .errors import OutcomeContradictsFindings
from .models import Finding, SiteValidation
from .selectors import validation_outcome_conflicts

REPORT_TEMPLATE = "pdf/site_validation_report.html"


def _agency_date(moment: Any) -> str:
    return timezone.localtime(moment, agency_tz()).date().isoformat() if moment else ""


def site_validation_report_context(*, validation: SiteValidation) -> dict[str, Any]:
    v = (
        SiteValidation.objects.select_related(
            "company", "lead_officer", "catalogue", "application", "membership"
        )
        .prefetch_related("sites", "officers")
        .get(pk=validation.pk)
    )
    if v.state != SiteValidation.State.COMPLETED:
        raise DomainError(
            _(
                "The Site Validation Report is available once the validation is completed; "
                "this one is %(state)s."
            )
            % {"state": v.get_state_display()},
            code="report_not_available",
            details={"state": v.state},
        )
    # A record from before outcomes were bound to findings may contradict them: the report
    # never prints such an outcome without the officer's justification.
    conflicts = validation_outcome_conflicts(validation=v, outcome=v.outcome)
    if conflicts and not v.outcome_override_reason:
        raise DomainError(
            _(
                "The Site Validation Report cannot show the outcome “%(outcome)s”: the findings "
                "on %(codes)s contradict it and no justification was recorded."
            )
            % {
                "outcome": v.get_outcome_display(),
                "codes": ", ".join(c["code"] for c in conflicts),
            },
            code=OutcomeContradictsFindings.code,
            details={"state": v.state, "action": "report", "findings": conflicts},
        )
    findings = (
        Finding.objects.filter(validation=v)
        .select_related("requirement__area")
        .order_by("requirement__area__order", "requirement__order", "requirement__code")
    )
    results = {value: in_both_languages(label) for value, label in Finding.Result.choices}
    areas: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for finding in findings:
        requirement, area = finding.requirement, finding.requirement.area
        if not areas or areas[-1]["pk"] != area.pk:
            areas.append(
                {
                    "pk": area.pk,
                    "code": area.code,
                    "name_en": area.name_en,
                    "name_fr": area.name_fr,
                    "findings": [],
                }
            )
        counts[finding.result] += 1
        areas[-1]["findings"].append(
            {
                "code": requirement.code,
                "text_en": requirement.text_en,
                "text_fr": requirement.text_fr,
                "result": finding.result,
                "result_en": results[finding.result]["en"],
                "result_fr": results[finding.result]["fr"],
                "note": finding.note,
            }
        )
    if v.application_id:
        subject = {
            "label_en": "Application",
            "label_fr": "Demande",
            "value": v.application.reference,
        }
    elif v.membership_id:
        subject = {
            "label_en": "Member number",
            "label_fr": "Numéro de membre",
            "value": v.membership.member_number,
        }
    else:
        subject = None
    return {
        "company": v.company,
        "subject": subject,
        "catalogue": {"en": v.catalogue.title_en, "fr": v.catalogue.title_fr},
        "kind": in_both_languages(SiteValidation.Kind(v.kind).label),
        "scheduled_for": v.scheduled_for.isoformat(),
        "started_on": _agency_date(v.started_at),
        "completed_on": _agency_date(v.completed_at),
        "lead_officer": str(v.lead_officer),
        "officers": [str(o) for o in v.officers.all()],
        "joint_with_cbp": v.joint_with_cbp,
        "outcome": in_both_languages(SiteValidation.Outcome(v.outcome).label),
        "outcome_conflicts": [c["code"] for c in conflicts],
        "outcome_override_reason": v.outcome_override_reason,
        "sites": list(v.sites.all()),
        "summary": [
            {"value": value, **results[value], "count": counts[value]}
            for value in Finding.Result.values
        ],
        "areas": areas,
        "recommendations": v.recommendations,
    }


def site_validation_report_render(*, validation: SiteValidation) -> bytes:
    """The bilingual report of a completed validation, as PDF bytes; a DomainError (409 in
    the API) for a validation that is not completed."""
    context = site_validation_report_context(validation=validation)
    return pdf_render(
        template=REPORT_TEMPLATE, context=context, language="en", stylesheets=["pdf/report.css"]
    )


def site_validation_report_filename(*, validation: SiteValidation) -> str:
    return f"site-validation-report-{validation.pk}-{validation.scheduled_for.isoformat()}.pdf"
