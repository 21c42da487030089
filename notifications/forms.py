"""The staff page's filters over the reminders' ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Reminder, ReminderKind


class ReminderFilterForm(forms.Form):
    """Read from the query string; a value that does not parse is ignored (the filter falls
    back to "all") rather than failing the page."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Sent and failed")), *Reminder.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *ReminderKind.choices], required=False
    )
    recorded_from = forms.DateField(
        label=_("Recorded from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    recorded_to = forms.DateField(
        label=_("Recorded until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def values(self) -> dict[str, Any]:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        start: dt.date | None = data.get("recorded_from")
        end: dt.date | None = data.get("recorded_to")
        if start and end and end < start:
            data["recorded_from"], data["recorded_to"] = end, start
        return data
