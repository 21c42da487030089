import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> str:
    """Beat's proof of life: the worker logs it, operators see the scheduler is running."""
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now
