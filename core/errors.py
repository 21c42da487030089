"""The one domain error type, and its variants.

Business rules raise :class:`DomainError`; invalid input raises Django's ``ValidationError``.
Interfaces turn a DomainError into a message for a person or a 409/403 for a client.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The actions' names as people read them, in the infinitive ("Cannot <action> this ...").
ACTION_LABELS = {
    "submit": gettext_lazy("submit"),
    "start_review": gettext_lazy("start the review of"),
    "request_info": gettext_lazy("request information on"),
    "answer_info": gettext_lazy("answer the information request on"),
    "mark_eligible": gettext_lazy("mark as eligible"),
    "mark_ineligible": gettext_lazy("mark as ineligible"),
    "schedule_validation": gettext_lazy("schedule a site validation for"),
    "unschedule_validation": gettext_lazy("cancel the site validation of"),
    "record_validation": gettext_lazy("record the site validation of"),
    "certify": gettext_lazy("certify"),
    "deny": gettext_lazy("deny"),
    "withdraw": gettext_lazy("withdraw"),
    "suspend": gettext_lazy("suspend"),
    "reinstate": gettext_lazy("reinstate"),
    "cancel": gettext_lazy("cancel"),
    "lapse": gettext_lazy("let lapse"),
    "appeal": gettext_lazy("appeal"),
    "allow_appeal": gettext_lazy("allow the appeal of"),
    "uphold_cancellation": gettext_lazy("uphold the cancellation of"),
    "renew": gettext_lazy("renew"),
    "acknowledge": gettext_lazy("acknowledge"),
    "open_follow_up": gettext_lazy("open a follow-up for"),
    "start": gettext_lazy("start"),
    "complete": gettext_lazy("complete"),
    "respond": gettext_lazy("respond to"),
    "accept": gettext_lazy("accept"),
    "return_plan": gettext_lazy("return"),
    "mark_overdue": gettext_lazy("mark as overdue"),
    "escalate": gettext_lazy("escalate"),
    "extend": gettext_lazy("extend"),
    "start_analysis": gettext_lazy("start the analysis of"),
    "conclude": gettext_lazy("conclude"),
    "submit_profile": gettext_lazy("submit the profile of"),
    "create_company": gettext_lazy("register a company"),
    "add_company_user": gettext_lazy("add a user to this company"),
    "add_site": gettext_lazy("add a site"),
    "answer_security_profile": gettext_lazy("answer this security profile"),
    "attach_evidence": gettext_lazy("attach evidence to this profile"),
    "submit_security_profile": gettext_lazy("submit this security profile"),
    "start_application": gettext_lazy("start an application"),
    "change_sites": gettext_lazy("change the sites in scope"),
    "assign_officer": gettext_lazy("assign an officer"),
    "report_change": gettext_lazy("report a business change"),
    "schedule_site_validation": gettext_lazy("schedule a site validation"),
    "record_finding": gettext_lazy("record a finding"),
    "attach_finding_evidence": gettext_lazy("attach evidence to this finding"),
    "issue_action_plan": gettext_lazy("issue an action plan"),
    "report_incident": gettext_lazy("report an incident"),
    "open": gettext_lazy("open a revalidation for"),
    "open_revalidation": gettext_lazy("open a revalidation"),
    "update_company": gettext_lazy("change the company profile"),
    "update_site": gettext_lazy("change this site"),
    "confirm_profile": gettext_lazy("confirm the security profile"),
    "respond_item": gettext_lazy("answer this measure of"),
    "accept_item": gettext_lazy("accept this measure of"),
    "return_item": gettext_lazy("return this measure of"),
    "extend_item": gettext_lazy("extend the deadline of this measure of"),
    "issue": gettext_lazy("issue"),
    "report": gettext_lazy("report"),
    "schedule": gettext_lazy("schedule"),
    "create": gettext_lazy("create"),
    "invite": gettext_lazy("invite a user to"),
    "issue_certificate": gettext_lazy("issue the certificate of"),
    "register": gettext_lazy("register"),
    "verify_email": gettext_lazy("verify the e-mail address of"),
    "accept_invitation": gettext_lazy("accept the invitation of"),
    "company_created": gettext_lazy("register a company"),
    "company_user_added": gettext_lazy("add a user to this company"),
    "company_updated": gettext_lazy("change the company profile"),
    "site_added": gettext_lazy("add a site"),
    "site_updated": gettext_lazy("change this site"),
}

# What an audit event records, as the history tables and timelines show it (past tense,
# capitalized): one entry for every action a service or transition writes
# (tests/core/test_labels.py checks it). Unknown actions show their code.
EVENT_LABELS = {
    "register": gettext_lazy("Account registered"),
    "verify_email": gettext_lazy("E-mail address verified"),
    "accept_invitation": gettext_lazy("Invitation accepted"),
    "invite": gettext_lazy("User invited"),
    "company_created": gettext_lazy("Company registered"),
    "company_user_added": gettext_lazy("User added to the company"),
    "company_updated": gettext_lazy("Company profile changed"),
    "site_added": gettext_lazy("Site added"),
    "site_updated": gettext_lazy("Site changed"),
    "assign_officer": gettext_lazy("Officer assigned"),
    "create": gettext_lazy("Created"),
    "submit": gettext_lazy("Submitted"),
    "submit_security_profile": gettext_lazy("Security profile submitted"),
    "submit_profile": gettext_lazy("Security profile submitted"),
    "confirm_profile": gettext_lazy("Security profile confirmed as still accurate"),
    "start_review": gettext_lazy("Review started"),
    "request_info": gettext_lazy("Information requested"),
    "answer_info": gettext_lazy("Information request answered"),
    "mark_eligible": gettext_lazy("Marked as eligible"),
    "mark_ineligible": gettext_lazy("Marked as ineligible"),
    "schedule_validation": gettext_lazy("Site validation scheduled"),
    "unschedule_validation": gettext_lazy("Site validation cancelled"),
    "record_validation": gettext_lazy("Site validation recorded"),
    "certify": gettext_lazy("Certified"),
    "issue_certificate": gettext_lazy("Certificate issued"),
    "deny": gettext_lazy("Denied"),
    "withdraw": gettext_lazy("Withdrawn"),
    "suspend": gettext_lazy("Suspended"),
    "reinstate": gettext_lazy("Reinstated"),
    "cancel": gettext_lazy("Cancelled"),
    "lapse": gettext_lazy("Lapsed"),
    "appeal": gettext_lazy("Appealed"),
    "allow_appeal": gettext_lazy("Appeal allowed"),
    "uphold_cancellation": gettext_lazy("Cancellation upheld"),
    "renew": gettext_lazy("Renewed"),
    "open": gettext_lazy("Opened"),
    "report": gettext_lazy("Reported"),
    "acknowledge": gettext_lazy("Acknowledged"),
    "open_follow_up": gettext_lazy("Follow-up opened"),
    "schedule": gettext_lazy("Scheduled"),
    "start": gettext_lazy("Started"),
    "complete": gettext_lazy("Completed"),
    "record_finding": gettext_lazy("Finding recorded"),
    "attach_finding_evidence": gettext_lazy("Evidence attached to a finding"),
    "issue": gettext_lazy("Issued"),
    "respond": gettext_lazy("Answered"),
    "respond_item": gettext_lazy("Measure answered"),
    "accept": gettext_lazy("Accepted"),
    "accept_item": gettext_lazy("Measure accepted"),
    "return_plan": gettext_lazy("Returned"),
    "return_item": gettext_lazy("Measure returned"),
    "extend": gettext_lazy("Deadline extended"),
    "extend_item": gettext_lazy("Measure's deadline extended"),
    "mark_overdue": gettext_lazy("Overdue"),
    "escalate": gettext_lazy("Escalated"),
    "start_analysis": gettext_lazy("Analysis started"),
    "conclude": gettext_lazy("Concluded"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action.replace("_", " ")))


def event_label(action: str) -> str:
    """An audit event's action as the history shows it, in the active language."""
    return str(EVENT_LABELS.get(action, action))


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable, ``message`` is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the object's current state (HTTP 409)."""

    code = "transition_not_allowed"

    def __init__(self, *, obj: object, action: str, state: str, reason: str = "") -> None:
        label = getattr(obj, "_meta", None)
        kind = str(label.verbose_name) if label else type(obj).__name__
        message = _("Cannot %(action)s this %(kind)s: it is %(state)s.") % {
            "action": action_label(action),
            "kind": kind,
            "state": state,
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message, details={"state": state, "action": action})
        self.state = state
        self.action = action


