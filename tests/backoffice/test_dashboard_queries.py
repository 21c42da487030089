"""The dashboard and its lists read a constant number of queries whatever the data size,
and their date windows are served by the indexes (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import agency_today
from demo.services import demo_seed
from reporting import dashboard as selectors
from reporting.dashboard import Filters
from traders.models import Membership

MAX_DASHBOARD_QUERIES = 20
MAX_LIST_QUERIES = 10
PAGES = [
    ("backoffice:dashboard", [], ""),
    ("backoffice:dashboard", [], "?programme=PIP&country=CA&business_type=highway_carrier"),
    ("backoffice:dashboard_list", ["expiring-90"], ""),
    ("backoffice:dashboard_list", ["expiring-180"], "?programme=PIP&country=CA"),
    ("backoffice:dashboard_list", ["lapsed"], ""),
    ("backoffice:dashboard_list", ["revalidations-not-started"], ""),
    ("backoffice:dashboard_list", ["revalidations-open"], ""),
    ("backoffice:dashboard_list", ["plans-open"], ""),
    ("backoffice:dashboard_list", ["applications-open"], "?page=2"),
    ("backoffice:dashboard_list_csv", ["expiring-180"], ""),
]


def query_counts(client) -> dict[str, int]:
    counts = {}
    for name, args, query in PAGES:
        url = reverse(name, args=args) + query
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_constant_queries_from_10_to_1000_memberships(
    client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    demo_seed(companies=14, full_profiles=0)
    small = Membership.objects.count()
    assert 8 <= small <= 14
    few = query_counts(client)
    demo_seed(companies=1450, full_profiles=0)
    assert Membership.objects.count() >= 1000
    many = query_counts(client)
    assert few == many
    for name, args, query in PAGES:
        limit = MAX_DASHBOARD_QUERIES if name == "backoffice:dashboard" else MAX_LIST_QUERIES
        with django_assert_max_num_queries(limit):
            response = client.get(reverse(name, args=args) + query)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)


def test_record_pages_constant_queries(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    demo_seed(companies=14, full_profiles=0)
    membership = Membership.objects.filter(state="active").first()
    for url in (
        reverse("backoffice:dashboard_membership", args=[membership.pk]),
        reverse("backoffice:dashboard_application", args=[membership.application_id]),
    ):
        # The evidence behind the decision (validations.selectors.decision_evidence) adds a
        # fixed number: visits, findings, plans, measures, files, incidents, notices and the
        # Security Profile's overview.
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def explain(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres("reads PostgreSQL's query plan")
def test_the_90_day_list_uses_the_expiry_index(db):
    """With enough rows and fresh statistics the planner picks the partial index on active
    memberships' expiry for the 90-day list (its page and its count)."""
    demo_seed(companies=1500, full_profiles=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE traders_membership")
    _spec, rows = selectors.dashboard_list(key="expiring-90", filters=Filters())
    page_sql, page_params = rows[:50].query.sql_with_params()
    count_sql, count_params = rows.values("pk").order_by().query.sql_with_params()
    for sql, params in ((page_sql, page_params), (count_sql, count_params)):
        plan = explain(sql, params)
        assert "membership_active_expiry" in plan or "membership_state_expiry" in plan, plan
        assert "Index" in plan, plan


@pytest.mark.postgres("reads PostgreSQL's query plan")
def test_the_dashboard_figures_can_use_the_indexes(db):
    """With sequential scans off, the membership figures' query is answerable from the
    expiry indexes: proof the index is usable whatever the table size."""
    demo_seed(companies=40, full_profiles=0)
    today = agency_today()
    keys = [f"expiring-{d}" for d in selectors.EXPIRY_WINDOWS] + ["lapsed"]
    union = None
    for key in keys:
        condition = selectors.LISTS[key].condition(today, {})
        union = condition if union is None else union | condition
    qs = Membership.objects.filter(union).values("pk").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = explain(*qs.query.sql_with_params())
    assert "membership_active_expiry" in plan or "membership_state_expiry" in plan, plan
