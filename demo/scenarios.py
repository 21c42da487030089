"""The stories the demo companies take: the first ones in order, so that a small data set (40
companies) has every state of every lifecycle, then drawn at random with these weights."""

from __future__ import annotations

from revalidation.models import RevalidationCycle
from traders.models import Application, Membership
from validations.models import ActionPlan, Incident, SiteValidation

A = Application.State
M = Membership.State
V = SiteValidation.State
P = ActionPlan.State
R = RevalidationCycle.State

# The scheduler opens a membership's revalidation this many days before its expiry (the
# revalidation app's first reminder); seeded cycles follow the same rule.
REVALIDATION_OPENS_DAYS_BEFORE = 180

# The application states of the first companies, in order, so that a small data set (40
# companies) has every state; later companies are drawn with the weights below.
PIPELINE_FIRST = (
    A.CERTIFIED,
    A.DRAFT,
    A.CERTIFIED,
    A.SUBMITTED,
    A.CERTIFIED,
    A.UNDER_REVIEW,
    A.CERTIFIED,
    A.INFO_REQUESTED,
    A.CERTIFIED,
    A.ELIGIBLE,
    A.CERTIFIED,
    A.INELIGIBLE,
    A.CERTIFIED,
    A.VALIDATION_SCHEDULED,
    A.CERTIFIED,
    A.VALIDATED,
    A.CERTIFIED,
    A.DENIED,
    A.CERTIFIED,
    A.WITHDRAWN,
    A.CERTIFIED,
    A.VALIDATION_SCHEDULED,
    A.CERTIFIED,
    A.ELIGIBLE,
)
PIPELINE_WEIGHTS = {
    A.CERTIFIED: 62,
    A.DRAFT: 5,
    A.SUBMITTED: 3,
    A.UNDER_REVIEW: 4,
    A.INFO_REQUESTED: 2,
    A.ELIGIBLE: 3,
    A.INELIGIBLE: 4,
    A.VALIDATION_SCHEDULED: 4,
    A.VALIDATED: 2,
    A.DENIED: 4,
    A.WITHDRAWN: 7,
}
# Membership stories: (story, days to expiry or None for a random date, revalidation state).
MEMBER_FIRST = (
    ("active", 20, R.VALIDATION_SCHEDULED),
    ("active", 50, R.PROFILE_SUBMITTED),
    ("active", 85, R.OPEN),
    ("suspended", None, None),
    ("renewed", None, R.COMPLETED),
    ("lapsed", None, R.LAPSED),
    ("cancelled", None, None),
    ("appealed", None, None),
    ("upheld", None, None),
    ("active", 160, R.OPEN),
    ("active", None, None),
    ("active", None, None),
)
MEMBER_STORY_STATES = {
    "active": M.ACTIVE,
    "renewed": M.ACTIVE,
    "suspended": M.SUSPENDED,
    "lapsed": M.LAPSED,
    "cancelled": M.CANCELLED,
    "appealed": M.APPEALED,
    "upheld": M.UPHELD,
}
MEMBER_WEIGHTS = {
    "active": 84,
    "renewed": 6,
    "suspended": 2,
    "lapsed": 3,
    "cancelled": 2.5,
    "appealed": 0.5,
    "upheld": 2,
}
# Monitoring of current members: first members in order, then at random with a probability.
PLAN_FIRST = (P.ISSUED, P.RESPONDED, P.ACCEPTED, P.RETURNED, P.OVERDUE, P.ESCALATED)
PLAN_RANDOM = (
    0.08,
    {P.ISSUED: 25, P.RESPONDED: 15, P.ACCEPTED: 35, P.RETURNED: 8, P.OVERDUE: 10, P.ESCALATED: 7},
)
SPOT_FIRST = ("scheduled", "in_progress", "completed", "cancelled")
SPOT_RANDOM = (0.05, {"scheduled": 30, "in_progress": 3, "completed": 52, "cancelled": 15})
INCIDENT_FIRST = (
    Incident.State.REPORTED,
    Incident.State.UNDER_ANALYSIS,
    Incident.State.CONCLUDED,
)
INCIDENT_RANDOM = (0.02, {"reported": 20, "under_analysis": 20, "concluded": 60})
NOTICE_FIRST = ("submitted", "acknowledged", "follow_up_spot_check", "follow_up_revalidation")
NOTICE_RANDOM = (
    0.10,
    {
        "submitted": 15,
        "acknowledged": 75,
        "follow_up_spot_check": 6,
        "follow_up_revalidation": 4,
    },
)
