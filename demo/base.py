"""The seeder's state and the small helpers every builder uses: the random draws, the
moments of a timeline, the audit events and files a batch collects."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from core.dates import agency_today, agency_tz
from core.models import StoredFile, User
from demo.catalogue import BUSINESS_TYPE_WEIGHTS, CA_REGIONS
from demo.scenarios import (
    INCIDENT_RANDOM,
    MEMBER_WEIGHTS,
    NOTICE_RANDOM,
    PIPELINE_WEIGHTS,
    PLAN_RANDOM,
    SPOT_RANDOM,
)
from traders.models import BusinessType, CatalogueVersion, Company, ProfileAnswer, Requirement, Site
from traders.services import EVIDENCE_CONTENT_TYPES


@dataclass
class SeedReport:
    companies: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    created_demo_users: bool = False


@dataclass
class Co:
    """What the builders need to know about the company being built."""

    company: Company
    signer: User
    users: list[User]
    sites: list[Site]
    officer: User
    full: bool
    lang: str
    created_at: dt.datetime | None = None
    answers: list[ProfileAnswer] = field(default_factory=list)


class Batch:
    def __init__(self) -> None:
        # Each model's objects, of that model (a map that mypy cannot type by its key).
        self.rows: dict[type[models.Model], list[Any]] = defaultdict(list)
        # (through model, left attname, right attname, left obj, right obj)
        self.links: list[tuple[Any, str, str, models.Model, models.Model]] = []
        # (obj, company, when, actor, action, from, to, note)
        self.events: list[tuple[Any, ...]] = []
        # Files to store, as an upload would be, once their row's company has its id.
        self.uploads: list[tuple[StoredFile, str, bytes]] = []

    def add(self, obj: models.Model) -> Any:
        self.rows[type(obj)].append(obj)
        return obj


def ascii_slug(text: str) -> str:
    """``text`` in lower-case ASCII letters and digits only (e-mail addresses, domains, file names)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


