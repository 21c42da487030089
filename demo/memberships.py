"""Memberships: certification, suspension, appeal, cancellation, renewal or lapse, and the
revalidation and monitoring of current members."""

from __future__ import annotations

import datetime as dt

from core.dates import MEMBERSHIP_YEARS, add_years, membership_expiry, membership_renewal_expiry
from demo.applications import ApplicationBuilder
from demo.base import Co
from demo.catalogue import APPEAL_GROUNDS, CANCELLATION_REASONS, SUSPENSION_REASONS, UPHOLD_REASONS
from demo.scenarios import (
    MEMBER_FIRST,
    MEMBER_STORY_STATES,
    REVALIDATION_OPENS_DAYS_BEFORE,
    A,
    M,
    R,
)
from traders.models import Application, Membership


class MembershipBuilder(ApplicationBuilder):
    """Members: the certified application (``applications``), then the membership with its
    revalidation and monitoring."""

    def _member(
        self,
        co: Co,
        *,
        story: tuple[str, int | None, str | None] | None = None,
        certified_on: dt.date | None = None,
        programme: str | None = None,
    ) -> None:
        rng = self.rng
        today = self.today
        if story is None:
            i = self.counters["member"]
            self.counters["member"] += 1
            story = (
                MEMBER_FIRST[i]
                if i < len(MEMBER_FIRST)
                else (self._pick(self.w_member), None, None)
            )
        kind, days_left, cycle_state = story
        if certified_on is not None:
            pass
        elif kind == "active":
            if days_left is not None:
                expires_on = today + dt.timedelta(days=days_left)
                certified_on = add_years(expires_on, -MEMBERSHIP_YEARS)
            else:
                # Spread over the past four years, so expiries spread over the next four.
                certified_on = today - dt.timedelta(days=rng.randint(20, 4 * 365 - 1))
        elif kind == "renewed":
            # Renewed at the first expiry, which fell in the last years (or falls soon).
            first_expiry = today - dt.timedelta(days=rng.randint(-30, 1000))
            certified_on = add_years(first_expiry, -MEMBERSHIP_YEARS)
        elif kind == "lapsed":
            expired_on = today - dt.timedelta(days=rng.randint(2, 400))
            certified_on = add_years(expired_on, -MEMBERSHIP_YEARS)
        elif kind == "suspended":
            # Not near expiry: the revalidation of a suspended membership is not opened.
            certified_on = today - dt.timedelta(days=rng.randint(150, 4 * 365 - 200))
        else:  # cancelled, appealed, upheld
            certified_on = today - dt.timedelta(days=rng.randint(500, 4 * 365 - 60))
        certified_at = self._at(certified_on, hour=rng.randint(9, 15))
        app = self._application(co, A.CERTIFIED, certified_at=certified_at, programme=programme)
        programmes = app.programme.split("+")

        for number, prog in enumerate(programmes):
            self._membership(
                co, app, prog, kind, cycle_state, certified_on, certified_at, primary=number == 0
            )

    def _membership(
        self,
        co: Co,
        app: Application,
        programme: str,
        kind: str,
        cycle_state: str | None,
        certified_on: dt.date,
        certified_at: dt.datetime,
        *,
        primary: bool,
    ) -> None:
        rng = self.rng
        today = self.today
        expires_on = membership_expiry(certified_on)
        # The state field is protected: the membership is built in its final state.
        state = MEMBER_STORY_STATES[kind]
        membership = self._stamp(
            Membership(
                company=co.company,
                application=app,
                programme=programme,
                certified_on=certified_on,
                expires_on=expires_on,
                assigned_officer=co.officer,
                state=state,
                state_changed_at=certified_at,
            ),
            certified_at,
        )
        ev = self._event
        manager, trader = self.manager, co.signer
        when = certified_at + dt.timedelta(seconds=1 + len(programme))
        ev(membership, co, when, manager, "certify", "", M.ACTIVE)
        last = when

        if kind == "renewed":
            completed, visited = self._cycle(co, membership, R.COMPLETED)
            assert visited is not None  # a completed cycle rests on a completed visit
            membership.last_renewed_on = self._local(completed)
            membership.expires_on = membership_renewal_expiry(
                renewed_on=membership.last_renewed_on, validated_on=self._local(visited)
            )
            ev(
                membership,
                co,
                completed + dt.timedelta(seconds=1),
                co.officer,
                "renew",
                M.ACTIVE,
                M.ACTIVE,
                f"Renewed until {membership.expires_on.isoformat()}.",
            )
            last = completed
        elif kind == "lapsed":
            lapsed_at, _visited = self._cycle(co, membership, R.LAPSED)
            ev(
                membership,
                co,
                lapsed_at + dt.timedelta(seconds=1),
                None,
                "lapse",
                M.ACTIVE,
                M.LAPSED,
                "Revalidation not completed by the expiry date.",
            )
            last = lapsed_at
        elif kind == "suspended":
            day = today - dt.timedelta(
                days=rng.randint(3, min(200, (today - certified_on).days - 30))
            )
            last = self._at(day)
            ev(
                membership,
                co,
                last,
                manager,
                "suspend",
                M.ACTIVE,
                M.SUSPENDED,
                rng.choice(SUSPENSION_REASONS),
            )
        elif kind in ("cancelled", "appealed", "upheld"):
            if kind == "appealed":
                day = today - dt.timedelta(days=rng.randint(3, 25))
            elif kind == "upheld":
                day = today - dt.timedelta(days=rng.randint(80, 400))
            else:
                day = today - dt.timedelta(days=rng.randint(1, 400))
            from_state = M.ACTIVE
            if rng.random() < 0.5:
                suspended = self._at(day - dt.timedelta(days=rng.randint(20, 60)))
                ev(
                    membership,
                    co,
                    suspended,
                    manager,
                    "suspend",
                    M.ACTIVE,
                    M.SUSPENDED,
                    rng.choice(SUSPENSION_REASONS),
                )
                from_state = M.SUSPENDED
            last = self._at(day)
            membership.cancelled_on = day
            ev(
                membership,
                co,
                last,
                manager,
                "cancel",
                from_state,
                M.CANCELLED,
                rng.choice(CANCELLATION_REASONS),
            )
            if kind in ("appealed", "upheld"):
                appeal_day = day + dt.timedelta(
                    days=rng.randint(1, min(28, max(1, (today - day).days)))
                )
                last = max(self._at(appeal_day), last + dt.timedelta(minutes=5))
                ev(
                    membership,
                    co,
                    last,
                    trader,
                    "appeal",
                    M.CANCELLED,
                    M.APPEALED,
                    rng.choice(APPEAL_GROUNDS),
                )
            if kind == "upheld":
                last = self._at(self._local(last) + dt.timedelta(days=rng.randint(15, 45)))
                ev(
                    membership,
                    co,
                    last,
                    manager,
                    "uphold_cancellation",
                    M.APPEALED,
                    M.UPHELD,
                    rng.choice(UPHOLD_REASONS),
                )
        elif kind == "active":
            days_left = (expires_on - today).days
            if cycle_state is None and days_left <= REVALIDATION_OPENS_DAYS_BEFORE:
                elapsed = REVALIDATION_OPENS_DAYS_BEFORE - days_left
                if elapsed < 30:
                    cycle_state = R.OPEN
                elif elapsed < 90:
                    cycle_state = rng.choice((R.OPEN, R.PROFILE_SUBMITTED, R.PROFILE_SUBMITTED))
                else:
                    cycle_state = self.rng.choices(
                        (R.OPEN, R.PROFILE_SUBMITTED, R.VALIDATION_SCHEDULED), (15, 35, 50)
                    )[0]
            if cycle_state is not None:
                self._cycle(co, membership, cycle_state)
        membership.state_changed_at = last
        membership.updated_at = last

        if primary and state in (M.ACTIVE, M.SUSPENDED) and (today - certified_on).days > 180:
            self._monitoring(co, membership)
