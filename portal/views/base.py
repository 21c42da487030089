"""What the trader's pages share: the company the trader acts for, links in e-mails, the
membership a report was started from, the incidents shown, and a status history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import audit_history
from core.models import Role
from notifications.selectors import letter_list_about
from traders.models import Application, Company, Membership
from traders.selectors import company_list_for
from validations.models import Incident, SiteValidation
from validations.selectors import (
    action_plan_list_for,
    finding_list_for,
    incident_list_for,
    site_validation_list_for,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


# The company a trader of several companies acts for (a CompanyUser row each): its id is
# kept in the session and checked against the user's companies on every request; without a
# valid choice, the first company they are a user of. Pages list and create things for that
# company only. A detail page of another of the user's companies (a link from a notification
# or an e-mail, another tab) is not refused: opening it switches to that company, with a
# message saying so, so that what follows stays scoped to it. Downloads switch nothing.
ACTING_COMPANY = "portal.acting_company_id"


def companies_and_acting(request: HttpRequest) -> tuple[list[Company], Company | None]:
    """The user's companies (by name) and the one they act for, in one query."""
    companies = list(company_list_for(user=request.user).order_by("legal_name", "pk"))
    if not companies:
        return companies, None
    chosen = request.session.get(ACTING_COMPANY)
    acting = next((c for c in companies if c.pk == chosen), None)
    if acting is None:
        if chosen is not None:
            request.session.pop(ACTING_COMPANY, None)  # no longer a user of that company
        acting = min(companies, key=lambda c: c.pk)
    return companies, acting


def acting_company(request: HttpRequest) -> Company | None:
    """The company the trader acts for."""
    return companies_and_acting(request)[1]


def act_for(request: HttpRequest, company: Company) -> None:
    """A detail page of one of the user's companies (reached through a scoped selector):
    from now on they act for that company."""
    if request.session.get(ACTING_COMPANY) == company.pk or acting_company(request) == company:
        return
    request.session[ACTING_COMPANY] = company.pk
    messages.info(request, _("You are now acting for %(company)s.") % {"company": company})


def company_or_redirect(request: HttpRequest) -> Company | HttpResponse:
    """The company the trader acts for, or a redirect to register one."""
    company = acting_company(request)
    if company is None:
        messages.info(request, _("Register your company first."))
        return redirect("portal:company_create")
    return company


def link_template(request: HttpRequest, view_name: str, **kwargs: str) -> str:
    """The absolute address of a page, for an e-mail in both languages: ``{lang}`` for the
    language prefix, and ``{name}`` for each keyword (reverse with the name in capitals)."""
    path = reverse(view_name, kwargs={name: name.upper() for name in kwargs} or None)
    lang_prefix = f"/{request.LANGUAGE_CODE}/"
    template = request.build_absolute_uri("/") + "{lang}/" + path.removeprefix(lang_prefix)
    for name in kwargs:
        template = template.replace(name.upper(), "{" + name + "}")
    return template


# --- A report started from a membership's page (a change notice, an incident) -----------


def membership_from(request: HttpRequest, memberships: Any) -> Membership | None:
    """The membership whose page the user came from (``?membership=<pk>``), when it is one
    of the acting company's; None otherwise."""
    pk = request.GET.get("membership", "")
    if not pk.isdigit():
        return None
    return memberships.filter(pk=int(pk)).first()


def back_from_report(came_from: Membership | None) -> HttpResponse:
    """Back to the membership page the report was started from, else to the home page."""
    if came_from is not None:
        return redirect("portal:membership", pk=came_from.pk)
    return redirect("portal:home")


# --- Incidents, on the home page and a membership's ------------------------------------

INCIDENTS_SHOWN = 10


def latest_incidents(request: HttpRequest, company: Company, *filters: models.Q) -> list[Incident]:
    """The company's latest incident reports, each with the action plans issued after it
    (two queries, however many)."""
    plans = action_plan_list_for(user=request.user).order_by("issued_on", "pk")
    return list(
        incident_list_for(user=request.user)
        .filter(*filters, company=company)
        .prefetch_related(models.Prefetch("action_plans", queryset=plans))
        .order_by("-created_at", "-pk")[:INCIDENTS_SHOWN]
    )


# --- Status history ---------------------------------------------------------------------


def timeline(obj: Any) -> list[dict[str, Any]]:
    """The status history from the audit trail, as the trader may read it."""
    return timeline_rows(audit_history(obj=obj), states=dict(type(obj).State.choices))


def timeline_rows(events_qs: Any, *, states: dict[str, _StrOrPromise]) -> list[dict[str, Any]]:
    action_labels = {
        "confirm_profile": _("Security profile confirmed as still accurate"),
    }
    events = []
    for event in events_qs:
        if event.actor_role == Role.TRADER:
            who = str(event.actor) if event.actor else ""
        elif event.actor_role == "system":
            who = _("Automatic")
        else:
            who = _("Trusted Trader programme")
        events.append(
            {
                "when": event.occurred_at,
                "action": event.action,
                "label": states.get(event.to_state)
                or action_labels.get(event.action)
                or event.action.replace("_", " "),
                "from": states.get(event.from_state, ""),
                "who": who,
                "note": event.note,
            }
        )
    return events


def agency_file(request: HttpRequest, *, obj: Application | Membership) -> dict[str, Any]:
    """What the agency did on an application or a membership, for its page: the visits
    (their dates; a spot check only once it has started), each completed one's findings and
    report, and the decisions' letters. Four queries, whatever their number."""
    field = "application" if isinstance(obj, Application) else "membership"
    visits = list(
        site_validation_list_for(user=request.user)
        .filter(**{field: obj})
        .exclude(state=SiteValidation.State.CANCELLED)
        .order_by("-scheduled_for", "-pk")
    )
    completed = [v.pk for v in visits if v.state == SiteValidation.State.COMPLETED]
    findings: dict[int, list[Any]] = {pk: [] for pk in completed}
    if completed:
        for finding in (
            finding_list_for(user=request.user)
            .filter(validation_id__in=completed)
            .order_by("requirement__area__order", "requirement__order", "requirement__code")
        ):
            findings[finding.validation_id].append(finding)
    for visit in visits:
        visit.findings_list = findings.get(visit.pk, [])  # type: ignore[attr-defined]  # for the template
    return {
        "visits": visits,
        "letters": list(letter_list_about(user=request.user, obj=obj)),
    }
