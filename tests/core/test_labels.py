"""Audit events read as people read them: every action a service or a transition writes has a
label, and the history tables and the portal's timeline show labels, not codes, in English
and in French."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.audit import audit_record
from core.errors import ACTION_LABELS, EVENT_LABELS
from core.models import AuditEvent
from tests.factories import make_application, trader_of
from tests.validations.factories import make_action_plan
from traders import services as trader_services
from traders.models import Application
from validations import services
from validations.models import ActionPlan, ActionPlanItem

ROOT = Path(settings.BASE_DIR)
WRITERS = {"audit_record", "transition_run"}
# Actions built at run time: the expression as written, and the names it can give.
DYNAMIC = {
    "f\"{('accept' if review == Review.ACCEPTED else 'return')}_item\"": {
        "accept_item",
        "return_item",
    },
}


def _written_actions() -> set[str]:
    """Every ``action=`` given to audit_record or transition_run, and every FSM transition,
    in the apps' code."""
    names: set[str] = set()
    skipped = {"tests", ".venv", "node_modules", "migrations"}
    sources = [  # the apps' modules and their packages' (traders/services/, ...)
        p for p in ROOT.glob("*/**/*.py") if not skipped & set(p.relative_to(ROOT).parts)
    ]
    assert len(sources) > 30
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name not in WRITERS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg != "action":
                        continue
                    value = keyword.value
                    if isinstance(value, ast.Constant):
                        names.add(value.value)
                    elif isinstance(value, ast.JoinedStr):
                        expression = ast.unparse(value)
                        assert expression in DYNAMIC, f"{path}: list what {expression} can give"
                        names |= DYNAMIC[expression]
                    else:  # transition_run's own pass-through of its argument
                        assert path.name == "transitions.py", f"{path}:{node.lineno}"
            elif isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if getattr(target, "id", getattr(target, "attr", "")) == "transition":
                        names.add(node.name)
    return names


def test_every_action_written_has_a_label():
    actions = _written_actions()
    # The scan finds what the services write (a sanity check on the scan itself).
    assert {"respond_item", "accept_item", "return_item", "extend_item", "open_follow_up"} <= (
        actions
    )
    assert sorted(actions - EVENT_LABELS.keys()) == []
    assert sorted(actions - ACTION_LABELS.keys()) == []


def _render(source: str, **context) -> str:
    return Template("{% load labels %}" + source).render(Context(context)).strip()


@pytest.mark.django_db
def test_the_filters_name_actions_and_states_in_the_active_language(company, officer):
    plan = make_action_plan(company=company, officer=officer)
    event = AuditEvent.objects.for_object(plan).get(action="issue")
    source = '{{ e|action_label }}|{{ e|state_label:"from" }}|{{ e|state_label:"to" }}'
    assert _render(source, e=event) == "Issued||Issued"
    with translation.override("fr"):
        assert _render(source, e=event) == f"{EVENT_LABELS['issue']}||Émis"


@pytest.mark.django_db
def test_unknown_codes_show_as_they_are(company, officer):
    plan = make_action_plan(company=company, officer=officer)
    event = audit_record(
        actor=officer, obj=plan, action="tidy_up", from_state="issued", to_state="limbo"
    )
    source = '{{ e|action_label }}|{{ e|state_label:"from" }}|{{ e|state_label:"to" }}'
    assert _render(source, e=event) == "tidy_up|Issued|limbo"
    # A model without states: the codes as they are.
    item = plan.items.first()
    event = audit_record(actor=officer, obj=item, action="respond", to_state="done")
    assert _render(source, e=event) == "Answered||done"


def _history_cells(html: str) -> str:
    table = re.search(r'<table class="gc-table wb-history">.*?</table>', html, re.S)
    assert table, "no history table"
    return table.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_workbench_history_shows_labels(client, company, officer, language):
    plan = make_action_plan(company=company, officer=officer)
    trader = trader_of(company)
    first, second = ActionPlanItem.objects.filter(plan=plan).order_by("id")
    services.action_plan_item_respond(item=first, actor=trader, response="Done.")
    services.action_plan_item_respond(item=second, actor=trader, response="Done too.")
    client.force_login(officer)
    with translation.override(language):
        html = client.get(reverse("backoffice:action_plan", args=[plan.pk])).content.decode()
        history = _history_cells(html)
        expected = [
            str(EVENT_LABELS[action]) for action in ("issue", "respond_item", "respond")
        ] + [str(ActionPlan.State(state).label) for state in ("issued", "responded")]
    for code in ("respond_item", ">issue<", ">issued<", ">responded<", ">respond<"):
        assert code not in history
    for label in expected:
        assert f">{label}<" in history.replace("&#x27;", "'")
    if language == "fr":
        assert ">Émis<" in history and ">Réponse reçue<" in history


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_portal_timeline_shows_labels(client, company, officer, language):
    application = make_application(company=company, state=Application.State.SUBMITTED)
    trader_services.application_assign_officer(
        application=application, officer=officer, actor=officer
    )
    client.force_login(trader_of(company))
    with translation.override(language):
        html = client.get(reverse("portal:application", args=[application.pk])).content.decode()
        timeline = re.search(r'<ol class="pt-timeline">.*?</ol>', html, re.S).group(0)
        submitted = str(Application.State.SUBMITTED.label)
        assigned = str(EVENT_LABELS["assign_officer"])
    assert f"<strong>{submitted}</strong>" in timeline
    assert f"<strong>{assigned}</strong>" in timeline.replace("&#x27;", "'")
    assert "assign officer" not in timeline and "assign_officer" not in timeline
    if language == "fr":
        assert "<strong>Soumise</strong>" in timeline
