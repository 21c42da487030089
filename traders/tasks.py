"""Celery tasks of the traders app: they take ids, look the objects up and call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError, transaction

from . import reporting
from .documents import certificate_issue
from .models import Company, Membership

logger = logging.getLogger(__name__)


@shared_task(
    name="traders.issue_certificate",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def issue_certificate(membership_id: int, reason: str) -> int | None:
    """Issue the certificate of the membership's current validity. Idempotent: run twice
    (a redelivery, a retry), it stores one certificate (unique constraint)."""
    try:
        membership = Membership.objects.get(pk=membership_id)
    except Membership.DoesNotExist:
        logger.warning("membership %s no longer exists: no certificate", membership_id)
        return None
    return certificate_issue(membership=membership, reason=reason).pk


@shared_task(name="traders.reporting_check")
def reporting_check() -> int:
    """Daily: find the applications and memberships whose copy of their company has drifted
    (``traders.reporting``), log each at ERROR (an operator should learn what wrote past
    the services) and rewrite them from their companies. Returns how many rows drifted."""
    drift = reporting.copies_drift()
    for row in drift[:100]:
        logger.error("reporting copy drifted: %s", row)
    if drift:
        with transaction.atomic():
            companies = sorted({row.company_id for row in drift})
            list(Company.objects.select_for_update().filter(pk__in=companies).values("pk"))
            reporting.company_copies_write(company_ids=companies)
        logger.error(
            "reporting copies rebuilt: %d rows of %d companies", len(drift), len(companies)
        )
    return len(drift)
