"""The membership certificate: its text in both languages, and one stored certificate per
certification and per renewal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.dates import agency_tz
from core.models import Role
from tests.factories import CompanyFactory, UserFactory, make_application, make_membership
from traders import services
from traders.documents import certificate_issue, certificate_latest_for, certificate_render
from traders.models import Application, Membership, MembershipCertificate
from traders.tasks import issue_certificate

from .conftest import pdf_fonts, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

CERTIFIED_AT = dt.datetime(2026, 3, 12, 12, 0, tzinfo=agency_tz())


@pytest.fixture
def company():
    return CompanyFactory(legal_name="Érable Freight Forwarding Ltée", operating_name="Érable")


@pytest.fixture
def membership(company):
    with time_machine.travel(CERTIFIED_AT, tick=False):
        return make_membership(company=company)


def test_the_certificate_says_it_all_in_both_languages(membership):
    with time_machine.travel(CERTIFIED_AT, tick=False):
        pdf = certificate_render(membership=membership)

    assert len(pdf_reader(pdf).pages) == 1
    text = pdf_text(pdf)
    assert membership.member_number in text
    assert "Érable Freight Forwarding Ltée" in text
    # The programme, the agency and the title, in English and in French.
    for words in (
        "Partners in Protection",
        "Partenaires en protection",
        "Canada Border Services Agency",
        "Agence des services frontaliers du Canada",
        "CERTIFICATE OF MEMBERSHIP",
        "CERTIFICAT D’ADHÉSION",
        "Member number / Numéro de membre",
    ):
        assert words in text, words
    # Certified on 12 March 2026, valid four years, written out in each language.
    assert "Certified on March 12, 2026" in text
    assert "Valid until March 12, 2030" in text
    assert "Certifié le 12 mars 2026" in text
    assert "Valide jusqu’au 12 mars 2030" in text


def test_the_certificate_uses_only_the_fonts_shipped_with_the_project(membership):
    fonts = pdf_fonts(certificate_render(membership=membership))
    assert fonts and fonts <= {"TT-Noto-Sans", "TT-Noto-Sans-Bold", "TT-Lato-Bold"}, fonts


def test_a_csa_certificate_names_the_csa_programme():
    csa = make_membership(programme="CSA")
    text = pdf_text(certificate_render(membership=csa))
    assert "Customs Self-Assessment" in text
    assert "Programme d'autocotisation des douanes" in text.replace("’", "'")


def _certify(application: Application, django_capture_on_commit_callbacks) -> list[Membership]:
    manager = UserFactory(role=Role.MANAGER, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_certify(application=application, actor=manager)
    assert callbacks, "the certificate is enqueued on commit"
    return list(Membership.objects.filter(application=application).order_by("programme"))


def test_certification_stores_exactly_one_certificate(company, django_capture_on_commit_callbacks):
    application = make_application(state=Application.State.VALIDATED, company=company)
    with time_machine.travel(CERTIFIED_AT, tick=False):
        [membership] = _certify(application, django_capture_on_commit_callbacks)

    [certificate] = MembershipCertificate.objects.filter(membership=membership)
    assert certificate.reason == MembershipCertificate.Reason.CERTIFICATION
    assert certificate.expires_on == membership.expires_on == dt.date(2030, 3, 12)
    assert certificate.generated_on == dt.date(2026, 3, 12)
    assert certificate.file.name.startswith(f"certificates/{company.pk}/")
    with certificate.file.open("rb") as stored:
        assert membership.member_number in pdf_text(stored.read())
    assert certificate_latest_for(membership=membership) == certificate

    # The task redelivered, or the service called again: still one certificate.
    assert issue_certificate(membership.pk, "certification") == certificate.pk
    certificate_issue(membership=membership, reason="certification")
    assert MembershipCertificate.objects.filter(membership=membership).count() == 1


def test_certifying_both_programmes_stores_one_certificate_each(
    company, django_capture_on_commit_callbacks
):
    application = make_application(
        state=Application.State.VALIDATED,
        company=company,
        programme=Application.ProgrammeChoice.BOTH,
    )
    memberships = _certify(application, django_capture_on_commit_callbacks)
    assert [m.programme for m in memberships] == ["CSA", "PIP"]
    for membership in memberships:
        assert MembershipCertificate.objects.filter(membership=membership).count() == 1


def test_nothing_is_issued_when_the_certification_rolls_back(
    company, django_capture_on_commit_callbacks
):
    application = make_application(state=Application.State.VALIDATED, company=company)
    trader = company.user_links.first().user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception, match="may not"):
            services.application_certify(application=application, actor=trader)
    assert callbacks == []
    assert not MembershipCertificate.objects.exists()


def test_renewal_stores_a_new_certificate_with_the_new_expiry(
    company, django_capture_on_commit_callbacks
):
    application = make_application(state=Application.State.VALIDATED, company=company)
    with time_machine.travel(CERTIFIED_AT, tick=False):
        [membership] = _certify(application, django_capture_on_commit_callbacks)
    officer = UserFactory(role=Role.OFFICER, is_staff=True)

    with time_machine.travel(dt.datetime(2029, 12, 1, 12, tzinfo=agency_tz()), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            renewed = services.membership_renew(
                membership=membership, actor=officer, validated_on=dt.date(2029, 11, 20)
            )

    # Four years from the site validation behind the renewal, not from the old expiry.
    assert renewed.expires_on == dt.date(2033, 11, 20)
    certificates = list(MembershipCertificate.objects.filter(membership=membership))
    assert [(c.reason, c.expires_on) for c in certificates] == [
        ("renewal", dt.date(2033, 11, 20)),
        ("certification", dt.date(2030, 3, 12)),
    ]
    latest = certificate_latest_for(membership=membership)
    assert latest == certificates[0]
    assert latest.generated_on == dt.date(2029, 12, 1)
    with latest.file.open("rb") as stored:
        text = pdf_text(stored.read())
    assert "Valid until November 20, 2033" in text
    assert "Valide jusqu’au 20 novembre 2033" in text
    assert "Certified on March 12, 2026" in text  # the original certification date stands


def test_the_longest_legal_name_still_fits_on_one_page():
    membership = make_membership(company=CompanyFactory(legal_name="Longname " * 22))
    pdf = certificate_render(membership=membership)
    assert len(pdf_reader(pdf).pages) == 1
