"""A security profile, area by area: what it belongs to (a draft application or a
revalidation cycle), how complete it is, and the area pages where answers and documents are
saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import AuthenticatedHttpRequest, trader_required
from core.errors import DomainError
from core.pages import form_refusal
from portal import forms
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for
from traders import services as trader_services
from traders.models import Application, SecurityProfile
from traders.selectors import (
    application_list_for,
    profile_completeness,
    profile_overview,
)

from .base import act_for


@dataclass
class ProfileHolder:
    """What a security profile belongs to: a draft application, or a revalidation cycle.
    The area pages are the same for both."""

    kind: str  # "application" or "revalidation"
    obj: Any
    profile: SecurityProfile
    editable: bool

    @property
    def detail_url(self) -> str:
        return reverse(f"portal:{self.kind}", args=[self.obj.pk])

    def area_url(self, area_code: str) -> str:
        return reverse(f"portal:{self.kind}_area", args=[self.obj.pk, area_code])

    @property
    def title(self) -> str:
        if self.kind == "application":
            return _("Application %(reference)s") % {"reference": self.obj.reference}
        return _("Revalidation of membership %(number)s") % {
            "number": self.obj.membership.member_number
        }


def profile_holder(request: HttpRequest, kind: str, pk: int) -> ProfileHolder:
    """The application or revalidation ``pk`` of the user's companies (404 otherwise); the
    user acts for its company from now on."""
    if kind == "application":
        app = get_object_or_404(application_list_for(user=request.user), pk=pk)
        act_for(request, app.company)
        return ProfileHolder(
            kind=kind,
            obj=app,
            profile=app.profile,
            editable=app.state == Application.State.DRAFT and app.profile.submitted_at is None,
        )
    if kind == "revalidation":
        cycle = get_object_or_404(
            revalidation_list_for(user=request.user).select_related("profile", "company"), pk=pk
        )
        act_for(request, cycle.company)
        return ProfileHolder(
            kind=kind,
            obj=cycle,
            profile=cycle.profile,
            editable=cycle.state == RevalidationCycle.State.OPEN
            and cycle.profile.submitted_at is None,
        )
    raise Http404


def _completeness_rows(completeness: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in completeness["areas"]:
        total = entry["total"]
        rows.append(
            {
                **entry,
                "percent": round(100 * entry["complete"] / total) if total else 100,
                "done": entry["complete"] == total,
            }
        )
    return rows


def missing_links(holder: ProfileHolder, missing: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each missing item with the address of the place where it is fixed."""
    links = []
    for item in missing:
        if item["code"] == "sites":
            url = reverse("portal:application_sites", args=[holder.obj.pk])
        else:
            url = f"{holder.area_url(item['area'])}#req-{item['code']}"
        links.append({**item, "url": url})
    return links


def profile_context(holder: ProfileHolder) -> dict[str, Any]:
    """The profile's areas with their completeness, and what is missing before it can be
    submitted, each with its link: for the application's or the revalidation's page."""
    completeness = profile_completeness(profile=holder.profile)
    missing = completeness["missing"]
    if holder.kind == "application":  # the sites in scope besides the profile
        missing = trader_services.application_missing_items(application=holder.obj)
    areas = [
        {**row, "url": holder.area_url(row["area"].code)}
        for row in _completeness_rows(completeness)
    ]
    return {
        "holder": holder,
        "completeness": completeness,
        "areas": areas,
        "missing": missing_links(holder, missing),
    }


# --- The area pages (applications and revalidations) ------------------------------------


