"""Revalidation cycles: the profile resubmitted, the visit, the renewal or the lapse."""

from __future__ import annotations

import datetime as dt

from demo.base import Co
from demo.profiles import ProfileBuilder
from demo.scenarios import REVALIDATION_OPENS_DAYS_BEFORE, R
from demo.visits import VisitBuilder
from revalidation.models import RevalidationCycle
from traders.models import ChangeNotice, Membership, SecurityProfile
from validations.models import SiteValidation


class CycleBuilder(VisitBuilder, ProfileBuilder):
    """Revalidation cycles: a resubmitted profile (``profiles``) and a visit (``visits``)."""

    def _cycle(
        self,
        co: Co,
        membership: Membership,
        state: str,
        *,
        early_notice: ChangeNotice | None = None,
        opened: dt.datetime | None = None,
    ) -> tuple[dt.datetime, dt.datetime | None]:
        """A revalidation cycle of ``membership`` in ``state``; returns the moment of its
        last step (completion or lapse) and the moment its site validation was completed
        (None if it was not)."""
        rng = self.rng
        today = self.today
        due = membership.expires_on
        ev = self._event
        officer = co.officer
        if opened is None:
            opened = min(
                dt.datetime.combine(
                    due - dt.timedelta(days=REVALIDATION_OPENS_DAYS_BEFORE),
                    dt.time(2, rng.randint(0, 30)),
                    tzinfo=self.tz,
                ),
                self.now - dt.timedelta(minutes=30),
            )
        opened_day = self._local(opened)
        # Moments of the later steps, each before both today and the due date.
        horizon = min(today, due - dt.timedelta(days=1))
        room = max((horizon - opened_day).days, 3)
        submitted = scheduled = started = completed = lapsed = completed_visit = None
        if state != R.OPEN:
            if state == R.LAPSED:
                if rng.random() < 0.5:
                    submitted = self._at(opened_day + dt.timedelta(days=rng.randint(10, 120)))
                lapsed = dt.datetime.combine(
                    due + dt.timedelta(days=1), dt.time(2, 5), tzinfo=self.tz
                )
            elif state == R.PROFILE_SUBMITTED:
                submitted = self._at(
                    opened_day + dt.timedelta(days=rng.randint(room // 3, room - 1))
                )
            else:
                submitted = self._at(
                    opened_day + dt.timedelta(days=rng.randint(room // 5, room // 2))
                )
                sub_day = self._local(submitted)
                if state == R.VALIDATION_SCHEDULED:
                    scheduled = self._at(
                        sub_day
                        + dt.timedelta(days=rng.randint(1, max(1, (horizon - sub_day).days)))
                    )
                else:  # completed: visit, then completion before the due date
                    scheduled = self._at(sub_day + dt.timedelta(days=rng.randint(3, 20)))
                    visit_day = self._local(scheduled) + dt.timedelta(days=rng.randint(14, 35))
                    started = self._at(visit_day, hour=9)
                    completed_visit = started + dt.timedelta(hours=rng.randint(3, 7))
                    completed = self._at(visit_day + dt.timedelta(days=rng.randint(1, 10)))
        profile_created = opened
        source_answers = co.answers if co.full else []
        profile = self._stamp(
            SecurityProfile(company=co.company, catalogue=self.catalogue, submitted_at=submitted),
            profile_created,
            submitted,
        )
        if source_answers:
            self._answers(
                co, profile, opened, submitted or opened, 1.0, copy_from=self._align(source_answers)
            )
        visit = None
        if scheduled is not None:
            if state == R.VALIDATION_SCHEDULED:
                sched_day = self._local(scheduled)
                first_day = max(today + dt.timedelta(days=1), sched_day + dt.timedelta(days=7))
                last_day = max(first_day, due - dt.timedelta(days=1))
                visit = self._visit(
                    co,
                    kind=SiteValidation.Kind.REVALIDATION,
                    membership=membership,
                    scheduled=scheduled,
                    scheduled_for=first_day
                    + dt.timedelta(days=rng.randint(0, (last_day - first_day).days)),
                    sites=co.sites,
                )
            else:
                visit = self._visit(
                    co,
                    kind=SiteValidation.Kind.REVALIDATION,
                    membership=membership,
                    scheduled=scheduled,
                    started=started,
                    completed=completed_visit,
                    outcome=SiteValidation.Outcome.MEETS,
                    sites=co.sites,
                )
        last = completed or lapsed or scheduled or submitted or opened
        cycle = self._stamp(
            RevalidationCycle(
                company=co.company,
                membership=membership,
                profile=profile,
                site_validation=visit,
                change_notice=early_notice,
                opened_on=opened_day,
                due_on=due,
                submitted_at=submitted,
                completed_on=self._local(completed) if completed else None,
                opened_by=officer if early_notice else None,
                early=early_notice is not None,
                state=state,
            ),
            opened,
            last,
        )
        note = ""
        if early_notice is not None:
            note = f"Opened early after the change reported on {early_notice.effective_on.isoformat()}."
        ev(cycle, co, opened, officer if early_notice else None, "open", "", R.OPEN, note)
        current = R.OPEN
        if submitted is not None:
            ev(cycle, co, submitted, co.signer, "submit_profile", R.OPEN, R.PROFILE_SUBMITTED)
            current = R.PROFILE_SUBMITTED
        if scheduled is not None:
            ev(
                cycle,
                co,
                scheduled,
                officer,
                "schedule_validation",
                R.PROFILE_SUBMITTED,
                R.VALIDATION_SCHEDULED,
            )
            current = R.VALIDATION_SCHEDULED
        if completed is not None:
            ev(cycle, co, completed, officer, "complete", R.VALIDATION_SCHEDULED, R.COMPLETED)
        if lapsed is not None:
            ev(
                cycle,
                co,
                lapsed,
                None,
                "lapse",
                current,
                R.LAPSED,
                "Not completed by the due date.",
            )
        return last, completed_visit
