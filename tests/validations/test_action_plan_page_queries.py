"""An action plan's page, on the portal and on the workbench, lists every measure with the
files the member attached in the same number of queries whatever the number of measures
(``validations.selectors.action_plan_for_page`` prefetches them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import pdf_upload
from tests.validations.factories import plan_items
from validations import services
from validations.models import ActionPlanItemEvidence

pytestmark = pytest.mark.django_db


def _answered_plan(*, company, officer, trader, measures: int):
    plan = services.action_plan_issue(
        company=company, actor=officer, items=plan_items(days=range(30, 30 + 30 * measures, 30))
    )
    for number, item in enumerate(plan.items.order_by("id"), start=1):
        services.action_plan_item_respond(
            item=item,
            actor=trader,
            response=f"Measure {number} is done.",
            files=[pdf_upload(f"proof-{number}-{n}.pdf") for n in range(2)],
        )
    return plan


def _queries(client, namespace: str, plan, *, files: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse(f"{namespace}:action_plan", args=[plan.pk])).content.decode()
    evidence = ActionPlanItemEvidence.objects.filter(item__plan=plan)
    assert len(evidence) == files
    for attached in evidence:  # every file of every measure is listed, with its link
        assert reverse(f"{namespace}:action_plan_evidence", args=[attached.pk]) in html
    return len(queries)


@pytest.mark.parametrize(("who", "namespace"), [("trader", "portal"), ("officer", "backoffice")])
def test_the_plan_page_lists_measures_and_files_in_constant_queries(
    who, namespace, client, company, officer, trader, request
):
    small = _answered_plan(company=company, officer=officer, trader=trader, measures=1)
    large = _answered_plan(company=company, officer=officer, trader=trader, measures=5)
    client.force_login(request.getfixturevalue(who))
    _queries(client, namespace, small, files=2)  # warms the session and content types

    one = _queries(client, namespace, small, files=2)
    five = _queries(client, namespace, large, files=10)

    assert five == one
