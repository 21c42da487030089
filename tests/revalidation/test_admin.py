"""The admin shows cycles and never lets their state or dates be edited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_membership
from tests.revalidation.factories import make_cycle

pytestmark = pytest.mark.django_db


def test_admin_shows_the_cycle_read_only(client, administrator, company, trader):
    cycle = make_cycle(membership=make_membership(company=company))
    client.force_login(administrator)

    listing = client.get(reverse("admin:revalidation_revalidationcycle_changelist"))
    assert listing.status_code == 200
    assert cycle.membership.member_number in listing.content.decode()

    page = client.get(reverse("admin:revalidation_revalidationcycle_change", args=[cycle.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "state" not in form.fields
    assert "due_on" not in form.fields
    assert client.get(reverse("admin:revalidation_revalidationcycle_add")).status_code == 403
