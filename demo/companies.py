"""Companies with their sites and users, each taking an application's and a membership's
story; the demo trader's company."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.dates import add_years
from core.models import Role, User
from demo.accounts import DEMO_COMPANY
from demo.base import Co, ascii_slug
from demo.catalogue import (
    CA_REGIONS,
    CORES_EN,
    CORES_FR,
    FIRST_NAMES_EN,
    FIRST_NAMES_FR,
    LAST_NAMES_EN,
    LAST_NAMES_FR,
    PLACES_EN,
    PLACES_FR,
    PLACES_US,
    SECOND_TYPES,
    SITE_KINDS_BY_TYPE,
    SITE_NAMES,
    STREETS_EN,
    STREETS_FR,
    STREETS_US,
    SUFFIXES_CA,
    SUFFIXES_QC,
    SUFFIXES_US,
    US_REGIONS,
)
from demo.memberships import MembershipBuilder
from demo.scenarios import PIPELINE_FIRST, A
from traders.models import Application, Company, CompanyUser, Site


class CompanyBuilder(MembershipBuilder):
    """Companies, each with an application or a membership (``memberships``)."""

    def _company(self, n: int, *, demo: bool) -> None:
        rng = self.rng
        b = self.batch
        if demo:
            company = Company(business_number=self._business_number() + "RM0001", **DEMO_COMPANY)
            types = ["highway_carrier", "importer"]
            lang = "en"
            region_cities = CA_REGIONS["ON"][1]
        else:
            company, types, lang, region_cities = self._company_identity()
        company.mra_sharing_consent = rng.random() < 0.55
        b.add(company)
        link_model = Company.business_types.through
        for code in types:
            b.links.append(
                (link_model, "company_id", "businesstype_id", company, self.business_types[code])
            )

        domain = "northboundfreight.example" if demo else company.contact_email.split("@", 1)[1]
        users: list[User] = []
        n_users = 1 + (rng.random() < 0.6) + (rng.random() < 0.25)
        for j in range(n_users):
            if demo and j == 0:
                user = self.demo_trader
            else:
                fr = lang == "fr"
                first = rng.choice(FIRST_NAMES_FR if fr else FIRST_NAMES_EN)
                last = rng.choice(LAST_NAMES_FR if fr else LAST_NAMES_EN)
                user = User(
                    email=self._email(first, last, domain),
                    full_name=f"{first} {last}",
                    role=Role.TRADER,
                    preferred_language=lang,
                    # Only the demo users sign in; the others have no usable password.
                    password=f"!{rng.getrandbits(128):032x}",
                )
                b.add(user)
            users.append(user)

        sites = []
        main_type = types[0]
        n_sites = 1 + (rng.random() < 0.5) + (rng.random() < 0.2)
        for j in range(n_sites):
            if j == 0:
                kind = "office"
                city, street, postal = company.city, company.street_address, company.postal_code
            else:
                kind = rng.choice(SITE_KINDS_BY_TYPE.get(main_type, ("warehouse", "other")))
                city, prefix, _area = rng.choice(region_cities)
                street = self._street(company.country, lang)
                postal = self._postal(company.country, prefix)
            sites.append(
                b.add(
                    Site(
                        company=company,
                        name=SITE_NAMES[kind] if j < 2 else f"{SITE_NAMES[kind]} ({city})",
                        kind=kind,
                        street_address=street,
                        city=city,
                        province=company.province,
                        country=company.country,
                        postal_code=postal,
                    )
                )
            )

        co = Co(
            company=company,
            signer=users[0],
            users=users,
            sites=sites,
            officer=self.officers[0] if demo else self._officer(),
            full=n < self.full_profiles,
            lang=lang,
        )
        for link in users:
            b.add(
                CompanyUser(
                    company=company,
                    user=link,
                    company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
                    if link is users[0]
                    else CompanyUser.CompanyRole.CONTRIBUTOR,
                )
            )

        if demo:
            self._demo_company(co)
        else:
            state = self._next("pipeline", PIPELINE_FIRST, self.w_pipeline)
            if state == A.CERTIFIED:
                self._member(co)
            else:
                self._application(co, state)

        # Everything about the company starts when it registered.
        created = co.created_at or self.now
        company.created_at = company.updated_at = created
        for obj in [*sites]:
            obj.created_at = obj.updated_at = created
        for obj in b.rows[CompanyUser][-len(users) :]:
            obj.created_at = obj.updated_at = created
        for user in users:
            if user.pk is None:
                user.date_joined = created + dt.timedelta(minutes=rng.randint(0, 3000))
                if user.date_joined > self.now:
                    user.date_joined = created
        self._event(company, co, created, co.signer, "company_created")

    def _company_identity(self) -> tuple[Company, list[str], str, Any]:
        rng = self.rng
        us = rng.random() < 0.08
        main_type = self._pick(self.w_types)
        types = [main_type]
        if rng.random() < 0.25:
            types.append(rng.choice(SECOND_TYPES[main_type]))
        if us:
            state = rng.choice(list(US_REGIONS))
            cities = US_REGIONS[state]
            lang = "en"
        else:
            state = self._pick(self.w_regions)
            cities = CA_REGIONS[state][1]
            lang = "fr" if state == "QC" and rng.random() < 0.85 else "en"
            if state == "NB" and rng.random() < 0.3:
                lang = "fr"
        city, prefix, area = rng.choice(cities)

        if lang == "fr":
            core = rng.choice(CORES_FR[main_type])
            if rng.random() < 0.6:
                stem = f"{core} {rng.choice(PLACES_FR)}"
            else:
                stem = f"{core} {rng.choice(LAST_NAMES_FR)}"
            suffix = rng.choice(SUFFIXES_QC)
        else:
            core = rng.choice(CORES_EN[main_type])
            roll = rng.random()
            if roll < 0.6:
                stem = f"{rng.choice(PLACES_US if us else PLACES_EN)} {core}"
            elif roll < 0.9:
                stem = f"{rng.choice(LAST_NAMES_EN)} {core}"
            else:
                stem = f"{rng.choice(LAST_NAMES_EN)} & {rng.choice(LAST_NAMES_EN)} {core}"
            suffix = rng.choice(SUFFIXES_US if us else SUFFIXES_CA)
        legal = f"{stem} {suffix}"
        roll = rng.random()
        if roll < 0.65:
            operating = stem
        elif roll < 0.85:
            initials = "".join(w[0] for w in stem.replace("&", "").split() if w[0].isalpha())
            operating = f"{initials.upper()} {rng.choice(('Express', 'Logistics', 'Group'))}"
        else:
            operating = ""
        domain = ascii_slug(operating or stem)[:40] + ".example"
        company = Company(
            legal_name=legal,
            operating_name=operating,
            business_number=self._business_number() + "RM0001",
            country="US" if us else "CA",
            province=state,
            city=city,
            street_address=self._street("US" if us else "CA", lang),
            postal_code=self._postal("US" if us else "CA", prefix),
            phone=f"{area}-555-01{rng.randint(0, 99):02d}",
            contact_email=f"info@{domain}",
        )
        return company, types, lang, cities

    def _street(self, country: str, lang: str) -> str:
        rng = self.rng
        number = rng.randint(10, 9990)
        if country == "US":
            return f"{number} {rng.choice(STREETS_US)}"
        if lang == "fr":
            return f"{number}, {rng.choice(STREETS_FR)}"
        return f"{number} {rng.choice(STREETS_EN)}"

    def _postal(self, country: str, prefix: str) -> str:
        if country == "US":
            return prefix
        rng = self.rng
        letters = "ABCEGHJKLMNPRSTVWXYZ"
        return f"{prefix} {rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"

    def _demo_company(self, co: Co) -> None:
        """The demo trader's company: an active PIP member with a CSA application in draft,
        and the first of every monitoring scenario (a plan to answer, a visit coming...)."""
        certified_on = add_years(self.today, -2) - dt.timedelta(days=37)
        self._member(co, story=("active", None, None), certified_on=certified_on, programme="PIP")
        created = self._timeline(self.today - dt.timedelta(days=6), [])[0]
        self._draft_application(co, created, programme=Application.ProgrammeChoice.CSA)
