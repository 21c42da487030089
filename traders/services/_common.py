"""Private helpers shared by the modules of the package."""

from __future__ import annotations

from django.db import transaction


def _certificate_enqueue(*, membership_id: int, reason: str) -> None:
    """Issue the membership's certificate once the transaction commits. ``robust``: a broker
    outage must not fail a committed decision (the download endpoint issues a missing
    certificate on the spot)."""
    from ..tasks import issue_certificate  # lazy: keeps WeasyPrint out of the services' import

    transaction.on_commit(lambda: issue_certificate.delay(membership_id, reason), robust=True)
