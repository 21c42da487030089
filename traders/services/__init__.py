"""Writes of the traders app, one module per concept; every public name is re-exported here,
so ``from traders import services`` and ``from traders.services import x`` work as before.

- ``companies``: companies, sites and company users (registration, corrections, invitations)
- ``catalogues``: loading a requirement catalogue version
- ``evidence``: the checks every uploaded file passes
- ``profiles``: security profiles (answers, evidence, catalogue moves, submit, confirmation)
- ``applications``: applications from the draft to the decision
- ``memberships``: memberships after certification (suspension to renewal)
- ``assignment``: the officer of an application or a membership
- ``change_notices``: changes a member reports, and their follow-up

Each lifecycle transition has one service; it runs through
:func:`core.transitions.transition_run` (lock, permission, state check, save, audit).
"""

from .applications import (
    INFORMATION_FILES_MAX,
    application_answer_info,
    application_certify,
    application_create,
    application_create_once,
    application_deny,
    application_mark_eligible,
    application_mark_ineligible,
    application_missing_items,
    application_record_validation,
    application_request_info,
    application_schedule_validation,
    application_sites_set,
    application_start_review,
    application_submit,
    application_unschedule_validation,
    application_withdraw,
)
from .assignment import (
    application_assign_officer,
    application_reassign_bulk,
    application_take,
    membership_assign_officer,
)
from .catalogues import catalogue_load
from .change_notices import (
    change_notice_acknowledge,
    change_notice_open_follow_up,
    change_notice_submit,
)
from .companies import (
    COMPANY_EDITABLE_FIELDS,
    SITE_EDITABLE_FIELDS,
    business_type_delete,
    company_create,
    company_update,
    company_user_add,
    company_user_invite,
    site_create,
    site_update,
)
from .evidence import EVIDENCE_CONTENT_TYPES, EVIDENCE_SIGNATURES, evidence_check
from .memberships import (
    membership_allow_appeal,
    membership_appeal,
    membership_cancel,
    membership_lapse,
    membership_reinstate,
    membership_renew,
    membership_suspend,
    membership_uphold_cancellation,
)
from .profiles import (
    evidence_attach,
    profile_answer_save,
    profile_answers_save,
    profile_catalogue_refresh,
    profile_confirm,
    profile_copy,
    profile_submit,
)

__all__ = [
    "business_type_delete",
    "company_create",
    "company_user_add",
    "site_create",
    "COMPANY_EDITABLE_FIELDS",
    "SITE_EDITABLE_FIELDS",
    "company_update",
    "site_update",
    "company_user_invite",
    "catalogue_load",
    "EVIDENCE_SIGNATURES",
    "EVIDENCE_CONTENT_TYPES",
    "evidence_check",
    "profile_answer_save",
    "profile_answers_save",
    "evidence_attach",
    "profile_copy",
    "profile_catalogue_refresh",
    "profile_submit",
    "profile_confirm",
    "application_create",
    "application_create_once",
    "application_sites_set",
    "application_missing_items",
    "application_submit",
    "application_start_review",
    "application_request_info",
    "INFORMATION_FILES_MAX",
    "application_answer_info",
    "application_mark_eligible",
    "application_mark_ineligible",
    "application_schedule_validation",
    "application_unschedule_validation",
    "application_record_validation",
    "application_certify",
    "application_deny",
    "application_withdraw",
    "membership_suspend",
    "membership_reinstate",
    "membership_cancel",
    "membership_lapse",
    "membership_appeal",
    "membership_allow_appeal",
    "membership_uphold_cancellation",
    "membership_renew",
    "application_assign_officer",
    "application_take",
    "application_reassign_bulk",
    "membership_assign_officer",
    "change_notice_submit",
    "change_notice_acknowledge",
    "change_notice_open_follow_up",
]
