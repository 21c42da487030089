"""Action plans: issue one (from a completed site validation or an incident), review the
member's answers measure by measure or the whole plan, extend, escalate; the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice import forms as f
from core.access import AuthenticatedHttpRequest
from core.audit import audit_history
from core.errors import DomainError
from core.pages import INVALID, run_service
from traders import selectors as trader_selectors
from traders.models import Requirement
from validations import selectors as validation_selectors
from validations import services as validation_services
from validations.models import ActionPlan, ActionPlanItem, Finding, Incident, SiteValidation

from .base import LIST_PAGE_SIZE, get_or_404, officers_only, site_validation_or_404

SHORTFALLS = (Finding.Result.PARTIALLY_MEETS, Finding.Result.DOES_NOT_MEET)
BLANK_ITEM_ROWS = 2


def plan_requirements(validation: SiteValidation | None) -> Any:
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
    requirements = plan_requirements(validation)
    errors = forms.Form(data={})  # holds the service's refusals, shown at the top
    errors.is_valid()
    status = 200
    if request.method == "POST":
        formset = f.ActionPlanItemFormSet(
            request.POST, prefix="items", form_kwargs={"requirements": requirements}
        )
        if formset.is_valid():
            outcome = run_service(
                lambda: validation_services.action_plan_issue(
                    company=source.company,
                    actor=request.user,
                    items=formset.items(),
                    source_validation=validation,
                    source_incident=incident,
                ),
                form=errors,
            )
            if outcome.ok:
                plan = outcome.result
                messages.success(
                    request,
                    _("Action plan issued: due by %(date)s.") % {"date": plan.deadline.isoformat()},
                )
                return redirect("backoffice:action_plan", pk=plan.pk)
            status = outcome.status
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
    return _action_plan_issue_page(request, validation=site_validation_or_404(request, pk))


@officers_only
def incident_action_plan_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue an action plan from an incident (after its analysis, or at any time)."""
    incident = get_or_404(validation_selectors.incident_list_for(user=request.user), pk=pk)
    return _action_plan_issue_page(request, incident=incident)


# --- Reviewing a plan -------------------------------------------------------------------

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
        outcome = run_service(
            lambda: _item_service(action, item, request.user, form.cleaned_data), form=form
        )
        status = outcome.status
        if outcome.ok:
            reviewed = outcome.result
            messages.success(request, str(ITEM_DONE[action]) % {"number": number})
            if reviewed.plan.state in PLAN_AFTER_REVIEW and reviewed.plan.state != plan.state:
                messages.info(request, str(PLAN_AFTER_REVIEW[reviewed.plan.state]))
            url = reverse("backoffice:action_plan", kwargs={"pk": plan.pk})
            return redirect(f"{url}#item-{item.pk}"), (action, item.pk, form), status
    return None, (action, item.pk, form), status


@officers_only
def action_plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An action plan, item by item, with the member's answers and files: accept each answer
    or return it with a note, extend a measure's deadline (reason recorded); for the whole
    plan, accept or return at once, extend, escalate to a manager when overdue."""
    plan = get_or_404(validation_selectors.action_plan_for_page, user=request.user, pk=pk)
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
                outcome = run_service(
                    lambda: _plan_service(action, plan, request.user, form.cleaned_data),
                    form=form,
                )
                if outcome.ok:
                    messages.success(request, str(PLAN_DONE[action]))
                    return redirect("backoffice:action_plan", pk=plan.pk)
                status = outcome.status
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
