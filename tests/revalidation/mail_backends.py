"""The worker tests' e-mail backend: Django's file backend, which can be made to hang in
the middle of a delivery (while the flag file exists) so that the test can kill the worker
right there."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.filebased import EmailBackend


class BlockableFileBackend(EmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        flag = os.environ.get("TT_TEST_BLOCK_FLAG")
        if flag and Path(flag).exists():
            Path(f"{flag}.started").touch()
            time.sleep(300)  # killed here
        return super().send_messages(email_messages)
