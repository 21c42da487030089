"""The manager's record pages reached from the dashboard's lists, with the evidence behind a
decision, and the decisions taken there (certify, deny, suspend, cancel, appeal...).

Interfaces only: the decisions come from the lifecycle services of :mod:`traders.services`
and :mod:`validations.services` (each writes its audit event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from core.access import staff_required
from core.audit import audit_history
from core.errors import DomainError
from core.pages import form_refusal
from core.roles import MANAGERS
from traders import services
from traders.models import Membership
from traders.selectors import application_list_for, membership_list_for
from validations import services as validation_services
from validations.selectors import decision_evidence


@dataclass(frozen=True)
class Decision:
    kind: str  # application | membership
    action: str  # in the URL
    method: str  # the model's transition
    service: Callable[..., Any]
    argument: str  # the service's keyword for the reason
    required: bool
    label: Promise  # the button
    question: Promise  # the confirmation


DECISIONS = {
    (d.kind, d.action): d
    for d in (
        Decision(
            "application",
            "certify",
            "certify",
            validation_services.application_certify,
            "note",
            False,
            gettext_lazy("Certify"),
            gettext_lazy("Certify this application? A membership starts today for four years."),
        ),
        Decision(
            "application",
            "deny",
            "deny",
            services.application_deny,
            "reasons",
            True,
            gettext_lazy("Deny"),
            gettext_lazy("Deny this application? The applicant is told the reasons."),
        ),
        Decision(
            "membership",
            "suspend",
            "suspend",
            services.membership_suspend,
            "reason",
            True,
            gettext_lazy("Suspend"),
            gettext_lazy("Suspend this membership?"),
        ),
        Decision(
            "membership",
            "reinstate",
            "reinstate",
            services.membership_reinstate,
            "reason",
            True,
            gettext_lazy("Reinstate"),
            gettext_lazy("Reinstate this membership?"),
        ),
        Decision(
            "membership",
            "cancel",
            "cancel",
            services.membership_cancel,
            "reason",
            True,
            gettext_lazy("Cancel the membership"),
            gettext_lazy("Cancel this membership? The member may appeal within 30 days."),
        ),
        Decision(
            "membership",
            "allow-appeal",
            "allow_appeal",
            services.membership_allow_appeal,
            "reason",
            True,
            gettext_lazy("Allow the appeal"),
            gettext_lazy("Allow the appeal? The membership becomes active again."),
        ),
        Decision(
            "membership",
            "uphold",
            "uphold_cancellation",
            services.membership_uphold_cancellation,
            "reason",
            True,
            gettext_lazy("Uphold the cancellation"),
            gettext_lazy("Uphold the cancellation? The decision is final."),
        ),
    )
}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy("Recorded in the audit trail with your name and the time."),
    )

    def __init__(
        self,
        *args: Any,
        required: bool,
        confirming: bool = False,
        overridable: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        field.error_messages["required"] = _("Give the reason for this decision.")
        if not required:
            field.label = _("Note (optional)")
        if overridable:
            # The evidence speaks against the decision: the service refuses it without the
            # manager's written reason to decide all the same (the error comes beside it).
            self.fields["override_reason"] = forms.CharField(
                label=_("Your reason to certify against the evidence"),
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=4000,
                required=False,
                help_text=_(
                    "Only if you certify all the same: recorded in the audit trail with "
                    "what it stands against."
                ),
            )
        if confirming:
            for name in self.fields:
                self.fields[name].widget = forms.HiddenInput()


def _record(kind: str, pk: int, user: Any) -> Any:
    if kind == "application":
        return get_object_or_404(
            application_list_for(user=user).select_related(
                "assigned_officer", "profile__catalogue"
            ),
            pk=pk,
        )
    return get_object_or_404(
        membership_list_for(user=user).select_related(
            "assigned_officer", "application__profile__catalogue"
        ),
        pk=pk,
    )


def _evidence(kind: str, record: Any) -> dict[str, Any]:
    return decision_evidence(**{kind: record})


def _available(kind: str, record: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": d.label,
            "url": reverse(f"backoffice:dashboard_{kind}_decide", args=[record.pk, d.action]),
        }
        for (k, _a), d in DECISIONS.items()
        if k == kind and can_proceed(getattr(record, d.method))
    ]


def _detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(kind, pk, request.user)
    context: dict[str, Any] = {
        "kind": kind,
        "record": record,
        "decisions": _available(kind, record),
        "history": audit_history(obj=record),
        "evidence": _evidence(kind, record),
    }
    if kind == "membership":
        context["certificate_url"] = (
            reverse("backoffice:dashboard_membership_certificate", args=[record.pk])
            if record.state == Membership.State.ACTIVE
            else None
        )
        if record.application_id:
            context["application_url"] = reverse(
                "backoffice:dashboard_application", args=[record.application_id]
            )
    else:
        context["memberships"] = [
            (m, reverse("backoffice:dashboard_membership", args=[m.pk]))
            for m in record.memberships.order_by("programme")
        ]
    return render(request, "backoffice/dashboard/record.html", context)


@staff_required(roles=MANAGERS)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "application", pk)


@staff_required(roles=MANAGERS)
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "membership", pk)


def _decide(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    decision = DECISIONS.get((kind, action))
    if decision is None:
        raise Http404
    record = _record(kind, pk, request.user)
    detail_url = reverse(f"backoffice:dashboard_{kind}", args=[record.pk])
    evidence = _evidence(kind, record)
    # Certifying against the evidence needs the manager's reason (the service's rule).
    overridable = decision.action == "certify" and bool(evidence["contradictions"])
    options = {"required": decision.required, "overridable": overridable}
    confirming = False
    if request.method == "POST":
        step = request.POST.get("confirm", "")
        form = DecisionForm(request.POST, **options)
        if step == "edit":
            form = DecisionForm(
                initial={
                    "reason": request.POST.get("reason", ""),
                    "override_reason": request.POST.get("override_reason", ""),
                },
                **options,
            )
        elif form.is_valid():
            if step == "yes":
                extra = (
                    {"override_reason": form.cleaned_data.get("override_reason", "")}
                    if decision.action == "certify"
                    else {}
                )
                try:
                    decision.service(
                        **{kind: record, "actor": request.user},
                        **{decision.argument: form.cleaned_data["reason"]},
                        **extra,
                    )
                except ValidationError as error:
                    for message in _messages_of(error):
                        form.add_error("reason", message)
                except DomainError as error:
                    form_refusal(form, error)
                else:
                    messages.success(
                        request,
                        _("Decision recorded (%(decision)s); it is in the audit trail below.")
                        % {"decision": decision.label},
                    )
                    return redirect(detail_url)
            else:
                confirming = True
                form = DecisionForm(request.POST, confirming=True, **options)
                form.is_valid()
    else:
        form = DecisionForm(**options)
    return render(
        request,
        "backoffice/dashboard/decide.html",
        {
            "kind": kind,
            "record": record,
            "decision": decision,
            "form": form,
            "confirming": confirming,
            "detail_url": detail_url,
            "evidence": evidence,
        },
    )


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


@staff_required(roles=MANAGERS)
def application_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _decide(request, "application", pk, action)


@staff_required(roles=MANAGERS)
def membership_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _decide(request, "membership", pk, action)


@staff_required(roles=MANAGERS)
def membership_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The membership's current certificate (issued on the spot if it is missing)."""
    from traders.documents import certificate_current  # lazy: WeasyPrint loads only here

    record = _record("membership", pk, request.user)
    try:
        certificate = certificate_current(membership=record)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("backoffice:dashboard_membership", pk=record.pk)
    with certificate.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.filename}"'
    return response
