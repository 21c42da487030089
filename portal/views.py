"""The trader's pages: parse the input, call one service or selector, render the result.

Every object is reached through a scoped selector (``*_list_for(user=...)``): anything of
another company is a 404. Officers, managers and administrators get a 404 on every page
here (``trader_required``); they have their own pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services as account_services
from core.access import AuthenticatedHttpRequest, trader_required
from core.audit import audit_history
from core.dates import agency_today
from core.errors import DomainError, Incomplete, TransitionNotAllowed
from core.models import Role
from revalidation.models import RevalidationCycle
from revalidation.selectors import revalidation_list_for, revalidation_window_opens
from revalidation.services import revalidation_open, revalidation_submit_profile
from traders import services as trader_services
from traders.models import (
    Application,
    Company,
    CompanyUser,
    InformationRequest,
    Membership,
    SecurityProfile,
)
from traders.selectors import (
    application_list_for,
    change_notice_list_for,
    company_list_for,
    evidence_list_for,
    information_file_list_for,
    membership_history_for,
    membership_list_for,
    profile_completeness,
    profile_confirmation_for,
    profile_overview,
)
from validations.models import ActionPlan, Incident
from validations.selectors import (
    action_plan_for_page,
    action_plan_item_evidence_list_for,
    action_plan_list_for,
    incident_list_for,
)
from validations.services import action_plan_item_respond, incident_report

from . import forms

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# --- Helpers ----------------------------------------------------------------------------


# The company a trader of several companies acts for (a CompanyUser row each): its id is
# kept in the session and checked against the user's companies on every request; without a
# valid choice, the first company they are a user of. Pages list and create things for that
# company only. A detail page of another of the user's companies (a link from a notification
# or an e-mail, another tab) is not refused: opening it switches to that company, with a
# message saying so, so that what follows stays scoped to it. Downloads switch nothing.
ACTING_COMPANY = "portal.acting_company_id"


def _companies(request: HttpRequest) -> tuple[list[Company], Company | None]:
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


def _company(request: HttpRequest) -> Company | None:
    """The company the trader acts for."""
    return _companies(request)[1]


def _act_for(request: HttpRequest, company: Company) -> None:
    """A detail page of one of the user's companies (reached through a scoped selector):
    from now on they act for that company."""
    if request.session.get(ACTING_COMPANY) == company.pk or _company(request) == company:
        return
    request.session[ACTING_COMPANY] = company.pk
    messages.info(request, _("You are now acting for %(company)s.") % {"company": company})


def _company_or_redirect(request: HttpRequest) -> Company | HttpResponse:
    company = _company(request)
    if company is None:
        messages.info(request, _("Register your company first."))
        return redirect("portal:company_create")
    return company


def _domain_error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, str(error))


INCIDENTS_SHOWN = 10


def _incidents(request: HttpRequest, company: Company, *filters: models.Q) -> list[Incident]:
    """The company's latest incident reports, each with the action plans issued after it
    (two queries, however many)."""
    plans = action_plan_list_for(user=request.user).order_by("issued_on", "pk")
    return list(
        incident_list_for(user=request.user)
        .filter(*filters, company=company)
        .prefetch_related(models.Prefetch("action_plans", queryset=plans))
        .order_by("-created_at", "-pk")[:INCIDENTS_SHOWN]
    )


def _membership_from(request: HttpRequest, memberships: Any) -> Membership | None:
    """The membership whose page the user came from (``?membership=<pk>``), when it is one
    of the acting company's; None otherwise."""
    pk = request.GET.get("membership", "")
    if not pk.isdigit():
        return None
    return memberships.filter(pk=int(pk)).first()


