"""Reads for the manager's dashboard: its figures and the lists behind them.

Every figure is the size of one list. Each list is described once, by a :class:`ListSpec`
(its model, the condition that selects its rows, its order); the dashboard's figures are
conditional counts over the same conditions (one query per model, whatever the data size),
and a list page filters by the same condition. A figure and its list cannot disagree.

Date windows are agency dates (``core.dates.agency_today``). The queries are written so that
PostgreSQL can use the indexes behind them: ``membership_active_expiry`` (partial, active
memberships' expiry), ``membership_state_expiry``, ``revalidation_state_due``,
``actionplan_open_deadline`` (partial, open plans' deadline) and the application
``(state, state_changed_at)`` index.
"""

from .figures import (
    WORKLOAD_KINDS,
    dashboard_figures,
    decisions_per_month,
)
from .filters import (
    DECISION_MONTHS,
    DECISIONS,
    EXPIRY_CHART_MONTHS,
    EXPIRY_WINDOWS,
    PIPELINE_STAGES,
    PLANS_DUE_SOON_DAYS,
    REVALIDATION_HORIZON_DAYS,
    A,
    Filters,
    filter_choices,
)
from .lists import (
    KINDS,
    LISTS,
    ListSpec,
    UnknownList,
    dashboard_list,
)

__all__ = [
    "A",
    "DECISIONS",
    "DECISION_MONTHS",
    "EXPIRY_CHART_MONTHS",
    "EXPIRY_WINDOWS",
    "Filters",
    "KINDS",
    "LISTS",
    "ListSpec",
    "PIPELINE_STAGES",
    "PLANS_DUE_SOON_DAYS",
    "REVALIDATION_HORIZON_DAYS",
    "UnknownList",
    "WORKLOAD_KINDS",
    "dashboard_figures",
    "dashboard_list",
    "decisions_per_month",
    "filter_choices",
]
