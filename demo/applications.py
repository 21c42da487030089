"""Applications, from the draft to the decision, with their information requests, visits
and action plans."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from demo.base import Co
from demo.catalogue import (
    DENIAL_REASONS,
    INELIGIBLE_REASONS,
    INFO_ANSWER_FILES,
    INFO_REQUESTS,
    WITHDRAWAL_NOTES,
)
from demo.files import demo_pdf
from demo.monitoring import MonitoringBuilder
from demo.scenarios import A, P
from traders.declarations import SUBMIT_DECLARATION_VERSION, submit_declaration_text
from traders.models import Application, InformationAnswerFile, InformationRequest
from validations.models import SiteValidation


class ApplicationBuilder(MonitoringBuilder):
    """Applications; a visit that meets the requirements with an action plan issues it
    (``monitoring``)."""

    def _draft_application(self, co: Co, created: dt.datetime, *, programme: str) -> Application:
        profile = self._profile(co, created, None)
        app = self._stamp(
            Application(
                company=co.company,
                programme=programme,
                profile=profile,
                state=A.DRAFT,
                state_changed_at=created,
                created_by=co.signer,
            ),
            created,
        )
        self._app_sites(app, co)
        self._event(app, co, created, co.signer, "create", "", A.DRAFT)
        co.created_at = min(co.created_at or created, created - dt.timedelta(days=2))
        return app

    def _app_sites(self, app: Application, co: Co) -> None:
        link_model = Application.sites.through
        for site in co.sites:
            self.batch.links.append((link_model, "application_id", "site_id", app, site))

    def _programme(self, co: Co) -> str:
        roll = self.rng.random()
        if roll < 0.78:
            return Application.ProgrammeChoice.PIP
        if roll < 0.9:
            return Application.ProgrammeChoice.BOTH
        return Application.ProgrammeChoice.CSA

    def _application(
        self,
        co: Co,
        state: str,
        *,
        certified_at: dt.datetime | None = None,
        programme: str | None = None,
    ) -> Application:
        """An application in ``state`` with the history that led there. A certified one
        ends at ``certified_at``; one still in progress has its last step in the last weeks."""
        rng = self.rng
        today = self.today
        programme = programme or self._programme(co)
        if state == A.DRAFT:
            created = self._at(today - dt.timedelta(days=rng.randint(0, 40)))
            return self._draft_application(co, created, programme=programme)

        # The steps, each with the range of days since the step before.
        steps: list[tuple[str, tuple[int, int]]] = [("create", (0, 0))]
        withdraw_after = None
        if state == A.WITHDRAWN:
            withdraw_after = rng.choice(("create", "submit", "start_review"))
        steps.append(("submit", (5, 45)))
        if state != A.SUBMITTED and withdraw_after != "submit":
            steps.append(("start_review", (1, 12)))
        past_review = state not in (A.SUBMITTED, A.UNDER_REVIEW, A.WITHDRAWN)
        if state == A.INFO_REQUESTED:
            steps.append(("request_info", (2, 15)))
        elif past_review and rng.random() < 0.3:
            steps += [("request_info", (2, 15)), ("answer_info", (3, 25))]
        if state == A.INELIGIBLE:
            steps.append(("mark_ineligible", (3, 25)))
        elif past_review and state != A.INFO_REQUESTED:
            steps.append(("mark_eligible", (3, 25)))
            cancelled_visit = state == A.ELIGIBLE and self.counters["eligible"] % 2 == 0
            if state == A.ELIGIBLE:
                self.counters["eligible"] += 1
            if cancelled_visit:
                steps += [("schedule_validation", (2, 14)), ("cancel_visit", (3, 20))]
            elif state != A.ELIGIBLE:
                steps.append(("schedule_validation", (2, 14)))
                in_progress = state == A.VALIDATION_SCHEDULED and self.counters["vs"] % 2 == 1
                if state == A.VALIDATION_SCHEDULED:
                    self.counters["vs"] += 1
                if state != A.VALIDATION_SCHEDULED or in_progress:
                    steps.append(("start_visit", (14, 60)))
                if state not in (A.VALIDATION_SCHEDULED,):
                    steps.append(("complete_visit", (0, 2)))
                if state == A.CERTIFIED:
                    steps.append(("certify", (5, 30)))
                elif state == A.DENIED:
                    steps.append(("deny", (5, 30)))
        if withdraw_after is not None:
            if withdraw_after == "create":
                steps = [("create", (0, 0))]
            steps.append(("withdraw", (5, 60)))

        if state == A.CERTIFIED:
            assert certified_at is not None
            end = self._local(certified_at)
        elif state in (A.INELIGIBLE, A.DENIED, A.WITHDRAWN):
            end = today - dt.timedelta(days=rng.randint(0, 1000))
        else:
            end = today - dt.timedelta(days=rng.randint(0, 20))
        names = [name for name, _gap in steps]
        times = self._timeline(end, [gap for _name, gap in steps[1:]])
        if state == A.CERTIFIED:
            shift = certified_at - times[-1]  # type: ignore[operator]
            times = [t + shift for t in times]
        t = dict(zip(names, times, strict=True))
        last = times[-1]

        profile = self._profile(co, t["create"], t.get("submit"))
        officer = co.officer if "start_review" in t else None
        decided = None
        reason = ""
        if state == A.INELIGIBLE:
            decided, reason = t["mark_ineligible"], rng.choice(INELIGIBLE_REASONS)
        elif state == A.DENIED:
            decided, reason = t["deny"], rng.choice(DENIAL_REASONS)
        elif state == A.CERTIFIED:
            decided = t["certify"]
        elif state == A.WITHDRAWN:
            decided = t["withdraw"]
        app = self._stamp(
            Application(
                company=co.company,
                programme=programme,
                harmonized_ctpat=co.company.country == "US" or rng.random() < 0.3,
                profile=profile,
                state=state,
                state_changed_at=last,
                created_by=co.signer,
                assigned_officer=officer,
                submitted_at=t.get("submit"),
                # The signer's declaration, as application_submit records it.
                declared_by=co.signer if "submit" in t else None,
                declared_at=t.get("submit"),
                declaration_version=SUBMIT_DECLARATION_VERSION if "submit" in t else "",
                decided_at=decided,
                decision_reason=reason,
            ),
            t["create"],
            last,
        )
        self._app_sites(app, co)
        co.created_at = t["create"] - dt.timedelta(days=rng.randint(1, 20))

        ev = self._event
        trader, manager = co.signer, self.manager
        ev(app, co, t["create"], trader, "create", "", A.DRAFT)
        current = A.DRAFT
        if "submit" in t:
            with translation.override(co.lang):  # as the signer read it
                note = _("Declaration %(version)s: %(text)s") % {
                    "version": SUBMIT_DECLARATION_VERSION,
                    "text": submit_declaration_text(company=co.company),
                }
            ev(app, co, t["submit"], trader, "submit", A.DRAFT, A.SUBMITTED, note)
            current = A.SUBMITTED
        if "start_review" in t:
            ev(app, co, t["start_review"], officer, "start_review", A.SUBMITTED, A.UNDER_REVIEW)
            current = A.UNDER_REVIEW
        if "request_info" in t:
            message, response = rng.choice(INFO_REQUESTS)
            answered = "answer_info" in t
            request = self._stamp(
                InformationRequest(
                    company=co.company,
                    application=app,
                    message=message,
                    deadline=self._local(t["request_info"]) + dt.timedelta(days=30),
                    requested_by=officer,
                    response=response if answered else "",
                    responded_at=t.get("answer_info"),
                    responded_by=rng.choice(co.users) if answered else None,
                ),
                t["request_info"],
                t.get("answer_info"),
            )
            file_name = INFO_ANSWER_FILES[message]
            if answered and co.full and file_name is not None:
                self._upload(
                    InformationAnswerFile(
                        information_request=request,
                        uploaded_by=request.responded_by,
                        uploaded_at=t["answer_info"],
                    ),
                    file_name,
                    demo_pdf(f"{co.company.legal_name}: {file_name[:-4].replace('-', ' ')}"),
                )
            ev(
                app,
                co,
                t["request_info"],
                officer,
                "request_info",
                A.UNDER_REVIEW,
                A.INFO_REQUESTED,
                message,
            )
            current = A.INFO_REQUESTED
            if answered:
                ev(
                    app,
                    co,
                    t["answer_info"],
                    trader,
                    "answer_info",
                    A.INFO_REQUESTED,
                    A.UNDER_REVIEW,
                    response,
                )
                current = A.UNDER_REVIEW
        if "mark_ineligible" in t:
            ev(
                app,
                co,
                t["mark_ineligible"],
                officer,
                "mark_ineligible",
                A.UNDER_REVIEW,
                A.INELIGIBLE,
                reason,
            )
        if "mark_eligible" in t:
            ev(app, co, t["mark_eligible"], officer, "mark_eligible", A.UNDER_REVIEW, A.ELIGIBLE)
            current = A.ELIGIBLE
        if "schedule_validation" in t:
            ev(
                app,
                co,
                t["schedule_validation"],
                officer,
                "schedule_validation",
                A.ELIGIBLE,
                A.VALIDATION_SCHEDULED,
            )
            current = A.VALIDATION_SCHEDULED
            if state == A.CERTIFIED:
                outcome = (
                    SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN
                    if rng.random() < 0.2
                    else SiteValidation.Outcome.MEETS
                )
            elif state == A.DENIED:
                outcome = SiteValidation.Outcome.DOES_NOT_MEET
            else:
                outcome = SiteValidation.Outcome.MEETS
            visit = self._visit(
                co,
                kind=SiteValidation.Kind.INITIAL,
                application=app,
                scheduled=t["schedule_validation"],
                started=t.get("start_visit"),
                completed=t.get("complete_visit"),
                cancelled=t.get("cancel_visit"),
                outcome=outcome,
                joint=app.harmonized_ctpat and rng.random() < 0.6,
                sites=co.sites,
            )
            if "cancel_visit" in t:
                ev(
                    app,
                    co,
                    t["cancel_visit"],
                    officer,
                    "unschedule_validation",
                    A.VALIDATION_SCHEDULED,
                    A.ELIGIBLE,
                    visit.cancel_reason,
                )
                current = A.ELIGIBLE
            if "complete_visit" in t:
                label = str(SiteValidation.Outcome(outcome).label)
                ev(
                    app,
                    co,
                    t["complete_visit"],
                    officer,
                    "record_validation",
                    A.VALIDATION_SCHEDULED,
                    A.VALIDATED,
                    label,
                )
                current = A.VALIDATED
                if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN:
                    self._plan(
                        co,
                        P.ACCEPTED,
                        membership=None,
                        validation=visit,
                        issued=t["complete_visit"] + dt.timedelta(hours=1),
                        latest=t["certify"] - dt.timedelta(hours=2),
                    )
        if "certify" in t:
            ev(app, co, t["certify"], manager, "certify", A.VALIDATED, A.CERTIFIED)
        if "deny" in t:
            ev(app, co, t["deny"], manager, "deny", A.VALIDATED, A.DENIED, reason)
        if "withdraw" in t:
            ev(
                app,
                co,
                t["withdraw"],
                trader,
                "withdraw",
                current,
                A.WITHDRAWN,
                rng.choice(WITHDRAWAL_NOTES),
            )
        return app
