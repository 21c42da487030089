import pytest

from tests.factories import make_application, make_membership
from traders.models import Application, Membership

pytestmark = pytest.mark.django_db


def test_application_reaches_certified_and_membership_runs_four_years():
    app = make_application(state=Application.State.CERTIFIED)
    membership = Membership.objects.get(application=app)
    assert membership.state == Membership.State.ACTIVE
    assert membership.expires_on.year == membership.certified_on.year + 4


def test_membership_appeal_path():
    m = make_membership(state=Membership.State.UPHELD)
    assert m.state == Membership.State.UPHELD
