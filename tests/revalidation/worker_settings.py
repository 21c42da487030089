"""Settings for the real Celery worker of test_sweep_on_a_real_worker.py: the test settings
(the test database named by DATABASE_URL), Redis as the broker under a key prefix and queue
of the test's own, a short visibility timeout so that a message left unacknowledged by a
killed worker comes back within seconds, and e-mail written to files the test reads."""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": env.str("TT_TEST_KEY_PREFIX"),
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("TT_TEST_QUEUE")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
EMAIL_BACKEND = "tests.revalidation.mail_backends.BlockableFileBackend"
EMAIL_FILE_PATH = env.str("TT_TEST_MAIL_DIR")
