"""The demo users (one per role, and more officers so that workloads spread), their published
password and the demo trader's company."""

from __future__ import annotations

import datetime as dt

from core.models import Role, User
from demo.base import SeederBase
from traders.models import CompanyUser

DEMO_PASSWORD = "demo-pass-2026"
DEMO_TRADER = "trader@demo.test"
# (e-mail, role, full name, what to try with it)
DEMO_USERS = (
    (
        DEMO_TRADER,
        Role.TRADER,
        "Alex Martin",
        "signing authority of Northbound Freight Lines (PIP member; draft CSA application)",
    ),
    ("officer@demo.test", Role.OFFICER, "Olivia Chen", "officer: applications, visits, plans"),
    ("manager@demo.test", Role.MANAGER, "Marc Gagnon", "manager: decisions and dashboard"),
    ("admin@demo.test", Role.ADMINISTRATOR, "Ada Lavoie", "administrator (superuser)"),
    ("partner@demo.test", Role.PARTNER, "U.S. CBP verification", "partner administration"),
)
EXTRA_OFFICERS = (
    "Priya Sandhu",
    "Étienne Bouchard",
    "Daniel Kowalski",
    "Geneviève Roy",
    "Omar Yusuf",
    "Hannah Fraser",
    "Mathieu Côté",
    "Grace Lam",
)
DEMO_COMPANY = {
    "legal_name": "Northbound Freight Lines Inc.",
    "operating_name": "Northbound Freight",
    "country": "CA",
    "province": "ON",
    "city": "Mississauga",
    "street_address": "6750 Transport Drive",
    "postal_code": "L5T 2V4",
    "phone": "905-555-0142",
    "contact_email": "info@northboundfreight.example",
}


class AccountBuilder(SeederBase):
    """The demo users, created once and reused by later runs."""

    def _staff_and_demo_users(self) -> bool:
        """Create the missing demo users; True when the demo trader still needs a company."""
        existing = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
        staff_specs = [(email, role, name) for email, role, name, _n in DEMO_USERS]
        staff_specs += [
            (f"officer{i}@demo.test", Role.OFFICER, name)
            for i, name in enumerate(EXTRA_OFFICERS, start=1)
        ]
        created = []
        for email, role, name in staff_specs:
            if email in existing:
                continue
            user = User(
                email=email,
                full_name=name,
                role=role,
                is_staff=role in (Role.OFFICER, Role.MANAGER, Role.ADMINISTRATOR),
                is_superuser=role == Role.ADMINISTRATOR,
                password=self.password,
                date_joined=self.now - dt.timedelta(days=4 * 365 + 200),
                preferred_language="fr" if name in ("Étienne Bouchard", "Geneviève Roy") else "en",
            )
            created.append(user)
            existing[email] = user
        if created:
            User.objects.bulk_create(created)
            self._count(User, len(created))
            self.used_emails.update(u.email for u in created)
            self.report.created_demo_users = True
        self.officers = [existing["officer@demo.test"]] + [
            existing[f"officer{i}@demo.test"] for i in range(1, len(EXTRA_OFFICERS) + 1)
        ]
        self.manager = existing["manager@demo.test"]
        self.demo_trader = existing[DEMO_TRADER]
        return not CompanyUser.objects.filter(user=self.demo_trader).exists()
