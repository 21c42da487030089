"""The officer workbench (issue 4): the work queue, the eligibility review, the site
validation, action plans, change notices, post-incident analyses and a member's file.

Interfaces only: each view parses its input with a form, calls one service or selector and
renders the result. A service's refusal (a wrong state, a missing reason, a date in the past)
comes back on the same page, next to the field it concerns or at the top of the form, with
a 4xx status; never a 500. Objects outside the user's scope, and every page for a role that
is not an officer's or a manager's, answer 404 (core.access).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import AuthenticatedHttpRequest, staff_required
from core.audit import audit_history
from core.errors import DomainError, Incomplete
from core.models import AuditEvent, Role, User
from core.roles import OFFICERS
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from revalidation.services import (
    revalidation_complete,
    revalidation_open,
    revalidation_schedule_validation,
)
from traders import selectors as trader_selectors
from traders import services as trader_services
from traders.models import Application, ChangeNotice, Membership, Requirement
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    Finding,
    Incident,
    SiteValidation,
)

from . import forms as f
from .queue import work_queue_rows

officers_only = staff_required(roles=OFFICERS)
QUEUE_PAGE_SIZE = 25
LIST_PAGE_SIZE = 25
INVALID = 422  # the input was refused: the page comes back with the reasons
CONFLICT = 409  # the object's state does not allow the action


def _get_or_404(queryset_or_callable: Any, **lookup: Any) -> Any:
    try:
        if callable(queryset_or_callable):
            return queryset_or_callable(**lookup)
        return queryset_or_callable.get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def _status_for(error: Exception) -> int:
    return INVALID if isinstance(error, ValidationError | Incomplete) else CONFLICT


def _run(form: forms.BaseForm, action: Callable[[], Any]) -> tuple[Any, int]:
    """Call ``action`` (a service call); on a refusal put the reasons on ``form`` and give
    the status to answer with. Returns (result or None, status)."""
    try:
        return action(), 200
    except (ValidationError, DomainError) as error:
        f.form_error_apply(form, error)
        return None, _status_for(error)


# --- The work queue ---------------------------------------------------------------------


def _stage_choices() -> list[tuple[str, Any]]:
    labels: dict[str, Any] = {}
    for value in validation_selectors.APPLICATION_QUEUE_STATES:
        labels[value] = Application.State(value).label
    for value in RevalidationCycle.IN_PROGRESS:
        labels.setdefault(str(value), RevalidationCycle.State(value).label)
    return list(labels.items())


@officers_only
def workbench(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The work queue: applications and revalidations by stage, with filters and sorting
    in the query string, 25 to a page, in a constant number of queries."""
    stages = _stage_choices()
    filters = f.QueueFilterForm(request.GET or None, stages=stages)
    values = filters.values()
    if not request.GET:
        filters = f.QueueFilterForm(initial=values, stages=stages)
    user = request.user
    rows = work_queue_rows(
        user=user,
        kind=values["kind"],
        who=values["who"],
        stage=values["stage"],
        q=values["q"],
        sort=values["sort"],
    )
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    stage_labels = dict(stages)
    for row in page.object_list:
        row["stage_label"] = stage_labels.get(row["row_stage"], row["row_stage"])
        row["is_mine"] = row["row_officer_id"] == user.pk
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/workbench/queue.html",
        {
            "filters": filters,
            "page": page,
            "values": values,
            "query": query.urlencode(),
            "who_tabs": f.QueueFilterForm.WHO,
            "is_manager": user.role == Role.MANAGER,
            "officers": list(_officer_choices()) if user.role == Role.MANAGER else [],
            "assignable": validation_selectors.APPLICATION_QUEUE_STATES,
            "here": request.get_full_path(),
        },
    )


def _officer_choices() -> Any:
    """The active officers and managers a case may be assigned to."""
    return User.objects.filter(role__in=OFFICERS, is_active=True).order_by("full_name", "email")


def _back_to(request: HttpRequest, default: str) -> str:
    """Where to go after a queue or page action: the page the form came from, if it is one
    of ours, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _refusal_message(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


@officers_only
@require_POST
def application_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a case: a submitted application's review starts, assigned to the actor; any
    other application before its decision is assigned to the actor."""
    application = _get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    back = _back_to(request, reverse("backoffice:application", kwargs={"pk": application.pk}))
    try:
        if application.state == Application.State.SUBMITTED:
            trader_services.application_start_review(application=application, actor=request.user)
            done = _("You took %(reference)s: its review has started.")
        else:
            trader_services.application_assign_officer(
                application=application, officer=request.user, actor=request.user
            )
            done = _("You took %(reference)s: it is assigned to you.")
    except (ValidationError, DomainError) as error:
        _refusal_message(request, error)
        return redirect(back)
    messages.success(request, done % {"reference": application.reference})
    return redirect(back)