class NotPermitted(DomainError):
    """The actor's role may not take this action (HTTP 403)."""

    code = "not_permitted"

    def __init__(
        self, *, action: str, role: str, kind: str | None = None, message: str | None = None
    ) -> None:
        values = {"role": role, "action": action_label(action), "kind": kind}
        if not message and kind:
            message = _("Your role (%(role)s) may not %(action)s this %(kind)s.") % values
        elif not message:
            message = _("Your role (%(role)s) may not %(action)s.") % values
        super().__init__(message, details={"action": action, "role": role})


class SigningAuthorityRequired(NotPermitted):
    """Only a signing authority of the company may take this action (HTTP 403); a
    contributor prepares it. ``details`` names who may."""

    code = "signing_authority_required"

    def __init__(self, *, action: str, message: str, signing_authorities: Sequence[str]) -> None:
        super().__init__(action=action, role="contributor", message=message)
        self.details = {"action": action, "signing_authorities": list(signing_authorities)}


class AlreadyAssigned(DomainError):
    """A case another officer has is taken only once the taker confirms (HTTP 409)."""

    code = "already_assigned"


class Incomplete(DomainError):
    """An action was refused because items are missing; ``missing`` lists them."""

    code = "incomplete"

    def __init__(self, message: str, *, missing: Sequence[object]) -> None:
        super().__init__(message, details={"missing": list(missing)})
        self.missing = list(missing)
