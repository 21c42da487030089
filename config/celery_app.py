import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("trusted_trader")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels with the task, and the worker logs each task run (core.logging).
# Imported here, not at the top: the settings module must be chosen first.
from core.logging import (  # noqa: E402
    task_postrun_log,
    task_prerun_bind,
    task_publish_add_request_id,
)

before_task_publish.connect(task_publish_add_request_id, weak=False)
task_prerun.connect(task_prerun_bind, weak=False)
task_postrun.connect(task_postrun_log, weak=False)