def _assign_post(
    request: AuthenticatedHttpRequest,
    *,
    back: str,
    assign: Callable[[User], Any],
    done: str,
    done_args: dict[str, Any],
) -> HttpResponse:
    """A manager's assignment, then back to ``back``: the officer chosen in the form, given
    to ``assign`` (a service call). ``done`` is the message when it is done, formatted with
    ``done_args`` and the officer (``%(officer)s``)."""
    form = f.AssignOfficerForm(request.POST, officers=_officer_choices())
    if not form.is_valid():
        messages.error(request, _("Choose an active officer."))
        return redirect(back)
    officer = form.cleaned_data["officer"]
    try:
        assign(officer)
    except (ValidationError, DomainError) as error:
        _refusal_message(request, error)
        return redirect(back)
    messages.success(request, done % {**done_args, "officer": officer})
    return redirect(back)


@officers_only
@require_POST
def application_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager assigns an application to an officer (an officer may only take it)."""
    application = _get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    return _assign_post(
        request,
        back=_back_to(request, reverse("backoffice:application", kwargs={"pk": application.pk})),
        assign=lambda officer: trader_services.application_assign_officer(
            application=application, officer=officer, actor=request.user
        ),
        done=_("%(reference)s is assigned to %(officer)s."),
        done_args={"reference": application.reference},
    )


@officers_only
@require_POST
def membership_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager assigns the member's officer (from the member's file)."""
    membership = _get_or_404(trader_selectors.membership_list_for(user=request.user), pk=pk)
    return _assign_post(
        request,
        back=reverse("backoffice:company", kwargs={"pk": membership.company_id}),
        assign=lambda officer: trader_services.membership_assign_officer(
            membership=membership, officer=officer, actor=request.user
        ),
        done=_("Membership %(number)s is assigned to %(officer)s."),
        done_args={"number": membership.member_number},
    )


# --- Eligibility review -----------------------------------------------------------------

REVIEW_FORMS: dict[str, type[forms.Form]] = {
    "request_info": f.RequestInfoForm,
    "eligible": f.MarkEligibleForm,
    "ineligible": f.MarkIneligibleForm,
}


def _review_service(action: str, application: Application, actor: Any, data: dict) -> Any:
    if action == "request_info":
        return trader_services.application_request_info(
            application=application, actor=actor, message=data["message"], deadline=data["deadline"]
        )
    if action == "eligible":
        return trader_services.application_mark_eligible(
            application=application, actor=actor, note=data.get("note") or ""
        )
    return trader_services.application_mark_ineligible(
        application=application, actor=actor, reasons=data["reasons"]
    )


REVIEW_DONE = {
    "request_info": gettext_lazy("Information requested. The application waits for the answer."),
    "eligible": gettext_lazy("The application is eligible. Schedule its site validation."),
    "ineligible": gettext_lazy("The application is marked ineligible; the reasons are recorded."),
}


@officers_only
def application_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole application with its Security Profile and evidence, and the review's
    decisions: request information, mark eligible, mark ineligible."""
    application = _get_or_404(
        trader_selectors.application_list_for(user=request.user).select_related(
            "assigned_officer", "profile__catalogue"
        ),
        pk=pk,
    )
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in REVIEW_FORMS:
            raise Http404
        form = REVIEW_FORMS[action](request.POST, prefix=action)
        if form.is_valid():
            result, status = _run(
                form,
                lambda: _review_service(action, application, request.user, form.cleaned_data),
            )
            if result is not None:
                messages.success(request, str(REVIEW_DONE[action]))
                return redirect("backoffice:application", pk=application.pk)
        else:
            status = INVALID
        bound[action] = form
    review_forms = {
        name: bound.get(name) or form_class(prefix=name)
        for name, form_class in REVIEW_FORMS.items()
    }
    overview = trader_selectors.profile_overview(profile=application.profile)
    evidence_ids = {
        e.pk
        for row in overview["requirements"]
        if row["answer"]
        for e in row["answer"].evidence.all()
    }
    return render(
        request,
        "backoffice/workbench/application.html",
        {
            "application": application,
            "company": application.company,
            "sites": list(application.sites.all()),
            "business_types": list(application.company.business_types.all()),
            "overview": overview,
            "evidence_count": len(evidence_ids),
            "information_requests": list(
                application.information_requests.prefetch_related("files")
            ),
            "validations": list(
                application.site_validations.select_related("lead_officer").order_by(
                    "-scheduled_for"
                )
            ),
            "history": list(audit_history(obj=application)),
            "forms": review_forms,
            "State": Application.State,
            "is_manager": request.user.role == Role.MANAGER,
            "assign_form": f.AssignOfficerForm(
                officers=_officer_choices(),
                initial={"officer": application.assigned_officer_id},
            ),
            "assignable": application.state in validation_selectors.APPLICATION_QUEUE_STATES,
        },
        status=status,
    )


def _file_response(stored: Any) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@officers_only
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A trader's evidence file, for staff only (404 for anyone else)."""
    return _file_response(_get_or_404(trader_selectors.evidence_list_for(user=request.user), pk=pk))


