"""A site validation: start it, record a finding per requirement as the visit goes,
complete it with an outcome or cancel it, and its report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.audit import audit_history
from core.errors import Incomplete
from core.files import content_attachment
from core.pages import INVALID, run_service
from traders.models import Requirement
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import SiteValidation

from .action_plans import SHORTFALLS, plan_requirements
from .base import get_or_404, officers_only, site_validation_or_404


def _validation_page(
    request: HttpRequest,
    validation: SiteValidation,
    *,
    finding_form: tuple[int, forms.Form] | None = None,
    action_forms: dict[str, forms.Form] | None = None,
    plan_formset: f.BaseActionPlanItemFormSet | None = None,
    missing: list[object] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = validation_selectors.validation_requirement_rows(validation=validation)
    editable = validation.state == SiteValidation.State.IN_PROGRESS
    recorded = 0
    areas: list[dict[str, Any]] = []
    for row in rows:
        requirement, finding = row["requirement"], row["finding"]
        recorded += finding is not None
        if editable:
            if finding_form is not None and finding_form[0] == requirement.pk:
                row["form"] = finding_form[1]
            else:
                initial = {"result": finding.result, "note": finding.note} if finding else {}
                row["form"] = f.FindingForm(prefix=f"req{requirement.pk}", initial=initial)
        if not areas or areas[-1]["area"].pk != requirement.area_id:
            areas.append({"area": requirement.area, "rows": []})
        areas[-1]["rows"].append(row)
    action_forms = action_forms or {}
    return render(
        request,
        "backoffice/workbench/validation.html",
        {
            "validation": validation,
            "areas": areas,
            "total": len(rows),
            "recorded": recorded,
            "editable": editable,
            "complete_form": action_forms.get("complete")
            or f.CompleteValidationForm(
                prefix="complete", initial={"recommendations": validation.recommendations}
            ),
            "plan_formset": plan_formset or _plan_formset(validation),
            "cancel_form": action_forms.get("cancel") or f.CancelValidationForm(prefix="cancel"),
            "start_form": action_forms.get("start") or forms.Form(prefix="start"),
            "missing": missing or [],
            # A finding refused because the visit is not in progress: its reasons at the top.
            "finding_refusal": finding_form[1] if finding_form and not editable else None,
            "action_plans": list(validation.action_plans.order_by("issued_on", "pk")),
            "report_available": _report_renderer() is not None,
            "history": list(audit_history(obj=validation)),
            "State": SiteValidation.State,
        },
        status=status,
    )


def _plan_formset(validation: SiteValidation, data: Any = None) -> f.BaseActionPlanItemFormSet:
    """The measures of the action plan issued with the report: a row per requirement found
    short (blank rows are ignored), and one more."""
    requirements = plan_requirements(validation)
    if data is not None:
        if "plan-TOTAL_FORMS" not in data:  # a page without the plan's rows: no measures
            data = {"plan-TOTAL_FORMS": "0", "plan-INITIAL_FORMS": "0"}
        return f.ActionPlanItemFormSet(
            data, prefix="plan", form_kwargs={"requirements": requirements}
        )
    if validation.state != SiteValidation.State.IN_PROGRESS:
        initial: list[dict[str, Any]] = []
    else:
        shortfalls = (
            validation.findings.filter(result__in=SHORTFALLS)
            .order_by("requirement__area__order", "requirement__order")
            .values_list("requirement_id", flat=True)
        )
        initial = [{"requirement": pk} for pk in shortfalls]
    return f.ActionPlanItemFormSet(
        prefix="plan", initial=[*initial, {}], form_kwargs={"requirements": requirements}
    )


@officers_only
def validation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The validation's page: start it; record a finding per requirement as the visit goes
    (one form each, saved on its own); complete it with an outcome; the report."""
    validation = site_validation_or_404(request, pk)
    if request.method != "POST":
        return _validation_page(request, validation)
    action = request.POST.get("action", "")
    user = request.user
    if action == "start":
        form: forms.Form = forms.Form(request.POST, prefix="start")
        form.is_valid()
        started = run_service(
            lambda: validation_services.site_validation_start(validation=validation, actor=user),
            form=form,
        )
        if started.ok:
            messages.success(request, _("The validation has started: record the findings."))
            return redirect("backoffice:validation", pk=validation.pk)
        return _validation_page(
            request, validation, action_forms={"start": form}, status=started.status
        )
    if action == "cancel":
        form = f.CancelValidationForm(request.POST, prefix="cancel")
        status = INVALID
        if form.is_valid():
            cancelled = run_service(
                lambda: validation_services.site_validation_cancel(
                    validation=validation, actor=user, reason=form.cleaned_data["reason"]
                ),
                form=form,
            )
            if cancelled.ok:
                messages.success(request, _("The site validation is cancelled."))
                return redirect("backoffice:validation", pk=validation.pk)
            status = cancelled.status
        return _validation_page(request, validation, action_forms={"cancel": form}, status=status)
    if action == "complete":
        form = f.CompleteValidationForm(request.POST, prefix="complete")
        plan = _plan_formset(validation, request.POST)
        status, missing = INVALID, None
        if form.is_valid() and plan.is_valid():
            completed = run_service(
                lambda: validation_services.site_validation_complete(
                    validation=validation,
                    actor=user,
                    outcome=form.cleaned_data["outcome"],
                    recommendations=form.cleaned_data["recommendations"],
                    action_plan_items=plan.items(),
                    override_reason=form.cleaned_data["override_reason"],
                ),
                form=form,
            )
            if completed.ok:
                messages.success(request, _("The site validation is completed."))
                if completed.result.action_plans.exists():
                    messages.success(request, _("The action plan is issued to the member."))
                return redirect("backoffice:validation", pk=validation.pk)
            status = completed.status
            missing = completed.error.missing if isinstance(completed.error, Incomplete) else None
        return _validation_page(
            request,
            validation,
            action_forms={"complete": form},
            plan_formset=plan,
            missing=missing,
            status=status,
        )
    raise Http404


