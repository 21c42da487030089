"""Monitoring of current members: action plans, spot checks, incidents and change notices."""

from __future__ import annotations

import datetime as dt

from demo.base import Co
from demo.catalogue import (
    ACKNOWLEDGE_NOTES,
    CHANGE_NOTICES,
    INCIDENTS,
    MEASURES,
    MITIGATING,
    PLAN_ACCEPT_NOTES,
    PLAN_RESPONSES,
    PLAN_RETURN_NOTES,
)
from demo.cycles import CycleBuilder
from demo.files import PHOTO_COLOURS, demo_png
from demo.scenarios import (
    INCIDENT_FIRST,
    INCIDENT_RANDOM,
    NOTICE_FIRST,
    NOTICE_RANDOM,
    PLAN_FIRST,
    PLAN_RANDOM,
    REVALIDATION_OPENS_DAYS_BEFORE,
    SPOT_FIRST,
    SPOT_RANDOM,
    M,
    P,
    R,
)
from traders.models import ChangeNotice, Membership
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Incident,
    SiteValidation,
)


class MonitoringBuilder(CycleBuilder):
    """What happens to current members; a change notice may open a revalidation early
    (``cycles``)."""

    def _monitoring(self, co: Co, membership: Membership) -> None:
        plan = self._maybe("plan", PLAN_FIRST, PLAN_RANDOM, self.w_plan)
        if plan is not None:
            self._plan_with_source(co, membership, plan)
        spot = self._maybe("spot", SPOT_FIRST, SPOT_RANDOM, self.w_spot)
        if spot is not None:
            self._spot_check(co, membership, spot)
        incident = self._maybe("incident", INCIDENT_FIRST, INCIDENT_RANDOM, self.w_incident)
        if incident is not None:
            self._incident(co, membership, incident)
        early_possible = (
            membership.state == M.ACTIVE
            and (membership.expires_on - self.today).days > REVALIDATION_OPENS_DAYS_BEFORE + 30
        )
        notice = self._maybe(
            "notice",
            NOTICE_FIRST,
            NOTICE_RANDOM,
            self.w_notice,
            allowed=lambda story: early_possible or story != "follow_up_revalidation",
        )
        if notice is not None:
            self._notice(co, membership, notice)

    def _plan_dates(self, state: str, certified_on: dt.date) -> dt.date:
        """The day a plan in ``state`` was issued."""
        rng = self.rng
        today = self.today
        if state == P.ISSUED:
            return today - dt.timedelta(days=rng.randint(1, 25))
        if state in (P.RESPONDED, P.RETURNED):
            return today - dt.timedelta(days=rng.randint(20, 50))
        if state == P.OVERDUE:
            return today - dt.timedelta(days=rng.randint(45, 100))
        if state == P.ESCALATED:
            return today - dt.timedelta(days=rng.randint(80, 110))
        oldest = max(certified_on + dt.timedelta(days=30), today - dt.timedelta(days=900))
        newest = today - dt.timedelta(days=40)
        return oldest + dt.timedelta(days=rng.randint(0, max(0, (newest - oldest).days)))

    def _plan_with_source(self, co: Co, membership: Membership, state: str) -> None:
        rng = self.rng
        issued_day = self._plan_dates(state, membership.certified_on)
        issued = self._at(issued_day)
        from_incident = self.counters["plan_source"] % 3 == 1
        self.counters["plan_source"] += 1
        if from_incident:
            incident = self._incident(
                co,
                membership,
                Incident.State.CONCLUDED,
                concluded=issued - dt.timedelta(minutes=30),
            )
            self._plan(co, state, membership=membership, incident=incident, issued=issued)
        else:
            started = self._at(issued_day - dt.timedelta(days=rng.randint(1, 3)), hour=9)
            visit = self._visit(
                co,
                kind=SiteValidation.Kind.SPOT_CHECK,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
                completed=min(
                    started + dt.timedelta(hours=rng.randint(3, 7)),
                    issued - dt.timedelta(minutes=30),
                ),
                outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
            )
            self._plan(co, state, membership=membership, validation=visit, issued=issued)

    def _plan(
        self,
        co: Co,
        state: str,
        *,
        membership: Membership | None,
        issued: dt.datetime,
        validation: SiteValidation | None = None,
        incident: Incident | None = None,
        latest: dt.datetime | None = None,
    ) -> ActionPlan:
        """An action plan issued at ``issued``, driven to ``state`` (an accepted plan is
        closed before ``latest`` when given)."""
        rng = self.rng
        today = self.today
        officer = co.officer
        issued_day = self._local(issued)
        if state in (P.OVERDUE, P.ESCALATED):
            deadline = min(
                issued_day + dt.timedelta(days=rng.randint(30, 60)), today - dt.timedelta(days=2)
            )
        elif state in (P.ISSUED, P.RETURNED, P.RESPONDED):
            deadline = max(
                issued_day + dt.timedelta(days=rng.randint(30, 90)), today + dt.timedelta(days=7)
            )
        else:
            deadline = issued_day + dt.timedelta(days=rng.randint(30, 90))
        shortfalls = getattr(validation, "shortfalls", None) if validation is not None else None
        if shortfalls:
            targets = [req for req, _result in shortfalls][:4]
        else:
            targets = rng.sample(self.requirements, rng.randint(1, 3))
        responded = reviewed = overdue = escalated = None
        if state in (P.RESPONDED, P.ACCEPTED, P.RETURNED):
            limit = latest or (self.now - dt.timedelta(hours=3))
            span = max((limit - issued).total_seconds(), 7200.0)
            responded = issued + dt.timedelta(seconds=span * rng.uniform(0.3, 0.7))
            if state != P.RESPONDED:
                reviewed = responded + dt.timedelta(
                    seconds=(limit - responded).total_seconds() * rng.uniform(0.2, 0.9)
                )
        if state in (P.OVERDUE, P.ESCALATED):
            overdue = dt.datetime.combine(
                deadline + dt.timedelta(days=1), dt.time(2, 10), tzinfo=self.tz
            )
            if state == P.ESCALATED:
                escalated = self._at(min(deadline + dt.timedelta(days=rng.randint(3, 15)), today))
                escalated = max(escalated, overdue + dt.timedelta(hours=6))
        last = escalated or overdue or reviewed or responded or issued
        response = rng.choice(PLAN_RESPONSES) if responded else ""
        review_note = ""
        if state == P.ACCEPTED:
            review_note = rng.choice(PLAN_ACCEPT_NOTES)
        elif state == P.RETURNED:
            review_note = rng.choice(PLAN_RETURN_NOTES)
        plan = self._stamp(
            ActionPlan(
                company=co.company,
                membership=membership,
                source_validation=validation,
                source_incident=incident,
                issued_by=officer,
                issued_on=issued_day,
                deadline=deadline,
                response=response,
                responded_at=responded,
                review_note=review_note,
                state=state,
            ),
            issued,
            last,
        )
        reviews: dict[str, ActionPlanItem.Review] = {
            P.ACCEPTED: ActionPlanItem.Review.ACCEPTED,
            P.RETURNED: ActionPlanItem.Review.RETURNED,
        }
        review = reviews.get(state, ActionPlanItem.Review.PENDING)
        for k, req in enumerate(targets):
            item_deadline = deadline if k == 0 else deadline - dt.timedelta(days=rng.randint(0, 20))
            if state in (P.ISSUED, P.RETURNED, P.RESPONDED):
                item_deadline = max(item_deadline, today + dt.timedelta(days=1))
            item = self._stamp(
                ActionPlanItem(
                    plan=plan,
                    requirement=req,
                    measure=rng.choice(MEASURES[req.area.code]),
                    deadline=item_deadline,
                    original_deadline=item_deadline,
                    response="Done; evidence attached." if responded else "",
                    responded_at=responded,
                    review=review,
                    review_note=review_note if review != ActionPlanItem.Review.PENDING else "",
                ),
                issued,
                reviewed or responded or issued,
            )
            if responded is not None and co.full and k == 0:
                # A picture of the first measure done (the others' evidence is on paper).
                self._upload(
                    ActionPlanItemEvidence(item=item, uploaded_by=co.signer, uploaded_at=responded),
                    f"{req.code.lower()}-done.png",
                    demo_png(PHOTO_COLOURS[len(self.batch.uploads) % len(PHOTO_COLOURS)]),
                )
        ev = self._event
        ev(
            plan,
            co,
            issued,
            officer,
            "issue",
            "",
            P.ISSUED,
            f"{len(targets)} measure(s), due by {deadline.isoformat()}.",
        )
        if responded is not None:
            ev(plan, co, responded, co.signer, "respond", P.ISSUED, P.RESPONDED, response)
        if state == P.ACCEPTED:
            assert reviewed is not None  # set above for both reviewed states
            ev(plan, co, reviewed, officer, "accept", P.RESPONDED, P.ACCEPTED, review_note)
        if state == P.RETURNED:
            assert reviewed is not None
            ev(plan, co, reviewed, officer, "return", P.RESPONDED, P.RETURNED, review_note)
        if overdue is not None:
            ev(plan, co, overdue, None, "mark_overdue", P.ISSUED, P.OVERDUE)
        if escalated is not None:
            ev(
                plan,
                co,
                escalated,
                officer,
                "escalate",
                P.OVERDUE,
                P.ESCALATED,
                "No response after the deadline.",
            )
        return plan

    def _spot_check(self, co: Co, membership: Membership, state: str) -> None:
        rng = self.rng
        today = self.today
        kind = SiteValidation.Kind.SPOT_CHECK
        if state == "scheduled":
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(today - dt.timedelta(days=rng.randint(1, 20))),
            )
        elif state == "in_progress":
            started = self._at(today, hour=8)
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
            )
        elif state == "completed":
            oldest = max(
                membership.certified_on + dt.timedelta(days=60), today - dt.timedelta(days=900)
            )
            day = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days - 1)))
            started = self._at(min(day, today - dt.timedelta(days=1)), hour=9)
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
                completed=started + dt.timedelta(hours=rng.randint(3, 7)),
                outcome=SiteValidation.Outcome.MEETS,
            )
        else:  # cancelled
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 60)), [(2, 20)])
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=times[0],
                cancelled=times[1],
                scheduled_for=self._local(times[1]) + dt.timedelta(days=rng.randint(3, 20)),
            )

    def _incident(
        self,
        co: Co,
        membership: Membership,
        state: str,
        *,
        concluded: dt.datetime | None = None,
    ) -> Incident:
        rng = self.rng
        today = self.today
        description, cause, strategy = rng.choice(INCIDENTS)
        S = Incident.State
        if state == S.REPORTED:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 8)), [(0, 2)])
        elif state == S.UNDER_ANALYSIS:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 20)), [(0, 2), (1, 7)])
        else:
            if concluded is None:
                oldest = max(
                    membership.certified_on + dt.timedelta(days=90), today - dt.timedelta(days=900)
                )
                end = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days)))
            else:
                end = self._local(concluded)
            times = self._timeline(end, [(0, 2), (1, 7), (10, 60)])
            if concluded is not None:
                shift = concluded - times[-1]
                times = [t + shift for t in times]
        occurred = self._local(times[0]) - dt.timedelta(days=rng.randint(0, 2))
        reported_at = times[1]
        analysis_at = times[2] if len(times) > 2 else None
        concluded_at = times[3] if len(times) > 3 else None
        reporter = rng.choice(co.users)
        officer = co.officer
        incident = self._stamp(
            Incident(
                company=co.company,
                membership=membership,
                occurred_on=occurred,
                description=description,
                reported_by=reporter,
                analyst=officer if analysis_at else None,
                cause=cause if concluded_at else "",
                mitigating_circumstances=rng.choice(MITIGATING) if concluded_at else "",
                prevention_strategy=strategy if concluded_at else "",
                concluded_at=concluded_at,
                state=state,
            ),
            reported_at,
            concluded_at or analysis_at or reported_at,
        )
        ev = self._event
        ev(incident, co, reported_at, reporter, "report", "", S.REPORTED, description)
        if analysis_at:
            ev(incident, co, analysis_at, officer, "start_analysis", S.REPORTED, S.UNDER_ANALYSIS)
        if concluded_at:
            ev(
                incident,
                co,
                concluded_at,
                officer,
                "conclude",
                S.UNDER_ANALYSIS,
                S.CONCLUDED,
                cause,
            )
        return incident

    def _notice(self, co: Co, membership: Membership, kind_of_story: str) -> None:
        rng = self.rng
        today = self.today
        S = ChangeNotice.State
        kind = rng.choice(ChangeNotice.Kind.values)
        description = rng.choice(CHANGE_NOTICES[kind])
        follow = kind_of_story.startswith("follow_up")
        if kind_of_story == "submitted":
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 12)), [])
        elif follow:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 30)), [(2, 10)])
        else:
            oldest = max(
                membership.certified_on + dt.timedelta(days=30), today - dt.timedelta(days=900)
            )
            end = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days)))
            times = self._timeline(end, [(1, 15)])
        reported = times[0]
        reporter = rng.choice(co.users)
        state = S.SUBMITTED
        follow_up = ""
        note = ""
        if kind_of_story == "acknowledged":
            state, note = S.ACKNOWLEDGED, rng.choice(ACKNOWLEDGE_NOTES)
        elif kind_of_story == "follow_up_spot_check":
            state, follow_up = S.FOLLOW_UP, "spot_check"
        elif kind_of_story == "follow_up_revalidation":
            state, follow_up = S.FOLLOW_UP, "revalidation"
        notice = self._stamp(
            ChangeNotice(
                company=co.company,
                membership=membership,
                kind=kind,
                description=description,
                effective_on=self._local(reported) - dt.timedelta(days=rng.randint(0, 20)),
                reported_by=reporter,
                state=state,
                follow_up=follow_up,
            ),
            reported,
            times[-1],
        )
        ev = self._event
        officer = co.officer
        ev(notice, co, reported, reporter, "report", "", S.SUBMITTED, description)
        if state == S.ACKNOWLEDGED:
            notice.officer_note = note
            ev(notice, co, times[1], officer, "acknowledge", S.SUBMITTED, S.ACKNOWLEDGED, note)
        elif follow_up == "spot_check":
            self._visit(
                co,
                kind=SiteValidation.Kind.SPOT_CHECK,
                membership=membership,
                change_notice=notice,
                scheduled=times[1],
            )
            note = "Follow-up opened by an officer."  # as the service: no kind, no date
            notice.officer_note = note
            ev(notice, co, times[1], officer, "open_follow_up", S.SUBMITTED, S.FOLLOW_UP, note)
        elif follow_up == "revalidation":
            self._cycle(co, membership, R.OPEN, early_notice=notice, opened=times[1])
            note = f"Opened early after the change reported on {notice.effective_on.isoformat()}."
            notice.officer_note = note
            ev(
                notice,
                co,
                times[1] + dt.timedelta(seconds=1),
                officer,
                "open_follow_up",
                S.SUBMITTED,
                S.FOLLOW_UP,
                note,
            )