def _area_save(
    request: AuthenticatedHttpRequest, holder: ProfileHolder, form: forms.AreaForm
) -> bool:
    """Save the answers and documents of one area: all of them or none. Errors go beside
    their fields."""
    entries = form.entries()
    stored: list[Any] = []
    try:
        with transaction.atomic():
            answers = {}
            for entry in entries:
                key = entry["key"]
                implementation = entry["implementation"]
                if not implementation:
                    if entry["answer"] is None:
                        form.add_error(
                            forms.implementation_field(key),
                            _("Choose how the requirement is implemented."),
                        )
                        continue
                    answers[key] = entry["answer"]
                    continue
                try:
                    answers[key] = trader_services.profile_answer_save(
                        profile=holder.profile,
                        requirement=entry["requirement"],
                        implementation=implementation,
                        description=entry["description"],
                        actor=request.user,
                    )
                except ValidationError as error:
                    form_refusal(
                        form,
                        error,
                        fields={
                            "description": forms.description_field(key),
                            "implementation": forms.implementation_field(key),
                        },
                    )
            uploads = [(e["key"], e["upload"]) for e in entries if e["upload"] is not None]
            for key, upload in uploads:
                try:
                    trader_services.evidence_check(upload=upload)
                except ValidationError as error:
                    form_refusal(form, error, fields={"file": forms.file_field(key)})
            if form.errors:
                transaction.set_rollback(True)
                return False
            for key, upload in uploads:
                stored.append(
                    trader_services.evidence_attach(
                        answer=answers[key], upload=upload, actor=request.user
                    )
                )
    except DomainError as error:
        form_refusal(form, error)
        _files_delete(stored)
        return False
    except Exception:
        _files_delete(stored)  # nothing half-saved: no file without its row
        raise
    return True


def _files_delete(stored: list[Any]) -> None:
    for evidence in stored:
        evidence.file.delete(save=False)


def profile_area(request: AuthenticatedHttpRequest, pk: int, area: str, kind: str) -> HttpResponse:
    holder = profile_holder(request, kind, pk)
    overview = profile_overview(profile=holder.profile)
    rows = [r for r in overview["requirements"] if r["requirement"].area.code == area]
    if not rows:
        raise Http404
    area_obj = rows[0]["requirement"].area
    requirements = [r["requirement"] for r in rows]
    answers = {r["requirement"].pk: r["answer"] for r in rows if r["answer"] is not None}
    if request.method == "POST" and not holder.editable:
        messages.error(request, _("This security profile was submitted and can no longer change."))
        return redirect(holder.detail_url)
    form = forms.AreaForm(
        request.POST or None,
        request.FILES or None,
        requirements=requirements,
        answers=answers,
        editable=holder.editable,
    )
    area_codes = []
    for row in overview["requirements"]:
        code = row["requirement"].area.code
        if code not in area_codes:
            area_codes.append(code)
    position = area_codes.index(area)
    next_area = area_codes[position + 1] if position + 1 < len(area_codes) else None
    if request.method == "POST" and form.is_valid() and _area_save(request, holder, form):
        messages.success(request, _("Your answers are saved as a draft."))
        if request.POST.get("action") == "next" and next_area:
            return redirect(holder.area_url(next_area))
        if request.POST.get("action") == "next":
            return redirect(holder.detail_url)
        return redirect(holder.area_url(area))
    completeness = next(
        (
            row
            for row in _completeness_rows({"areas": overview["completeness"]["areas"]})
            if row["code"] == area
        ),
        None,
    )
    evidence = {r["requirement"].pk: list(r["answer"].evidence.all()) for r in rows if r["answer"]}
    missing_codes = {m["code"]: m["reason"] for m in overview["missing"] if m["area"] == area}
    return render(
        request,
        "portal/profile_area.html",
        {
            "holder": holder,
            "area": area_obj,
            "form": form,
            "rows": [
                {
                    **row,
                    "evidence": evidence.get(row["requirement"].pk, []),
                    "missing": missing_codes.get(row["requirement"].code),
                }
                for row in form.bound_rows()
            ],
            "area_completeness": completeness,
            "overall": overview["completeness"],
            "next_area": next_area,
        },
    )


application_area = trader_required(profile_area)
revalidation_area = trader_required(profile_area)
