"""Site validations (application visits, revalidation visits, spot checks) and their
findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from demo.base import Co, SeederBase
from demo.catalogue import CANCEL_VISIT_REASONS, FINDING_NOTES, RECOMMENDATIONS
from demo.scenarios import V
from traders.models import Application, ChangeNotice, Membership, Requirement, Site
from validations.models import Finding, SiteValidation


class VisitBuilder(SeederBase):
    """Site validations and their findings."""

    def _visit(
        self,
        co: Co,
        *,
        kind: str,
        scheduled: dt.datetime,
        started: dt.datetime | None = None,
        completed: dt.datetime | None = None,
        cancelled: dt.datetime | None = None,
        outcome: str = "",
        application: Application | None = None,
        membership: Membership | None = None,
        change_notice: ChangeNotice | None = None,
        joint: bool = False,
        sites: Sequence[Site] = (),
        scheduled_for: dt.date | None = None,
        findings: Sequence[tuple[Requirement, str]] = (),
    ) -> SiteValidation:
        """A site validation scheduled at ``scheduled`` and, if given, started, completed
        (with findings) or cancelled at those moments."""
        rng = self.rng
        lead = co.officer
        if scheduled_for is None:
            if cancelled is not None:
                scheduled_for = self._local(cancelled) + dt.timedelta(days=rng.randint(3, 20))
            elif started is not None:
                scheduled_for = self._local(started)
            else:
                earliest = max(
                    self._local(scheduled) + dt.timedelta(days=14),
                    self.today + dt.timedelta(days=3),
                )
                scheduled_for = earliest + dt.timedelta(days=rng.randint(0, 40))
        state = V.SCHEDULED
        if cancelled is not None:
            state = V.CANCELLED
        elif completed is not None:
            state = V.COMPLETED
        elif started is not None:
            state = V.IN_PROGRESS
        last = cancelled or completed or started or scheduled
        visit = self._stamp(
            SiteValidation(
                company=co.company,
                kind=kind,
                application=application,
                membership=membership,
                change_notice=change_notice,
                catalogue=self.catalogue,
                joint_with_cbp=joint,
                lead_officer=lead,
                scheduled_for=scheduled_for,
                started_at=started,
                completed_at=completed,
                outcome=outcome if state == V.COMPLETED else "",
                recommendations=rng.choice(RECOMMENDATIONS) if state == V.COMPLETED else "",
                cancel_reason=rng.choice(CANCEL_VISIT_REASONS) if state == V.CANCELLED else "",
                state=state,
            ),
            scheduled,
            last,
        )
        through = SiteValidation.sites.through
        for site in sites or co.sites[:1]:
            self.batch.links.append((through, "sitevalidation_id", "site_id", visit, site))
        team = [lead]
        if rng.random() < 0.35:
            team.append(self._other_officer(lead))
        through = SiteValidation.officers.through
        for officer in team:
            self.batch.links.append((through, "sitevalidation_id", "user_id", visit, officer))

        label = str(SiteValidation.Kind(kind).label)
        self._event(
            visit,
            co,
            scheduled,
            lead,
            "schedule",
            "",
            V.SCHEDULED,
            f"{label} on {scheduled_for.isoformat()}.",
        )
        if started is not None:
            self._event(visit, co, started, lead, "start", V.SCHEDULED, V.IN_PROGRESS)
        if cancelled is not None:
            self._event(
                visit,
                co,
                cancelled,
                lead,
                "cancel",
                V.IN_PROGRESS if started else V.SCHEDULED,
                V.CANCELLED,
                visit.cancel_reason,
            )
        elif completed is not None:
            assert started is not None
            self._findings(co, visit, outcome, started, completed, findings)
            self._event(
                visit,
                co,
                completed,
                lead,
                "complete",
                V.IN_PROGRESS,
                V.COMPLETED,
                str(SiteValidation.Outcome(outcome).label),
            )
        return visit

    def _shortfalls(self, outcome: str) -> list[tuple[Requirement, str]]:
        """The requirements a visit found not (fully) met, with the result."""
        rng = self.rng
        Result = Finding.Result
        results: tuple[Finding.Result, ...]
        if outcome == SiteValidation.Outcome.MEETS:
            # "Meets" stands only when every must requirement is met: a should may fall short.
            # A must drawn is swapped for a should without another draw, so that the rest of
            # the data set stays as it was.
            count = rng.choice((0, 0, 1))
            shoulds = [req for req in self.requirements if not req.is_mandatory]
            return [
                (
                    req if not req.is_mandatory else shoulds[req.pk % len(shoulds)],
                    rng.choice((Result.PARTIALLY_MEETS,)),
                )
                for req in rng.sample(self.requirements, count)
            ]
        if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN:
            count, results = rng.randint(2, 4), (Result.PARTIALLY_MEETS, Result.DOES_NOT_MEET)
        else:
            count, results = rng.randint(4, 8), (Result.DOES_NOT_MEET, Result.PARTIALLY_MEETS)
        return [(req, rng.choice(results)) for req in rng.sample(self.requirements, count)]

    def _findings(
        self,
        co: Co,
        visit: SiteValidation,
        outcome: str,
        started: dt.datetime,
        completed: dt.datetime,
        shortfalls: Sequence[tuple[Requirement, str]],
    ) -> None:
        """A finding per requirement for the first companies (``--full-profiles``); for the
        others only the findings that are not "meets", to keep the data set small."""
        rng = self.rng
        shortfalls = list(shortfalls) or self._shortfalls(outcome)
        visit.shortfalls = shortfalls  # type: ignore[attr-defined]  # read by _plan
        by_req = {req.pk: result for req, result in shortfalls}
        span = max((completed - started).total_seconds(), 600.0)
        Result = Finding.Result
        for req in self.requirements if co.full else [req for req, _r in shortfalls]:
            result = by_req.get(req.pk)
            if result is None:
                result = (
                    Result.NOT_APPLICABLE
                    if not req.is_mandatory and rng.random() < 0.04
                    else Result.MEETS
                )
            note = (
                ""
                if result in (Result.MEETS, Result.NOT_APPLICABLE)
                else rng.choice(FINDING_NOTES[req.area.code])
            )
            self._stamp(
                Finding(
                    validation=visit,
                    requirement=req,
                    result=result,
                    note=note,
                    recorded_by=visit.lead_officer,
                ),
                started + dt.timedelta(seconds=rng.uniform(0, span * 0.9)),
            )