@officers_only
def information_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file a trader attached to an answer to an information request, for staff only."""
    return _file_response(
        _get_or_404(trader_selectors.information_file_list_for(user=request.user), pk=pk)
    )


@officers_only
def finding_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _file_response(
        _get_or_404(validation_selectors.finding_evidence_list_for(user=request.user), pk=pk)
    )


# --- Site validation --------------------------------------------------------------------


def _staff_officers(*, exclude: Any) -> Any:
    return (
        User.objects.filter(role__in=OFFICERS, is_active=True)
        .exclude(pk=exclude.pk)
        .order_by("full_name", "email")
    )


@officers_only
def validation_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Schedule the initial site validation of an eligible application."""
    application = _get_or_404(trader_selectors.application_list_for(user=request.user), pk=pk)
    options = {
        "sites": application.company.sites.filter(is_active=True).order_by("name"),
        "officers": _staff_officers(exclude=request.user),
    }
    status = 200
    if request.method == "POST":
        form = f.ScheduleValidationForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            validation, status = _run(
                form,
                lambda: validation_services.site_validation_schedule(
                    company=application.company,
                    actor=request.user,
                    kind=SiteValidation.Kind.INITIAL,
                    application=application,
                    scheduled_for=data["scheduled_for"],
                    sites=list(data["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                ),
            )
            if validation is not None:
                messages.success(
                    request,
                    _("The site validation is scheduled for %(date)s.")
                    % {"date": validation.scheduled_for.isoformat()},
                )
                return redirect("backoffice:validation", pk=validation.pk)
        else:
            status = INVALID
    else:
        form = f.ScheduleValidationForm(initial={"sites": list(application.sites.all())}, **options)
    return render(
        request,
        "backoffice/workbench/schedule.html",
        {"application": application, "form": form, "eligible": application.state == "eligible"},
        status=status,
    )


def _validation_page(
    request: HttpRequest,
    validation: SiteValidation,
    *,
    finding_form: tuple[int, forms.Form] | None = None,
    action_forms: dict[str, forms.Form] | None = None,
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


def _validation(request: HttpRequest, pk: int) -> SiteValidation:
    return _get_or_404(validation_selectors.site_validation_for_page, user=request.user, pk=pk)


@officers_only
def validation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The validation's page: start it; record a finding per requirement as the visit goes
    (one form each, saved on its own); complete it with an outcome; the report."""
    validation = _validation(request, pk)
    if request.method != "POST":
        return _validation_page(request, validation)
    action = request.POST.get("action", "")
    user = request.user
    if action == "start":
        form: forms.Form = forms.Form(request.POST, prefix="start")
        form.is_valid()
        result, status = _run(
            form,
            lambda: validation_services.site_validation_start(validation=validation, actor=user),
        )
        if result is not None:
            messages.success(request, _("The validation has started: record the findings."))
            return redirect("backoffice:validation", pk=validation.pk)
        return _validation_page(request, validation, action_forms={"start": form}, status=status)
    if action == "cancel":
        form = f.CancelValidationForm(request.POST, prefix="cancel")
        status = INVALID
        if form.is_valid():
            result, status = _run(
                form,
                lambda: validation_services.site_validation_cancel(
                    validation=validation, actor=user, reason=form.cleaned_data["reason"]
                ),
            )
            if result is not None:
                messages.success(request, _("The site validation is cancelled."))
                return redirect("backoffice:validation", pk=validation.pk)
        return _validation_page(request, validation, action_forms={"cancel": form}, status=status)
    if action == "complete":
        form = f.CompleteValidationForm(request.POST, prefix="complete")
        status, missing = INVALID, None
        if form.is_valid():
            try:
                validation_services.site_validation_complete(
                    validation=validation,
                    actor=user,
                    outcome=form.cleaned_data["outcome"],
                    recommendations=form.cleaned_data["recommendations"],
                )
            except (ValidationError, DomainError) as error:
                f.form_error_apply(form, error)
                status = _status_for(error)
                missing = error.missing if isinstance(error, Incomplete) else None
            else:
                messages.success(request, _("The site validation is completed."))
                return redirect("backoffice:validation", pk=validation.pk)
        return _validation_page(
            request,
            validation,
            action_forms={"complete": form},
            missing=missing,
            status=status,
        )
    raise Http404


@officers_only
@require_POST
def finding_save(request: AuthenticatedHttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    """Record (or correct) the finding on one requirement, with an optional photo or file:
    a plain POST per requirement, so that each is saved as the officer goes."""
    validation = _validation(request, pk)
    requirement = _get_or_404(
        Requirement.objects.select_related("area"),
        pk=requirement_pk,
        area__catalogue_id=validation.catalogue_id,
    )
    form = f.FindingForm(request.POST, request.FILES, prefix=f"req{requirement.pk}")
    status = INVALID
    if form.is_valid():
        data = form.cleaned_data
        finding, status = _run(
            form,
            lambda: validation_services.finding_record(
                validation=validation,
                requirement=requirement,
                result=data["result"],
                note=data["note"],
                actor=request.user,
            ),
        )
        if finding is not None and data.get("file"):
            _evidence, status = _run(
                form,
                lambda: validation_services.finding_evidence_attach(
                    finding=finding, upload=data["file"], actor=request.user
                ),
            )
            if _evidence is None:
                form.add_error(
                    None,
                    _("The finding on %(code)s is saved, but not the file.")
                    % {"code": requirement.code},
                )
        if finding is not None and not form.errors:
            messages.success(
                request,
                _("Finding on %(code)s saved: %(result)s.")
                % {"code": requirement.code, "result": finding.get_result_display()},
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
    validation = _validation(request, pk)
    render_report = _report_renderer()
    if render_report is None:
        raise Http404
    try:
        content = render_report(validation=validation)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("backoffice:validation", pk=validation.pk)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"site-validation-report-{validation.pk}-{validation.scheduled_for.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Action plans -----------------------------------------------------------------------

SHORTFALLS = (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET)
BLANK_ITEM_ROWS = 2


def _plan_requirements(validation: SiteValidation | None) -> Any:
    """The requirements an action item may refer to: the validation's catalogue, else the
    one in force (none if there is none)."""
    if validation is not None:
        catalogue_id = validation.catalogue_id
    else:
        try:
            catalogue_id = trader_selectors.catalogue_current().pk
        except DomainError:
            return Requirement.objects.none()
    return Requirement.objects.filter(area__catalogue_id=catalogue_id).order_by(
        "area__order", "order"
    )


def _action_plan_issue_page(
    request: AuthenticatedHttpRequest,
    *,
    validation: SiteValidation | None = None,
    incident: Incident | None = None,
) -> HttpResponse:
    """Issue an action plan from a completed validation (any kind: initial, spot check,
    post-incident, revalidation) or from an incident: one row per corrective measure
    (from a validation, pre-filled with each requirement found short), blank rows ignored."""
    source: Any = validation if validation is not None else incident
    requirements = _plan_requirements(validation)
    errors = forms.Form(data={})  # holds the service's refusals, shown at the top
    errors.is_valid()
    status = 200
    if request.method == "POST":
        formset = f.ActionPlanItemFormSet(
            request.POST, prefix="items", form_kwargs={"requirements": requirements}
        )
        if formset.is_valid():
            plan, status = _run(
                errors,
                lambda: validation_services.action_plan_issue(
                    company=source.company,
                    actor=request.user,
                    items=formset.items(),
                    source_validation=validation,
                    source_incident=incident,
                ),
            )
            if plan is not None:
                messages.success(
                    request,
                    _("Action plan issued: due by %(date)s.") % {"date": plan.deadline.isoformat()},
                )
                return redirect("backoffice:action_plan", pk=plan.pk)
        else:
            status = INVALID
    else:
        initial: list[dict[str, Any]] = []
        if validation is not None:
            shortfalls = (
                validation.findings.filter(result__in=SHORTFALLS)
                .select_related("requirement")
                .order_by("requirement__area__order", "requirement__order")
            )
            initial = [
                {"requirement": finding.requirement_id, "measure": ""} for finding in shortfalls
            ]
        initial += [{} for _row in range(BLANK_ITEM_ROWS)]
        formset = f.ActionPlanItemFormSet(
            prefix="items", initial=initial, form_kwargs={"requirements": requirements}
        )
    return render(
        request,
        "backoffice/workbench/action_plan_issue.html",
        {
            "validation": validation,
            "incident": incident,
            "formset": formset,
            "errors_form": errors,
            "completed": validation is None or validation.state == SiteValidation.State.COMPLETED,
        },
        status=status,
    )


@officers_only
def action_plan_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue an action plan from a completed site validation (a spot check included)."""
    return _action_plan_issue_page(request, validation=_validation(request, pk))


@officers_only
def incident_action_plan_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue an action plan from an incident (after its analysis, or at any time)."""
    incident = _get_or_404(validation_selectors.incident_list_for(user=request.user), pk=pk)
    return _action_plan_issue_page(request, incident=incident)


PLAN_FORMS: dict[str, type[forms.Form]] = {
    "accept": f.ReviewNoteForm,
    "return": f.ReturnPlanForm,
    "extend": f.ExtendPlanForm,
    "escalate": f.ReviewNoteForm,
}
PLAN_DONE = {
    "accept": gettext_lazy("The response is accepted; the action plan is closed."),
    "return": gettext_lazy("The action plan is returned to the member with your note."),
    "extend": gettext_lazy("The deadline is extended."),
    "escalate": gettext_lazy("The action plan is escalated to a manager."),
}


def _plan_service(action: str, plan: ActionPlan, actor: Any, data: dict) -> Any:
    if action == "accept":
        return validation_services.action_plan_accept(plan=plan, actor=actor, note=data["note"])
    if action == "return":
        return validation_services.action_plan_return(plan=plan, actor=actor, note=data["note"])
    if action == "extend":
        return validation_services.action_plan_extend(
            plan=plan, actor=actor, deadline=data["deadline"], reason=data["reason"]
        )
    return validation_services.action_plan_escalate(plan=plan, actor=actor, note=data["note"])


ITEM_FORMS: dict[str, Callable[..., forms.Form]] = {  # each takes the measure's number=
    "accept_item": f.ItemAcceptForm,
    "return_item": f.ItemReturnForm,
    "extend_item": f.ItemExtendForm,
}
ITEM_DONE = {
    "accept_item": gettext_lazy("Measure %(number)s: the answer is accepted."),
    "return_item": gettext_lazy("Measure %(number)s: returned to the member with your note."),
    "extend_item": gettext_lazy("Measure %(number)s: the deadline is extended."),
}
PLAN_AFTER_REVIEW = {
    ActionPlan.State.ACCEPTED: gettext_lazy(
        "Every measure is accepted: the action plan is closed."
    ),
    ActionPlan.State.RETURNED: gettext_lazy(
        "Every answer is reviewed: the action plan is returned to the member."
    ),
}


def _item_service(action: str, item: ActionPlanItem, actor: Any, data: dict) -> Any:
    if action == "accept_item":
        return validation_services.action_plan_item_accept(
            item=item, actor=actor, note=data["note"]
        )
    if action == "return_item":
        return validation_services.action_plan_item_return(
            item=item, actor=actor, note=data["note"]
        )
    return validation_services.action_plan_item_extend(
        item=item, actor=actor, deadline=data["deadline"], reason=data["reason"]
    )


def _plan_item_post(
    request: HttpRequest, plan: ActionPlan, items: list[ActionPlanItem], action: str
) -> tuple[HttpResponse | None, tuple[str, int, forms.Form], int]:
    """One measure's review or extension: a redirect when done, else the bound form and the
    status to answer with."""
    item = next((i for i in items if str(i.pk) == request.POST.get("item", "")), None)
    if item is None:
        raise Http404
    number = items.index(item) + 1
    form = ITEM_FORMS[action](request.POST, prefix=f"{action}-{item.pk}", number=number)
    status = INVALID
    if form.is_valid():
        result, status = _run(
            form, lambda: _item_service(action, item, request.user, form.cleaned_data)
        )
        if result is not None:
            messages.success(request, str(ITEM_DONE[action]) % {"number": number})
            if result.plan.state in PLAN_AFTER_REVIEW and result.plan.state != plan.state:
                messages.info(request, str(PLAN_AFTER_REVIEW[result.plan.state]))
            url = reverse("backoffice:action_plan", kwargs={"pk": plan.pk})
            return redirect(f"{url}#item-{item.pk}"), (action, item.pk, form), status
    return None, (action, item.pk, form), status


@officers_only
def action_plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An action plan, item by item, with the member's answers and files: accept each answer
    or return it with a note, extend a measure's deadline (reason recorded); for the whole
    plan, accept or return at once, extend, escalate to a manager when overdue."""
    plan = _get_or_404(validation_selectors.action_plan_for_page, user=request.user, pk=pk)
    items = list(plan.items.all())
    bound: dict[str, forms.Form] = {}
    bound_item: tuple[str, int, forms.Form] | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ITEM_FORMS:
            done, bound_item, status = _plan_item_post(request, plan, items, action)
            if done is not None:
                return done
        elif action in PLAN_FORMS:
            form = PLAN_FORMS[action](request.POST, prefix=action)
            if form.is_valid():
                result, status = _run(
                    form, lambda: _plan_service(action, plan, request.user, form.cleaned_data)
                )
                if result is not None:
                    messages.success(request, str(PLAN_DONE[action]))
                    return redirect("backoffice:action_plan", pk=plan.pk)
            else:
                status = INVALID
            bound[action] = form
        else:
            raise Http404
    S = ActionPlan.State
    open_plan = plan.state in ActionPlan.OPEN_STATES
    rows = []
    unshown = bound_item[2] if bound_item is not None else None  # a refusal shown at the top
    for number, item in enumerate(items, start=1):
        item_forms: dict[str, forms.Form] = {}
        reviewable = plan.state == S.RESPONDED and item.review == item.Review.PENDING
        extendable = open_plan and item.review != item.Review.ACCEPTED
        for action, form_class in ITEM_FORMS.items():
            if (action == "extend_item" and not extendable) or (
                action != "extend_item" and not reviewable
            ):
                continue
            if bound_item is not None and bound_item[:2] == (action, item.pk):
                item_forms[action] = bound_item[2]
                unshown = None
            else:
                item_forms[action] = form_class(prefix=f"{action}-{item.pk}", number=number)
        rows.append({"number": number, "item": item, "forms": item_forms})
    return render(
        request,
        "backoffice/workbench/action_plan.html",
        {
            "plan": plan,
            "rows": rows,
            "item_refusal": unshown,
            "forms": {
                name: bound.get(name) or form_class(prefix=name)
                for name, form_class in PLAN_FORMS.items()
            },
            "can_review": plan.state == S.RESPONDED,
            "can_extend": open_plan,
            "can_escalate": plan.state == S.OVERDUE,
            "history": list(audit_history(obj=plan)),
        },
        status=status,
    )


@officers_only
def action_plan_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file the member attached to an answer on a measure, for staff only."""
    return _file_response(
        _get_or_404(
            validation_selectors.action_plan_item_evidence_list_for(user=request.user), pk=pk
        )
    )


@officers_only
def action_plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    plans = validation_selectors.action_plan_work_list(user=request.user)
    if state in ActionPlan.State.values:
        plans = plans.filter(state=state)
    else:
        state = ""
    page = Paginator(plans, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/workbench/action_plans.html",
        {
            "page": page,
            "state": state,
            "states": [c for c in ActionPlan.State.choices if c[0] != ActionPlan.State.ACCEPTED],
        },
    )


# --- Change notices ---------------------------------------------------------------------


def _memberships_of(company_id: int) -> Any:
    return Membership.objects.filter(company_id=company_id, state=Membership.State.ACTIVE).order_by(
        "member_number"
    )


@officers_only
def change_notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = (
        trader_selectors.change_notice_list_for(user=request.user)
        .select_related("company", "membership")
        .order_by("state", "-created_at")
    )
    if request.GET.get("state") in ChangeNotice.State.values:
        notices = notices.filter(state=request.GET["state"])
    page = Paginator(notices, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/workbench/change_notices.html", {"page": page})


@officers_only
def change_notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member's change notice: acknowledge it, or follow it up with a spot check or an
    early revalidation."""
    notice = _get_or_404(
        trader_selectors.change_notice_list_for(user=request.user).select_related(
            "company", "membership"
        ),
        pk=pk,
    )
    memberships = _memberships_of(notice.company_id)
    initial = {"membership": notice.membership_id}
    built = {
        "acknowledge": lambda data=None: f.NoticeAcknowledgeForm(data, prefix="acknowledge"),
        "spot_check": lambda data=None: f.NoticeSpotCheckForm(
            data, prefix="spot_check", memberships=memberships, initial=initial
        ),
        "revalidation": lambda data=None: f.NoticeRevalidationForm(
            data, prefix="revalidation", memberships=memberships, initial=initial
        ),
    }
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in built:
            raise Http404
        form = built[action](request.POST)
        if form.is_valid():
            data, user = form.cleaned_data, request.user
            if action == "acknowledge":
                call: Callable[[], Any] = lambda: trader_services.change_notice_acknowledge(  # noqa: E731
                    notice=notice, actor=user, note=data["note"]
                )
            elif action == "spot_check":
                call = lambda: validation_services.site_validation_schedule(  # noqa: E731
                    company=notice.company,
                    actor=user,
                    kind=SiteValidation.Kind.SPOT_CHECK,
                    scheduled_for=data["scheduled_for"],
                    membership=data["membership"],
                    sites=list(notice.company.sites.filter(is_active=True)),
                    change_notice=notice,
                )
            else:
                call = lambda: revalidation_open(  # noqa: E731
                    membership=data["membership"], actor=user, change_notice=notice
                )
            result, status = _run(form, call)
            if result is not None:
                done = {
                    "acknowledge": _("The change notice is acknowledged."),
                    "spot_check": _("A spot check is scheduled to follow up the notice."),
                    "revalidation": _("An early revalidation is opened for the membership."),
                }[action]
                messages.success(request, done)
                if isinstance(result, SiteValidation):
                    return redirect("backoffice:validation", pk=result.pk)
                return redirect("backoffice:change_notice", pk=notice.pk)
        else:
            status = INVALID
        bound[action] = form
    return render(
        request,
        "backoffice/workbench/change_notice.html",
        {
            "notice": notice,
            "forms": {name: bound.get(name) or make() for name, make in built.items()},
            "open": notice.state == ChangeNotice.State.SUBMITTED,
            "has_membership": memberships.exists(),
            "history": list(audit_history(obj=notice)),
        },
        status=status,
    )


# --- Post-incident analysis -------------------------------------------------------------


@officers_only
def incident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    incidents = validation_selectors.incident_list_for(user=request.user).order_by(
        "state", "-occurred_on", "-pk"
    )
    page = Paginator(incidents, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/workbench/incidents.html", {"page": page})


@officers_only
def incident_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take up the post-incident analysis, then conclude it (cause, mitigating
    circumstances, prevention strategy, optional corrective measures issued as an action
    plan in the same transaction). Another action plan may be issued from the incident."""
    incident = _get_or_404(
        validation_selectors.incident_list_for(user=request.user).select_related(
            "analyst", "membership"
        ),
        pk=pk,
    )
    requirements = _plan_requirements(None)
    form = f.IncidentConcludeForm(prefix="conclude")
    items = f.ActionPlanItemFormSet(
        prefix="items",
        initial=[{} for _row in range(BLANK_ITEM_ROWS)],
        form_kwargs={"requirements": requirements},
    )
    start_form = forms.Form(prefix="start")
    status = 200
    if request.method == "POST":
        action, user = request.POST.get("action", ""), request.user
        if action == "start":
            start_form = forms.Form(request.POST, prefix="start")
            start_form.is_valid()
            result, status = _run(
                start_form,
                lambda: validation_services.incident_start_analysis(incident=incident, actor=user),
            )
            if result is not None:
                messages.success(request, _("You took up the analysis of this incident."))
                return redirect("backoffice:incident", pk=incident.pk)
        elif action == "conclude":
            form = f.IncidentConcludeForm(request.POST, prefix="conclude")
            if "items-TOTAL_FORMS" in request.POST:
                items = f.ActionPlanItemFormSet(
                    request.POST, prefix="items", form_kwargs={"requirements": requirements}
                )
            status = INVALID
            # Without the items' rows (a plain form post), no action plan is issued.
            items_valid = items.is_valid() if items.is_bound else True
            if form.is_valid() and items_valid:
                result, status = _run(
                    form,
                    lambda: validation_services.incident_conclude(
                        incident=incident,
                        actor=user,
                        action_items=items.items() if items.is_bound else [],
                        **form.cleaned_data,
                    ),
                )
                if result is not None:
                    plan = result.action_plans.order_by("-pk").first()
                    if plan is not None:
                        messages.success(
                            request,
                            _(
                                "The post-incident analysis is concluded; an action plan is "
                                "issued, due by %(date)s."
                            )
                            % {"date": plan.deadline.isoformat()},
                        )
                    else:
                        messages.success(request, _("The post-incident analysis is concluded."))
                    return redirect("backoffice:incident", pk=incident.pk)
        else:
            raise Http404
    return render(
        request,
        "backoffice/workbench/incident.html",
        {
            "incident": incident,
            "form": form,
            "items": items,
            "action_plans": list(incident.action_plans.order_by("issued_on", "pk")),
            "start_form": start_form,
            "State": Incident.State,
            "history": list(audit_history(obj=incident)),
        },
        status=status,
    )


# --- Revalidation -----------------------------------------------------------------------

REVALIDATION_DONE = {
    "schedule": gettext_lazy("The revalidation's site validation is scheduled."),
    "complete": gettext_lazy("The revalidation is completed: the membership is renewed."),
}


def _revalidation_schedule_form(data: Any = None, **options: Any) -> f.ScheduleValidationForm:
    """The visit's form, whose hint speaks of the member's sites (there is no application)."""
    form = f.ScheduleValidationForm(data, prefix="schedule", **options)
    form.fields["sites"].help_text = _(
        "Leave all unticked to visit every active site of the company."
    )
    return form


@officers_only
def revalidation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A revalidation cycle: its state and due date, the updated Security Profile (read
    only), its site validation (schedule it, open it), and completing the revalidation once
    the validation passed."""
    cycle = _get_or_404(
        revalidation_list_for(user=request.user).select_related(
            "profile__catalogue", "membership__assigned_officer", "site_validation"
        ),
        pk=pk,
    )
    options = {
        "sites": cycle.company.sites.filter(is_active=True).order_by("name"),
        "officers": _staff_officers(exclude=request.user),
    }
    built = {
        "schedule": lambda data=None: _revalidation_schedule_form(data, **options),
        "complete": lambda data=None: f.RevalidationCompleteForm(data, prefix="complete"),
    }
    bound: dict[str, forms.Form] = {}
    status = 200
    if request.method == "POST":
        action, user = request.POST.get("action", ""), request.user
        if action not in built:
            raise Http404
        form = built[action](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if action == "schedule":
                call: Callable[[], Any] = lambda: revalidation_schedule_validation(  # noqa: E731
                    cycle=cycle,
                    actor=user,
                    scheduled_for=data["scheduled_for"],
                    # None ticked: every active site, as the form's hint says.
                    sites=list(data["sites"]) or list(options["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                )
            else:
                call = lambda: revalidation_complete(  # noqa: E731
                    cycle=cycle, actor=user, note=data["note"]
                )
            result, status = _run(form, call)
            if result is not None:
                messages.success(request, str(REVALIDATION_DONE[action]))
                if action == "schedule" and result.site_validation_id:
                    return redirect("backoffice:validation", pk=result.site_validation_id)
                return redirect("backoffice:revalidation", pk=cycle.pk)
        else:
            status = INVALID
        bound[action] = form
    S = RevalidationCycle.State
    validation = cycle.site_validation
    overview = trader_selectors.profile_overview(profile=cycle.profile)
    return render(
        request,
        "backoffice/workbench/revalidation.html",
        {
            "cycle": cycle,
            "company": cycle.company,
            "validation": validation,
            "overview": overview,
            "evidence_count": len(
                {
                    e.pk
                    for row in overview["requirements"]
                    if row["answer"]
                    for e in row["answer"].evidence.all()
                }
            ),
            "forms": {name: bound.get(name) or make() for name, make in built.items()},
            "can_schedule": cycle.state == S.PROFILE_SUBMITTED
            or (cycle.state == S.VALIDATION_SCHEDULED and cycle.validation_replaceable()),
            "can_complete": cycle.state == S.VALIDATION_SCHEDULED
            and validation is not None
            and validation.state == SiteValidation.State.COMPLETED,
            "State": S,
            "history": list(audit_history(obj=cycle)),
        },
        status=status,
    )


# --- A member's file --------------------------------------------------------------------


CURRENT_MEMBERSHIPS = validation_services.CURRENT_MEMBERSHIP_STATES


@officers_only
def company_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything on one company, in time order: every audited change to its applications,
    memberships, validations, findings, action plans, notices and incidents; a completed
    validation's entry lists its findings (the result per requirement). Managers assign
    each membership's officer here; officers schedule a spot check."""
    company = _get_or_404(trader_selectors.company_list_for(user=request.user), pk=pk)
    events = (
        AuditEvent.objects.filter(company_id=company.pk)
        .select_related("actor", "content_type")
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    validations = list(company.site_validations.order_by("-scheduled_for", "-pk"))
    findings = validation_selectors.findings_by_validation(
        validation_ids=[v.pk for v in validations if v.state == SiteValidation.State.COMPLETED]
    )
    validation_type = ContentType.objects.get_for_model(SiteValidation)
    for event in page.object_list:
        event.findings = (  # type: ignore[attr-defined]  # shown beside the event
            findings.get(int(event.object_id), [])
            if event.content_type_id == validation_type.pk
            and event.to_state == SiteValidation.State.COMPLETED
            else []
        )
    for validation in validations:
        validation.finding_list = findings.get(validation.pk, [])
    memberships = list(company.memberships.select_related("assigned_officer").order_by("programme"))
    is_manager = request.user.role == Role.MANAGER
    if is_manager:
        officers = _officer_choices()
        for membership in memberships:
            membership.assign_form = f.AssignOfficerForm(
                officers=officers,
                prefix=f"m{membership.pk}",
                initial={"officer": membership.assigned_officer_id},
            )
    return render(
        request,
        "backoffice/workbench/company.html",
        {
            "company": company,
            "page": page,
            "applications": list(company.applications.order_by("-created_at")),
            "memberships": memberships,
            "is_manager": is_manager,
            "can_spot_check": any(m.state in CURRENT_MEMBERSHIPS for m in memberships),
            "revalidations": list(company.revalidation_cycles.order_by("-opened_on", "-pk")),
            "validations": validations,
            "action_plans": list(company.action_plans.order_by("-issued_on")),
            "notices": list(company.change_notices.order_by("-created_at")),
            "incidents": list(company.incidents.order_by("-occurred_on")),
        },
    )


@officers_only
def company_spot_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Schedule a spot check (or a post-incident visit) of a member, without a change
    notice: the membership, the date, the sites and the officers."""
    company = _get_or_404(trader_selectors.company_list_for(user=request.user), pk=pk)
    memberships = company.memberships.filter(state__in=list(CURRENT_MEMBERSHIPS)).order_by(
        "member_number"
    )
    options = {
        "memberships": memberships,
        "sites": company.sites.filter(is_active=True).order_by("name"),
        "officers": _staff_officers(exclude=request.user),
    }
    status = 200
    if request.method == "POST":
        form = f.SpotCheckForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            validation, status = _run(
                form,
                lambda: validation_services.site_validation_schedule(
                    company=company,
                    actor=request.user,
                    kind=data["kind"],
                    membership=data["membership"],
                    scheduled_for=data["scheduled_for"],
                    sites=list(data["sites"]) or list(options["sites"]),
                    officers=list(data["officers"]),
                    joint_with_cbp=data["joint_with_cbp"],
                ),
            )
            if validation is not None:
                messages.success(
                    request,
                    _("The %(kind)s is scheduled for %(date)s.")
                    % {
                        "kind": validation.get_kind_display().lower(),
                        "date": validation.scheduled_for.isoformat(),
                    },
                )
                return redirect("backoffice:validation", pk=validation.pk)
        else:
            status = INVALID
    else:
        first = memberships.first()
        form = f.SpotCheckForm(initial={"membership": first.pk if first else None}, **options)
    return render(
        request,
        "backoffice/workbench/spot_check.html",
        {"company": company, "form": form, "has_membership": memberships.exists()},
        status=status,
    )