class SeederBase:
    """What every builder shares. ``run`` (:class:`demo.seeder.Seeder`) loads the
    reference data and :class:`demo.accounts.AccountBuilder` the demo users before the
    first company is built."""

    catalogue: CatalogueVersion
    requirements: list[Requirement]
    req_by_area: dict[str, list[Requirement]]
    business_types: dict[str, BusinessType]
    content_types: dict[type[models.Model], int]
    password: str
    used_numbers: set[str]
    used_emails: set[str]
    batch: Batch
    officers: list[User]
    manager: User
    demo_trader: User

    def __init__(
        self,
        *,
        seed: int,
        batch_size: int,
        full_profiles: int,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.full_profiles = full_profiles
        self.say = progress or (lambda _msg: None)
        self.tz = agency_tz()
        self.now = timezone.now()
        self.today = agency_today()
        self.counters: dict[str, int] = defaultdict(int)
        self.report = SeedReport()
        self.use_copy = connection.vendor == "postgresql"

    def _prepare_weights(self) -> None:
        def cum(weights: Any) -> tuple[list[Any], list[float]]:
            items = list(weights.items()) if isinstance(weights, dict) else list(weights)
            keys = [k for k, _w in items]
            total = 0.0
            acc = []
            for _k, w in items:
                total += w
                acc.append(total)
            return keys, acc

        self.w_pipeline = cum(PIPELINE_WEIGHTS)
        self.w_member = cum(MEMBER_WEIGHTS)
        self.w_types = cum(BUSINESS_TYPE_WEIGHTS)
        self.w_regions = cum({code: w for code, (w, _c) in CA_REGIONS.items()})
        self.w_plan = cum(PLAN_RANDOM[1])
        self.w_spot = cum(SPOT_RANDOM[1])
        self.w_incident = cum(INCIDENT_RANDOM[1])
        self.w_notice = cum(NOTICE_RANDOM[1])
        self.w_impl = cum(
            {
                ProfileAnswer.Implementation.IMPLEMENTED: 86,
                ProfileAnswer.Implementation.PARTIAL: 7,
                ProfileAnswer.Implementation.PLANNED: 3,
                ProfileAnswer.Implementation.NOT_APPLICABLE: 4,
            }
        )

    def _pick(self, weights: tuple[list[Any], list[float]]) -> Any:
        keys, acc = weights
        return self.rng.choices(keys, cum_weights=acc)[0]

    def _next(self, name: str, first: Sequence[Any], weights: Any) -> Any:
        """The next scenario of kind ``name``: the first ones in order (so that every state
        appears even in a small data set), then drawn at random with the weights."""
        i = self.counters[name]
        self.counters[name] += 1
        return first[i] if i < len(first) else self._pick(weights)

    def _maybe(
        self,
        name: str,
        first: Sequence[Any],
        random_spec: Any,
        weights: Any,
        allowed: Callable[[Any], bool] = lambda _scenario: True,
    ) -> Any:
        """Like :meth:`_next` for things only some members have: None when none is drawn
        (or when the next first scenario does not fit this member: it waits for the next)."""
        i = self.counters[name]
        if i < len(first):
            if not allowed(first[i]):
                return None
            self.counters[name] += 1
            return first[i]
        if self.rng.random() < random_spec[0]:
            scenario = self._pick(weights)
            return scenario if allowed(scenario) else None
        return None

    # --- small helpers ------------------------------------------------------------------

    def _count(self, model: type[models.Model], n: int) -> None:
        label = model._meta.label
        self.report.rows[label] = self.report.rows.get(label, 0) + n

    def _at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """A moment of ``day`` in office hours (agency time), never in the future."""
        rng = self.rng
        when = dt.datetime.combine(
            day,
            dt.time(rng.randint(8, 16) if hour is None else hour, rng.randint(0, 59)),
            tzinfo=self.tz,
        )
        latest = self.now - dt.timedelta(minutes=5)
        return when if when <= latest else latest - dt.timedelta(minutes=rng.randint(0, 120))

    def _timeline(self, end: dt.date, gaps: Sequence[tuple[int, int]]) -> list[dt.datetime]:
        """Moments of ``len(gaps) + 1`` events, the last on ``end``, each ``gaps[i]`` days
        (a random number in the range) after the one before; strictly increasing and never
        in the future."""
        rng = self.rng
        days = [end]
        for lo, hi in reversed(gaps):
            days.append(days[-1] - dt.timedelta(days=rng.randint(lo, hi)))
        days.reverse()
        times: list[dt.datetime] = []
        for day in days:
            when = dt.datetime.combine(
                day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=self.tz
            )
            if times and when <= times[-1]:
                when = times[-1] + dt.timedelta(minutes=rng.randint(5, 90))
            times.append(when)
        overshoot = times[-1] - (self.now - dt.timedelta(minutes=5))
        if overshoot > dt.timedelta(0):
            times = [t - overshoot for t in times]
        return times

    def _local(self, when: dt.datetime) -> dt.date:
        return when.astimezone(self.tz).date()

    def _event(
        self,
        obj: models.Model,
        co: Co,
        when: dt.datetime,
        actor: User | None,
        action: str,
        from_state: str = "",
        to_state: str = "",
        note: str = "",
    ) -> None:
        self.batch.events.append((obj, co.company, when, actor, action, from_state, to_state, note))

    def _stamp(self, obj: Any, created: dt.datetime, updated: dt.datetime | None = None) -> Any:
        obj.created_at = created
        obj.updated_at = updated or created
        return self.batch.add(obj)

    def _upload(self, obj: StoredFile, name: str, content: bytes) -> None:
        """A file attached as the services attach one: the uploader's name and the content
        type kept in the row, the content stored (at flush, once the company has its id)
        under a random name in the company's folder."""
        ext = name.rsplit(".", 1)[-1]
        obj.original_name = name
        obj.content_type = EVIDENCE_CONTENT_TYPES[ext]
        obj.size = len(content)
        self.batch.add(obj)
        self.batch.uploads.append((obj, name, content))

    def _officer(self) -> User:
        i = self.counters["officer"]
        self.counters["officer"] += 1
        return self.officers[i % len(self.officers)]

    def _other_officer(self, officer: User) -> User:
        others = [o for o in self.officers if o.pk != officer.pk]
        return self.rng.choice(others)

    def _business_number(self) -> str:
        rng = self.rng
        while True:
            digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
            # The ninth digit is a Luhn check digit, as in a real business number.
            total = 0
            for i, d in enumerate(reversed(digits)):
                if i % 2 == 0:
                    d *= 2
                    if d > 9:
                        d -= 9
                total += d
            digits.append((10 - total % 10) % 10)
            number = "".join(map(str, digits))
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _email(self, first: str, last: str, domain: str) -> str:
        base = f"{ascii_slug(first)}.{ascii_slug(last)}"
        email = f"{base}@{domain}"
        n = 2
        while email in self.used_emails:
            email = f"{base}{n}@{domain}"
            n += 1
        self.used_emails.add(email)
        return email
