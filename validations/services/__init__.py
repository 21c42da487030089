"""Writes of the validations app, one module per concept; every public name is re-exported
here, so ``from validations import services`` and ``from validations.services import x`` work
as before.

- ``site_validations``: visits (initial, revalidation, spot check) from scheduling to report
- ``findings``: the result on each requirement and its files
- ``action_plans``: corrective action plans as a whole
- ``action_plan_items``: the same plans, measure by measure
- ``incidents``: security incidents and their analysis
- ``withdrawal``: an application withdrawn, and its visits still scheduled cancelled
- ``decisions``: a certification weighed against the evidence

Each lifecycle transition has one service; it runs through
:func:`core.transitions.transition_run` (lock, permission, state check, save, audit). A
service that also moves an application or a change notice does it through the traders
services, in the same transaction.
"""

from .action_plan_items import (
    ITEM_NOT_ACCEPTED,
    MAX_FILES_PER_ANSWER,
    action_plan_item_accept,
    action_plan_item_extend,
    action_plan_item_respond,
    action_plan_item_return,
)
from .action_plans import (
    action_plan_accept,
    action_plan_escalate,
    action_plan_extend,
    action_plan_issue,
    action_plan_mark_overdue,
    action_plan_respond,
    action_plan_return,
)
from .decisions import application_certify
from .findings import finding_evidence_attach, finding_record
from .incidents import incident_conclude, incident_report, incident_start_analysis
from .site_validations import (
    CURRENT_MEMBERSHIP_STATES,
    site_validation_cancel,
    site_validation_complete,
    site_validation_schedule,
    site_validation_start,
    site_validations_cancel_for_withdrawal,
)
from .withdrawal import application_withdraw

__all__ = [
    "CURRENT_MEMBERSHIP_STATES",
    "site_validation_schedule",
    "site_validation_start",
    "site_validation_complete",
    "site_validation_cancel",
    "site_validations_cancel_for_withdrawal",
    "finding_record",
    "finding_evidence_attach",
    "action_plan_issue",
    "action_plan_respond",
    "action_plan_accept",
    "action_plan_return",
    "action_plan_mark_overdue",
    "action_plan_escalate",
    "action_plan_extend",
    "MAX_FILES_PER_ANSWER",
    "ITEM_NOT_ACCEPTED",
    "action_plan_item_respond",
    "action_plan_item_accept",
    "action_plan_item_return",
    "action_plan_item_extend",
    "incident_report",
    "incident_start_analysis",
    "incident_conclude",
    "application_withdraw",
    "application_certify",
]