@officers_only
@require_POST
def finding_save(request: AuthenticatedHttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    """Record (or correct) the finding on one requirement, with an optional photo or file:
    a plain POST per requirement, so that each is saved as the officer goes."""
    validation = site_validation_or_404(request, pk)
    requirement = get_or_404(
        Requirement.objects.select_related("area"),
        pk=requirement_pk,
        area__catalogue_id=validation.catalogue_id,
    )
    form = f.FindingForm(request.POST, request.FILES, prefix=f"req{requirement.pk}")
    status = INVALID
    if form.is_valid():
        data = form.cleaned_data
        recorded = run_service(
            lambda: validation_services.finding_record(
                validation=validation,
                requirement=requirement,
                result=data["result"],
                note=data["note"],
                actor=request.user,
            ),
            form=form,
        )
        status = recorded.status
        if recorded.ok and data.get("file"):
            attached = run_service(
                lambda: validation_services.finding_evidence_attach(
                    finding=recorded.result, upload=data["file"], actor=request.user
                ),
                form=form,
            )
            status = attached.status
            if not attached.ok:
                form.add_error(
                    None,
                    _("The finding on %(code)s is saved, but not the file.")
                    % {"code": requirement.code},
                )
        if recorded.ok and not form.errors:
            messages.success(
                request,
                _("Finding on %(code)s saved: %(result)s.")
                % {"code": requirement.code, "result": recorded.result.get_result_display()},
            )
            url = reverse("backoffice:validation", kwargs={"pk": validation.pk})
            return redirect(f"{url}#req-{requirement.code}")
    return _validation_page(request, validation, finding_form=(requirement.pk, form), status=status)


def _report_renderer() -> Callable[..., bytes] | None:
    try:
        from validations.documents import site_validation_report_render
    except ImportError:
        return None
    return site_validation_report_render


@officers_only
def validation_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The bilingual Site Validation Report (PDF) of a completed validation."""
    validation = site_validation_or_404(request, pk)
    render_report = _report_renderer()
    if render_report is None:
        raise Http404
    outcome = run_service(lambda: render_report(validation=validation), request=request)
    if not outcome.ok:
        return redirect("backoffice:validation", pk=validation.pk)
    filename = f"site-validation-report-{validation.pk}-{validation.scheduled_for.isoformat()}.pdf"
    return content_attachment(outcome.result, filename=filename, content_type="application/pdf")
