"""Writing the demo data set, only where the settings allow it (never in production)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from core.errors import DomainError
from demo.base import SeedReport
from demo.seeder import Seeder


class DemoDataNotAllowed(DomainError):
    """The settings do not allow demo data (its users share a published password)."""

    code = "demo_data_not_allowed"


def demo_data_allowed_check() -> None:
    """Refuse unless the settings say ``DEMO_DATA_ALLOWED = True`` (local and test do;
    production does not, and a setting that is missing counts as no)."""
    if getattr(settings, "DEMO_DATA_ALLOWED", False) is not True:
        raise DemoDataNotAllowed(
            "Demo data is not allowed with these settings (DEMO_DATA_ALLOWED is not True): "
            "its users share a published password and one of them is a superuser. "
            "Use config.settings.local, never production."
        )


def demo_seed(
    *,
    companies: int,
    seed: int = 2026,
    batch_size: int = 2000,
    full_profiles: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Create the demo users (if missing) and ``companies`` more companies; see the command's
    help for what is built. Each batch of companies is written in one transaction. Refuses,
    before writing anything, where the settings do not allow demo data."""
    demo_data_allowed_check()
    return Seeder(
        seed=seed, batch_size=max(1, batch_size), full_profiles=full_profiles, progress=progress
    ).run(companies=companies)