def _link_template(request: HttpRequest, view_name: str, **kwargs: str) -> str:
    """The absolute address of a page, for an e-mail in both languages: ``{lang}`` for the
    language prefix, and ``{name}`` for each keyword (reverse with the name in capitals)."""
    path = reverse(view_name, kwargs={name: name.upper() for name in kwargs} or None)
    lang_prefix = f"/{request.LANGUAGE_CODE}/"
    template = request.build_absolute_uri("/") + "{lang}/" + path.removeprefix(lang_prefix)
    for name in kwargs:
        template = template.replace(name.upper(), "{" + name + "}")
    return template


def _is_signing_authority(user: Any, company: Company) -> bool:
    return company.user_links.filter(
        user=user, company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
    ).exists()


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


def _holder(request: HttpRequest, kind: str, pk: int) -> ProfileHolder:
    if kind == "application":
        app = get_object_or_404(application_list_for(user=request.user), pk=pk)
        _act_for(request, app.company)
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
        _act_for(request, cycle.company)
        return ProfileHolder(
            kind=kind,
            obj=cycle,
            profile=cycle.profile,
            editable=cycle.state == RevalidationCycle.State.OPEN
            and cycle.profile.submitted_at is None,
        )
    raise Http404


def _missing_links(holder: ProfileHolder, missing: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each missing item with the address of the place where it is fixed."""
    links = []
    for item in missing:
        if item["code"] == "sites":
            url = reverse("portal:application_sites", args=[holder.obj.pk])
        else:
            url = f"{holder.area_url(item['area'])}#req-{item['code']}"
        links.append({**item, "url": url})
    return links


# --- Registration -----------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:landing")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The link in each language of the e-mail: /en/... and /fr/...
        template = _link_template(request, "portal:verify_email", uidb64="", token="")
        try:
            account_services.user_register(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                preferred_language=form.cleaned_data["preferred_language"],
                verify_url=template,
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        else:
            request.session["registered_email"] = form.cleaned_data["email"]
            return redirect("portal:register_sent")
    return render(request, "registration/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/register_sent.html",
        {"email": request.session.get("registered_email", "")},
    )


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button; POST activates (a link checker opening the link changes nothing)."""
    if request.method == "POST":
        try:
            account_services.user_verify_email(uidb64=uidb64, token=token)
        except DomainError as error:
            return render(
                request, "registration/verify_email.html", {"error": str(error)}, status=400
            )
        messages.success(request, _("Your e-mail address is confirmed. You can now sign in."))
        return redirect("core:login")
    return render(request, "registration/verify_email.html", {})


def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited colleague chooses a password, which activates the account."""
    try:
        invited = account_services.invitation_user(uidb64=uidb64, token=token)
    except DomainError as error:
        return render(
            request, "registration/invitation_accept.html", {"error": str(error)}, status=400
        )
    form = forms.InvitationPasswordForm(invited, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invitation_accept(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            return render(
                request, "registration/invitation_accept.html", {"error": str(error)}, status=400
            )
        else:
            messages.success(request, _("Your password is set. Sign in with your e-mail address."))
            return redirect("core:login")
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invited": invited}
    )


# --- Home, company, sites ---------------------------------------------------------------


@trader_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    companies, company = _companies(request)
    user = request.user
    context: dict[str, Any] = {"company": company}
    if len(companies) > 1:
        context["switch_form"] = forms.CompanySwitchForm(
            companies=companies, initial={"company": company}
        )
    if company is not None:
        context.update(
            applications=application_list_for(user=user).filter(company=company),
            memberships=membership_list_for(user=user)
            .filter(company=company)
            .select_related("assigned_officer"),
            action_plans=action_plan_list_for(user=user).filter(
                company=company, state__in=ActionPlan.OPEN_STATES
            ),
            revalidations=revalidation_list_for(user=user).filter(
                company=company, state__in=RevalidationCycle.IN_PROGRESS
            ),
            change_notices=change_notice_list_for(user=user).filter(company=company)[:5],
            incidents=_incidents(request, company),
        )
    return render(request, "portal/home.html", context)


@trader_required
def company_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the company to act for, among those the user is a user of (POST); the page
    itself shows the choice, and the error when the choice is refused."""
    companies, acting = _companies(request)
    if not companies:
        return redirect("portal:company_create")
    form = forms.CompanySwitchForm(
        request.POST or None, companies=companies, initial={"company": acting}
    )
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["company"]
            request.session[ACTING_COMPANY] = chosen.pk
            messages.success(
                request, _("You are now acting for %(company)s.") % {"company": chosen}
            )
            return redirect("portal:home")
    return render(
        request,
        "portal/company_switch.html",
        {"form": form, "company": acting},
        status=400 if form.errors else 200,
    )


@trader_required
def company_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    return render(
        request,
        "portal/company.html",
        {
            "company": company,
            "sites": company.sites.order_by("name"),
            "users": company.user_links.select_related("user").order_by("user__email"),
            "can_invite": _is_signing_authority(request.user, company),
        },
    )


@trader_required
def company_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    if not _is_signing_authority(request.user, company):
        messages.error(
            request,
            _(
                "Only your company's signing authority can invite colleagues. Ask them to "
                "invite the person."
            ),
        )
        return redirect("portal:company")
    form = forms.InviteForm(
        request.POST or None,
        initial={"preferred_language": request.user.preferred_language or settings.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = trader_services.company_user_invite(
                company=company, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            user = link.user
            if user.is_active:
                accept_url = _link_template(request, "core:login")
            else:
                accept_url = _link_template(
                    request, "portal:invitation_accept", uidb64="", token=""
                )
            role = CompanyUser.CompanyRole(link.company_role).label
            transaction.on_commit(
                lambda: account_services.invitation_send(
                    user=user,
                    company_name=company.legal_name,
                    inviter=request.user,
                    company_role=role,
                    accept_url=accept_url,
                )
            )
            messages.success(
                request,
                _("%(email)s is invited as %(role)s. We sent them an e-mail.")
                % {"email": user.email, "role": role},
            )
            return redirect("portal:company")
    return render(request, "portal/company_invite.html", {"form": form, "company": company})


@trader_required
def company_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if _company(request) is not None:
        return redirect("portal:company")
    form = forms.CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        business_types = data.pop("business_types")
        try:
            trader_services.company_create(
                actor=request.user, business_types=business_types, **data
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your company is registered. Now add the sites you operate.")
            )
            return redirect("portal:site_create")
    return render(request, "portal/company_form.html", {"form": form})


@trader_required
def site_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    form = forms.SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            trader_services.site_create(company=company, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Site “%(name)s” added.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("portal:company")
    return render(request, "portal/site_form.html", {"form": form, "company": company})


# --- Applications -----------------------------------------------------------------------


def _application_start_post(
    request: AuthenticatedHttpRequest, company: Company, form: forms.ApplicationStartForm
) -> HttpResponse | None:
    """Start the application once per form: a second POST of the same form (double click,
    back and resubmit) goes to the draft the first one created (the service's rule)."""
    if not form.is_valid():
        return None
    try:
        app, created = trader_services.application_create_once(
            company=company,
            actor=request.user,
            start_token=form.cleaned_data["form_token"],
            programme=form.cleaned_data["programme"],
            harmonized_ctpat=form.cleaned_data["harmonized_ctpat"],
            sites=list(form.cleaned_data["sites"]),
        )
    except ValidationError as error:
        forms.errors_to_form(form, error)
        return None
    except DomainError as error:
        form.add_error(None, str(error))
        return None
    if created:
        messages.success(
            request,
            _("Application %(reference)s started. Fill in the Security Profile area by area.")
            % {"reference": app.reference},
        )
    else:
        messages.info(
            request, _("This application was already started; nothing was created twice.")
        )
    return redirect("portal:application", pk=app.pk)


@trader_required
def application_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    sites = list(company.sites.filter(is_active=True).order_by("name"))
    if request.method == "POST":
        form = forms.ApplicationStartForm(request.POST, sites=sites, user_id=request.user.pk)
        response = _application_start_post(request, company, form)
        if response is not None:
            return response
        if form.token_expired:
            form.token_renew()
    else:
        form = forms.ApplicationStartForm(sites=sites, user_id=request.user.pk)
    return render(
        request, "portal/application_start.html", {"form": form, "company": company, "sites": sites}
    )


def _profile_context(holder: ProfileHolder) -> dict[str, Any]:
    completeness = profile_completeness(profile=holder.profile)
    if holder.kind == "application":
        missing = trader_services.application_missing_items(application=holder.obj)
    else:
        from traders.selectors import profile_missing_items

        missing = profile_missing_items(profile=holder.profile)
    areas = [
        {**row, "url": holder.area_url(row["area"].code)}
        for row in _completeness_rows(completeness)
    ]
    return {
        "holder": holder,
        "completeness": completeness,
        "areas": areas,
        "missing": _missing_links(holder, missing),
    }


@trader_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = _holder(request, "application", pk)
    app = holder.obj
    requests = list(app.information_requests.prefetch_related("files").order_by("-created_at"))
    context = _profile_context(holder)
    context.update(
        application=app,
        sites=app.sites.order_by("name"),
        timeline=_timeline(app),
        information_requests=requests,
        open_request=next((r for r in requests if r.is_open), None),
        can_submit=holder.editable and not context["missing"],
    )
    return render(request, "portal/application.html", context)


def _timeline(obj: Any) -> list[dict[str, Any]]:
    """The status history from the audit trail, as the trader may read it."""
    return _timeline_rows(audit_history(obj=obj), states=dict(type(obj).State.choices))


def _timeline_rows(events_qs: Any, *, states: dict[str, _StrOrPromise]) -> list[dict[str, Any]]:
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


@trader_required
def application_sites(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = _holder(request, "application", pk)
    app = holder.obj
    sites = list(app.company.sites.filter(is_active=True).order_by("name"))
    form = forms.ApplicationSitesForm(
        request.POST or None, sites=sites, initial={"sites": list(app.sites.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            trader_services.application_sites_set(
                application=app, sites=list(form.cleaned_data["sites"]), actor=request.user
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The sites in scope are saved."))
            return redirect("portal:application", pk=app.pk)
    return render(
        request,
        "portal/application_sites.html",
        {"form": form, "application": app, "sites": sites, "holder": holder},
    )


@trader_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = _holder(request, "application", pk)
    try:
        app = trader_services.application_submit(application=holder.obj, actor=request.user)
    except Incomplete as error:
        messages.error(request, str(error))
    except TransitionNotAllowed as error:
        # A second submit (double click, back button): the service refuses it.
        messages.warning(
            request,
            _("This application was already submitted; nothing was sent twice. %(reason)s")
            % {"reason": str(error)},
        )
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(
            request,
            _("Application %(reference)s is submitted. An officer will review it.")
            % {"reference": app.reference},
        )
    return redirect("portal:application", pk=pk)


@trader_required
def information_answer(request: AuthenticatedHttpRequest, pk: int, request_pk: int) -> HttpResponse:
    holder = _holder(request, "application", pk)
    app = holder.obj
    info = get_object_or_404(
        InformationRequest.objects.prefetch_related("files"), application=app, pk=request_pk
    )
    form = forms.InformationAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not info.is_open:
            messages.warning(request, _("This request was already answered."))
            return redirect("portal:application", pk=app.pk)
        try:
            trader_services.application_answer_info(
                application=app,
                actor=request.user,
                response=form.cleaned_data["response"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            _domain_error(request, error)
            return redirect("portal:application", pk=app.pk)
        else:
            messages.success(request, _("Your answer was sent to the officer."))
            return redirect("portal:application", pk=app.pk)
    return render(
        request,
        "portal/information_answer.html",
        {"form": form, "application": app, "info": info},
    )


# --- Security profile area pages (applications and revalidations) ----------------------


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
                    forms.errors_to_form(
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
                    forms.errors_to_form(form, error, fields={"file": forms.file_field(key)})
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
        form.add_error(None, str(error))
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
    holder = _holder(request, kind, pk)
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


@trader_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _file_response(get_object_or_404(evidence_list_for(user=request.user), pk=pk))


@trader_required
def information_file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file attached to an answer to an information request: the company's users only."""
    return _file_response(get_object_or_404(information_file_list_for(user=request.user), pk=pk))


# --- Memberships ------------------------------------------------------------------------


def _membership_profile(membership: Membership) -> SecurityProfile | None:
    """The membership's latest submitted security profile: its application's, or that of
    one of its revalidations."""
    return (
        SecurityProfile.objects.filter(submitted_at__isnull=False)
        .filter(
            models.Q(application__pk=membership.application_id)
            | models.Q(revalidation_cycle__membership=membership)
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


@trader_required
def membership_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        membership_list_for(user=request.user).select_related("assigned_officer"), pk=pk
    )
    _act_for(request, membership.company)
    plans = (
        action_plan_list_for(user=request.user)
        .filter(company_id=membership.company_id, state__in=ActionPlan.OPEN_STATES)
        .prefetch_related("items")
    )
    revalidations = revalidation_list_for(user=request.user).filter(membership=membership)
    current = next((c for c in revalidations if c.state in RevalidationCycle.IN_PROGRESS), None)
    # Its history: the membership's own events, and the yearly confirmations of the
    # company's security profile (company-wide, as "Last confirmed on" above).
    history = membership_history_for(membership=membership)
    active = membership.state == Membership.State.ACTIVE
    window_opens = revalidation_window_opens(membership=membership)
    return render(
        request,
        "portal/membership.html",
        {
            "membership": membership,
            "action_plans": plans,
            "revalidations": revalidations,
            "current_revalidation": current,
            "certificate_available": active,
            # The company's, as the reminder sweep counts it (None: no active membership).
            "confirmation": profile_confirmation_for(company_id=membership.company_id),
            "can_confirm": active and _membership_profile(membership) is not None,
            "revalidation_window_opens": window_opens,
            "can_start_revalidation": active and current is None and agency_today() >= window_opens,
            "timeline": _timeline_rows(history, states=dict(Membership.State.choices)),
            # The incidents about this membership, or about all of the company's.
            "incidents": _incidents(
                request,
                membership.company,
                models.Q(membership=membership) | models.Q(membership__isnull=True),
            ),
        },
    )


@trader_required
@require_POST
def membership_confirm_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    _act_for(request, membership.company)
    profile = _membership_profile(membership)
    if membership.state != Membership.State.ACTIVE or profile is None:
        messages.error(
            request, _("Only the security profile of an active membership can be confirmed.")
        )
        return redirect("portal:membership", pk=membership.pk)
    try:
        trader_services.profile_confirm(profile=profile, actor=request.user)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(
            request, _("Thank you: your security profile is confirmed as still accurate.")
        )
    return redirect("portal:membership", pk=membership.pk)


@trader_required
@require_POST
def membership_revalidation_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    _act_for(request, membership.company)
    try:
        cycle = revalidation_open(membership=membership, actor=request.user)
    except DomainError as error:
        _domain_error(request, error)
        return redirect("portal:membership", pk=membership.pk)
    messages.success(
        request,
        _(
            "The revalidation is started. Your Security Profile is pre-filled from the last "
            "one: review each area, then submit it."
        ),
    )
    return redirect("portal:revalidation", pk=cycle.pk)


@trader_required
def membership_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    from traders.documents import certificate_current  # WeasyPrint only when needed

    membership = get_object_or_404(membership_list_for(user=request.user), pk=pk)
    try:
        certificate = certificate_current(membership=membership)
    except DomainError as error:
        _domain_error(request, error)
        return redirect("portal:membership", pk=membership.pk)
    return FileResponse(
        certificate.file.open("rb"),
        as_attachment=True,
        filename=certificate.filename,
        content_type="application/pdf",
    )


@trader_required
def action_plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan's measures, each with its deadline, where it stands and the officer's note;
    while the plan waits for the member, a form per measure not yet accepted (the answer and
    its files). The plan moves to the officer once every measure owed is answered."""
    try:
        plan = action_plan_for_page(user=request.user, pk=pk)
    except ActionPlan.DoesNotExist:
        raise Http404 from None
    _act_for(request, plan.company)
    # In the order issued, as the officer's page lists them: "Measure 2" stays measure 2
    # when a deadline is extended, and is the officer's measure 2 too.
    items = list(plan.items.all())
    open_plan = plan.state in ActionPlan.OPEN_STATES
    bound: tuple[int, forms.ActionPlanItemAnswerForm] | None = None
    if request.method == "POST":
        item = next((i for i in items if str(i.pk) == request.POST.get("item", "")), None)
        if item is None:
            raise Http404
        number = items.index(item) + 1
        form = forms.ActionPlanItemAnswerForm(
            request.POST, request.FILES, prefix=f"item{item.pk}", number=number
        )
        if form.is_valid():
            try:
                answered = action_plan_item_respond(
                    item=item,
                    actor=request.user,
                    response=form.cleaned_data["response"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                forms.errors_to_form(form, error)
            except DomainError as error:
                _domain_error(request, error)
                return redirect("portal:action_plan", pk=plan.pk)
            else:
                if answered.plan.state == ActionPlan.State.RESPONDED:
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
                return redirect(f"{url}#item-{item.pk}")
        bound = (item.pk, form)
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


@trader_required
def action_plan_evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A file the member attached to an answer: for the company's users only (404 else)."""
    return _file_response(
        get_object_or_404(action_plan_item_evidence_list_for(user=request.user), pk=pk)
    )


@trader_required
def change_notice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    memberships = membership_list_for(user=request.user).filter(company=company)
    came_from = _membership_from(request, memberships)
    form = forms.ChangeNoticeForm(
        request.POST or None, memberships=memberships, initial={"membership": came_from}
    )
    if request.method == "POST" and form.is_valid():
        try:
            trader_services.change_notice_submit(
                company=company, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your report of the change was sent to the programme."))
            return _back(came_from)
    return render(request, "portal/change_notice_form.html", {"form": form, "came_from": came_from})


def _back(came_from: Membership | None) -> HttpResponse:
    """Back to the membership page the report was started from, else to the home page."""
    if came_from is not None:
        return redirect("portal:membership", pk=came_from.pk)
    return redirect("portal:home")


@trader_required
def incident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    company = _company_or_redirect(request)
    if isinstance(company, HttpResponse):
        return company
    memberships = membership_list_for(user=request.user).filter(company=company)
    came_from = _membership_from(request, memberships)
    form = forms.IncidentForm(
        request.POST or None, memberships=memberships, initial={"membership": came_from}
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident_report(company=company, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.errors_to_form(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your incident report was sent to the programme."))
            return _back(came_from)
    return render(request, "portal/incident_form.html", {"form": form, "came_from": came_from})


# --- Revalidation -----------------------------------------------------------------------


@trader_required
def revalidation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = _holder(request, "revalidation", pk)
    context = _profile_context(holder)
    context.update(
        cycle=holder.obj,
        timeline=_timeline(holder.obj),
        can_submit=holder.editable and not context["missing"],
    )
    return render(request, "portal/revalidation.html", context)


@trader_required
@require_POST
def revalidation_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    holder = _holder(request, "revalidation", pk)
    try:
        revalidation_submit_profile(cycle=holder.obj, actor=request.user)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(
            request, _("Your updated Security Profile is submitted. An officer will review it.")
        )
    return redirect("portal:revalidation", pk=pk)
