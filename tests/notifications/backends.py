"""E-mail backends standing in for an SMTP server that is down: the only thing mocked."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend

calls: list[str] = []


class RefusingBackend(EmailBackend):
    """Every send fails as an unreachable SMTP server would."""

    def send_messages(self, messages: Any) -> int:
        calls.append("refused")
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(EmailBackend):
    """Sends the first message, then fails once on the second; succeeds afterwards."""

    failed_once = False

    def send_messages(self, messages: Any) -> int:
        if len(self.__class__.sent_to) >= 1 and not self.__class__.failed_once:
            self.__class__.failed_once = True
            raise ConnectionResetError("connection reset by peer")
        for message in messages:
            self.__class__.sent_to.extend(message.to)
        return super().send_messages(messages)

    sent_to: list[str] = []
