"""An action plan: the member answers each corrective measure, with its files."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import AuthenticatedHttpRequest, trader_required
from core.errors import DomainError
from core.pages import run_service
from portal import forms
from validations.models import ActionPlan
from validations.selectors import action_plan_for_page
from validations.services import action_plan_item_respond

from .base import act_for


@trader_required
def action_plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan's measures, each with its deadline, where it stands and the officer's note;
    while the plan waits for the member, a form per measure not yet accepted (the answer and
    its files). The plan moves to the officer once every measure owed is answered."""
    try:
        plan = action_plan_for_page(user=request.user, pk=pk)
    except ActionPlan.DoesNotExist:
        raise Http404 from None
    act_for(request, plan.company)
    # In the order issued, as the officer's page lists them: "Measure 2" stays measure 2
    # when a deadline is extended, and is the officer's measure 2 too.
    items = list(plan.items.all())
    open_plan = plan.state in ActionPlan.OPEN_STATES
    bound: tuple[int, forms.ActionPlanItemAnswerForm] | None = None
    if request.method == "POST":
        posted = next((i for i in items if str(i.pk) == request.POST.get("item", "")), None)
        if posted is None:
            raise Http404
        number = items.index(posted) + 1
        form = forms.ActionPlanItemAnswerForm(
            request.POST, request.FILES, prefix=f"item{posted.pk}", number=number
        )
        if form.is_valid():
            outcome = run_service(
                lambda: action_plan_item_respond(
                    item=posted,
                    actor=request.user,
                    response=form.cleaned_data["response"],
                    files=form.cleaned_data["files"],
                ),
                form=form,
                request=request,
            )
            if outcome.ok:
                if outcome.result.plan.state == ActionPlan.State.RESPONDED:
                    messages.success(
                        request,
                        _("Every measure is answered: the officer now reviews your answers."),
                    )
                else:
                    messages.success(
                        request,
                        _("Your answer on measure %(number)s is saved.") % {"number": number},
                    )
                url = reverse("portal:action_plan", kwargs={"pk": plan.pk})
                return redirect(f"{url}#item-{posted.pk}")
            if isinstance(
                outcome.error, DomainError
            ):  # a rule, not the input: the message says why
                return redirect("portal:action_plan", pk=plan.pk)
        bound = (posted.pk, form)
    rows = []
    for number, item in enumerate(items, start=1):
        row_form: forms.ActionPlanItemAnswerForm | None = None
        if bound and bound[0] == item.pk:
            row_form = bound[1]  # what was just sent, with its errors beside the fields
        elif open_plan and item.review != item.Review.ACCEPTED:
            row_form = forms.ActionPlanItemAnswerForm(
                prefix=f"item{item.pk}", number=number, initial={"response": item.response}
            )
        rows.append({"number": number, "item": item, "form": row_form})
    return render(
        request,
        "portal/action_plan.html",
        {
            "plan": plan,
            "rows": rows,
            "open_plan": open_plan,
            "has_errors": bool(bound and bound[1].errors),
        },
    )
