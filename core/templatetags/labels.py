"""Audit events as people read them, in the active language: ``{% load labels %}``.

``{{ event|action_label }}`` names what happened (``core.errors.EVENT_LABELS``);
``{{ event|state_label:"from" }}`` and ``{{ event|state_label:"to" }}`` name the states, from
the ``State`` choices of the audited object's model. A code without a label shows as is.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from core.errors import event_label

register = template.Library()


def _event(value: Any) -> Any:
    # The portal's timeline rows are dicts that carry their audit event under "event".
    if isinstance(value, dict):
        return value.get("event")
    return value


@register.filter
def action_label(value: Any) -> str:
    """What the event recorded: ``respond_item`` → "Measure answered" ("Mesure répondue")."""
    event = _event(value)
    action = getattr(event, "action", event)
    return event_label(str(action)) if action else ""


def states_of(content_type_id: int | None) -> dict[str, str]:
    """The audited model's state codes and their labels (empty when it has no ``State``).

    ``get_for_id`` reads Django's content type cache: no query per row of a history."""
    if content_type_id is None:
        return {}
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    choices = getattr(getattr(model, "State", None), "choices", None)
    return {code: str(label) for code, label in choices} if choices else {}


@register.filter
def state_label(value: Any, which: str = "to") -> str:
    """The event's ``from`` or ``to`` state as people read it; the code when unknown."""
    event = _event(value)
    if event is None:
        return ""
    code = getattr(event, "from_state" if which == "from" else "to_state", "") or ""
    if not code:
        return ""
    return states_of(getattr(event, "content_type_id", None)).get(code, code)


@register.filter
def timeline_label(value: Any) -> str:
    """One line of a timeline: the state reached, else what happened.

    A portal timeline row (a dict) without its event keeps its own label, unless that label
    is only the action's code spelled out ("assign officer"): then the action's label."""
    event = _event(value)
    if event is None:
        if not isinstance(value, dict):
            return ""
        label, action = str(value.get("label", "")), value.get("action")
        if action and label == str(action).replace("_", " "):
            return event_label(str(action))
        return label
    if event.to_state and event.to_state != event.from_state:
        return state_label(event, "to")
    return action_label(event)
